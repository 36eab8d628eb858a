/** A temporary instance for one agent test: directories, a config file, and a CLI run capturing output. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliOverrides, runCli } from '../../../agent/main.ts';
import type { VirtualClock } from '../../../local/clock.ts';
import { drive } from './drive.ts';

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
        runCli(argv, env, { stdout: (l) => h.stdout.push(l), stderr: (l) => h.stderr.push(l) }, overrides),
      ),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await mkdir(h.checkpointDir, { recursive: true });
  return h;
}
