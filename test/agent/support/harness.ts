/** A temporary instance for one agent test: directories, a config file, and a CLI run capturing output. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliOverrides, runCli } from '../../../agent/main.ts';
import { agentS3Client } from '../../../agent/s3.ts';
import type { VirtualClock } from '../../../emulator/clock.ts';
import { drive } from './drive.ts';
import { agentInFlight } from './in-flight.ts';

export interface Harness {
  root: string;
  checkpointDir: string;
  lockFile: string;
  pidFile: string;
  configFile: string;
  writeConfig(fields: Record<string, unknown>): Promise<void>;
  stdout: string[];
  stderr: string[];
  /** `STATE:` lines only, as `<utc> <STATE>`. */
  states(): string[];
  run(
    argv: string[],
    env: NodeJS.ProcessEnv,
    overrides: CliOverrides & { clock: VirtualClock },
  ): Promise<number>;
  cleanup(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'agent-test-'));
  const h: Harness = {
    root,
    checkpointDir: join(root, 'checkpoint'),
    lockFile: join(root, 'run', 'agent.lock'),
    pidFile: join(root, 'workload.pid'),
    configFile: join(root, 'agent.json'),
    stdout: [],
    stderr: [],
    writeConfig: async (fields) => {
      await writeFile(h.configFile, JSON.stringify(fields));
    },
    states: () =>
      h.stdout
        .map((line) => /^\[UTC (\S+)\] STATE: (\S+)$/.exec(line))
        .filter((m) => m !== null)
        .map((m) => `${m[1]} ${m[2]}`),
    run: (argv, env, overrides) =>
      drive(
        overrides.clock,
        runCli(
          argv,
          env,
          { stdout: (l) => h.stdout.push(l), stderr: (l) => h.stderr.push(l) },
          counted(overrides),
        ),
      ),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await mkdir(h.checkpointDir, { recursive: true });
  return h;
}

/** Every request the agent sends goes through a seam `drive()` counts, whichever client it uses. */
function counted<O extends CliOverrides>(overrides: O): O {
  const makeS3 = overrides.makeS3 ?? agentS3Client;
  return {
    ...overrides,
    fetch: agentInFlight.fetch(overrides.fetch),
    ...(overrides.s3 ? { s3: agentInFlight.s3(overrides.s3) } : {}),
    makeS3: (options) => agentInFlight.s3(makeS3(options)),
  };
}
