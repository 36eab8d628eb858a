/**
 * The agent's command line, as a function: `runCli(argv, env, io)` returns the exit code. Real
 * dependencies are built here (and only here) from the config file and the standard AWS variables.
 */
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkpointAndUpload } from './checkpoint.ts';
import { type AgentClock, systemAgentClock } from './clock.ts';
import { type AgentConfig, loadAgentConfig } from './config.ts';
import { AgentConfigError, RestoreError } from './errors.ts';
import { runIdleCheck } from './idle.ts';
import { systemIdleProbes } from './idle-probes.ts';
import { type FetchLike, ImdsClient } from './imds.ts';
import { acquireLock, removeStaleLock } from './lock.ts';
import { type AgentLog, lineLog } from './log.ts';
import { writePackage } from './packaging.ts';
import { type ProcessControl, systemProcessControl } from './process.ts';
import { restore } from './restore.ts';
import { type CommandRunner, shellRunner } from './runner.ts';
import { agentS3Client } from './s3.ts';
import { describe } from './upload.ts';
import { watch } from './watch.ts';

export const usage = `Usage: npx tsx agent/cli.ts <command> --config <file.json>

spotplane on-instance agent.
Commands:
  watch        poll IMDS (v2) for a Spot interruption notice; on notice: SIGTERM the workload, run the
               checkpoint command (deadline from detection), upload the checkpoint to S3
  checkpoint   run the checkpoint command and upload now (the workload keeps running)
  restore      fetch the newest checkpoint of the job from S3 (local copy only if S3 is unreachable)
  idle-check   one idle check (run every minute by spot-idle.timer); shuts down after N idle checks
  package      write the single-file bundle and systemd units:  package --out <dir>
Options:
  --config FILE   agent config (JSON); required except for package
  --out DIR       output directory for package
  --help          show this help
Environment: AWS_EC2_METADATA_SERVICE_ENDPOINT (IMDS), AWS_ENDPOINT_URL_S3 (S3, path-style), AWS_REGION.`;

const CLI_OPTIONS = {
  config: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const;
const COMMANDS = ['watch', 'checkpoint', 'restore', 'idle-check', 'package'] as const;
type Command = (typeof COMMANDS)[number];

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Everything the commands touch outside the process; tests replace any of it. */
export interface CliOverrides {
  clock?: AgentClock;
  fetch?: FetchLike;
  s3?: S3Client;
  /** Builds the S3 client when `s3` is not given (from the region and `AWS_ENDPOINT_URL_S3`). */
  makeS3?: typeof agentS3Client;
  processes?: ProcessControl;
  runner?: CommandRunner;
  /** Resolves when the process should stop (SIGTERM/SIGINT in the real CLI). */
  stopSignal?: AbortSignal;
  /** After a handled notice the watcher stays resident; this decides for how long (tests: not at all). */
  stayResident?: (signal: AbortSignal | undefined) => Promise<void>;
  bundleEntry?: string;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

interface Runtime {
  config: AgentConfig;
  clock: AgentClock;
  log: AgentLog;
  imds: ImdsClient;
  processes: ProcessControl;
  runner: CommandRunner;
  s3(): Promise<S3Client>;
}

function runtime(config: AgentConfig, env: NodeJS.ProcessEnv, io: CliIo, o: CliOverrides): Runtime {
  const clock = o.clock ?? systemAgentClock;
  const imds = new ImdsClient({
    clock,
    fetch: o.fetch,
    endpoint: env.AWS_EC2_METADATA_SERVICE_ENDPOINT || undefined,
  });
  let s3: S3Client | undefined = o.s3;
  return {
    config,
    clock,
    log: lineLog(clock, io.stdout),
    imds,
    processes: o.processes ?? systemProcessControl,
    runner: o.runner ?? shellRunner,
    s3: async () => {
      if (!s3) {
        const region = config.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || (await imds.region()));
        s3 = (o.makeS3 ?? agentS3Client)({ region, endpoint: env.AWS_ENDPOINT_URL_S3 || undefined });
      }
      return s3;
    },
  };
}

async function runWatch(rt: Runtime, o: CliOverrides): Promise<number> {
  const outcome = await watch(
    { ...rt, s3: await rt.s3(), instanceId: () => rt.imds.instanceId() },
    o.stopSignal,
  );
  if (outcome.result === 'stopped') return 0;
  // Exiting would let systemd restart the watcher and act on the same notice again.
  await (o.stayResident ?? waitForAbort)(o.stopSignal);
  return outcome.result === 'handled' && outcome.upload === 'fail' ? 1 : 0;
}

async function runCheckpoint(rt: Runtime): Promise<number> {
  if (await removeStaleLock(rt.config.lock_file, rt.processes))
    rt.log.info(`removed stale lock ${rt.config.lock_file}`);
  const lock = await acquireLock(rt.config.lock_file, rt.processes);
  if (!lock.acquired) {
    rt.log.info(
      `process ${lock.holder} holds ${rt.config.lock_file} (a checkpoint is running); nothing to do`,
    );
    return 0;
  }
  try {
    const outcome = await checkpointAndUpload(
      { ...rt, s3: await rt.s3(), instanceId: () => rt.imds.instanceId() },
      { action: 'manual', startedAt: rt.clock.now(), stopWorkload: false, runCommand: true },
    );
    return outcome.upload === 'ok' && outcome.checkpoint !== 'timeout' && outcome.checkpoint !== 'failed'
      ? 0
      : 1;
  } finally {
    await lock.release();
  }
}

async function runRestore(rt: Runtime): Promise<number> {
  try {
    await restore({ ...rt, s3: await rt.s3(), pid: rt.processes.pid });
    return 0;
  } catch (error) {
    if (error instanceof RestoreError) {
      rt.log.error(error.message);
      return 1;
    }
    throw error;
  }
}

async function runIdle(rt: Runtime): Promise<number> {
  if (!rt.config.idle) {
    rt.log.error('idle-check needs an "idle" block in the config; nothing to do');
    return 2;
  }
  await runIdleCheck({ ...rt, config: rt.config.idle, probes: systemIdleProbes() });
  return 0;
}

export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  overrides: CliOverrides = {},
): Promise<number> {
  let parsed: { values: { config?: string; out?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: CLI_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(usage);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command || !COMMANDS.includes(command as Command) || extra.length > 0) {
    io.stderr(
      `${command ? `unknown command: ${[command, ...extra].join(' ')}` : 'missing command'}\n\n${usage}`,
    );
    return 2;
  }
  if (command === 'package') {
    if (!values.out) {
      io.stderr(`package needs --out <dir>\n\n${usage}`);
      return 2;
    }
    const written = await writePackage(overrides.bundleEntry ?? 'agent/cli.ts', values.out);
    for (const file of written) io.stdout(`wrote ${file}`);
    return 0;
  }
  if (!values.config) {
    io.stderr(`${command} needs --config <file.json>\n\n${usage}`);
    return 2;
  }
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(values.config);
  } catch (error) {
    if (error instanceof AgentConfigError) {
      io.stderr(
        error.issues.length > 0
          ? `invalid agent config ${values.config}:\n  ${error.issues.join('\n  ')}`
          : error.message,
      );
      return 2;
    }
    throw error;
  }
  const rt = runtime(config, env, io, overrides);
  try {
    switch (command as Exclude<Command, 'package'>) {
      case 'watch':
        return await runWatch(rt, overrides);
      case 'checkpoint':
        return await runCheckpoint(rt);
      case 'restore':
        return await runRestore(rt);
      case 'idle-check':
        return await runIdle(rt);
    }
  } catch (error) {
    rt.log.error(`${command} failed: ${describe(error)}`);
    return 1;
  }
}
