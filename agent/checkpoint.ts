/**
 * One checkpoint: optionally stop the workload (SIGTERM), run the checkpoint command, all within a hard
 * deadline counted from detection (then SIGKILL), and upload the checkpoint directory.
 */
import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AgentClock } from './clock.ts';
import { utcSeconds } from './clock.ts';
import type { AgentConfig } from './config.ts';
import { checkpointFolder } from './layout.ts';
import type { AgentLog } from './log.ts';
import { AGENT_VERSION } from './metadata.ts';
import type { ProcessControl } from './process.ts';
import type { CommandRunner } from './runner.ts';
import { describe, uploadCheckpoint } from './upload.ts';

/** How often the agent looks whether the workload has exited after SIGTERM. */
export const WORKLOAD_EXIT_POLL_MS = 500;

export interface CheckpointDeps {
  config: AgentConfig;
  clock: AgentClock;
  log: AgentLog;
  s3: S3Client;
  processes: ProcessControl;
  runner: CommandRunner;
  instanceId: () => Promise<string>;
  partSize?: number;
}

export interface CheckpointRequest {
  /** Recorded in metadata.json: the Spot action, "rebalance", "manual" or "sync". */
  action: string;
  /** The deadline runs from here (detection of the notice, or the start of a manual checkpoint). */
  startedAt: Date;
  /** A notice stops the workload; a manual checkpoint or a sync leaves it running. */
  stopWorkload: boolean;
  /** Whether to run checkpoint_command (a periodic sync only uploads what is there). */
  runCommand: boolean;
  /** A periodic sync logs INFO lines only, so STATE lines always describe a notice or a manual checkpoint. */
  quiet?: boolean;
  signal?: AbortSignal;
}

export interface CheckpointOutcome {
  checkpoint: 'ok' | 'timeout' | 'failed' | 'skipped';
  upload: 'ok' | 'fail';
  folder: string;
}

async function readWorkloadPid(deps: CheckpointDeps): Promise<number | undefined> {
  const file = deps.config.workload_pid_file;
  if (!file) return undefined;
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    if (Number.isInteger(pid) && pid > 1) return pid;
    deps.log.error(`workload_pid_file ${file} does not hold a PID; not signalling the workload`);
  } catch (error) {
    deps.log.error(`cannot read workload_pid_file ${file}: ${describe(error)}; not signalling the workload`);
  }
  return undefined;
}

async function waitForExit(deps: CheckpointDeps, pid: number, signal: AbortSignal): Promise<void> {
  while (deps.processes.isAlive(pid)) await deps.clock.sleep(WORKLOAD_EXIT_POLL_MS, signal);
}

/**
 * Lets the workload save on SIGTERM and runs the checkpoint command, both bounded by the deadline.
 * Returns 'timeout' when the deadline passed first; by then the command and the workload are killed.
 */
async function checkpointWithinDeadline(
  deps: CheckpointDeps,
  request: CheckpointRequest,
): Promise<'ok' | 'timeout' | 'failed' | 'skipped'> {
  const pid = request.stopWorkload ? await readWorkloadPid(deps) : undefined;
  if (pid !== undefined) deps.processes.kill(pid, 'SIGTERM');
  const command = request.runCommand ? deps.config.checkpoint_command : undefined;
  if (pid === undefined && command === undefined) return 'skipped';

  deps.log.state('CHECKPOINT_START');
  const deadlineAt = request.startedAt.getTime() + deps.config.deadline_seconds * 1000;
  const work = new AbortController();
  const onOuterAbort = () => work.abort(request.signal?.reason);
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const timedOut = Symbol('timeout');
  const deadline = deps.clock
    .sleep(Math.max(0, deadlineAt - deps.clock.now().getTime()), work.signal)
    .then(() => timedOut);
  try {
    const jobs: Promise<boolean>[] = [];
    if (command !== undefined) {
      jobs.push(
        deps.runner.run(command, { signal: work.signal }).then((result) => {
          if (result.exitCode === 0) return true;
          deps.log.error(
            `checkpoint command ended with ${result.exitCode === null ? `signal ${result.signal}` : `exit code ${result.exitCode}`}`,
          );
          return false;
        }),
      );
    }
    if (pid !== undefined) jobs.push(waitForExit(deps, pid, work.signal).then(() => true));
    const finished = await Promise.race([Promise.all(jobs), deadline]);
    if (finished === timedOut) {
      deps.log.state('CHECKPOINT_TIMEOUT');
      work.abort(new Error('checkpoint deadline passed'));
      if (pid !== undefined && deps.processes.isAlive(pid)) deps.processes.kill(pid, 'SIGKILL');
      return 'timeout';
    }
    if ((finished as boolean[]).every(Boolean)) {
      deps.log.state('CHECKPOINT_OK');
      return 'ok';
    }
    return 'failed';
  } catch (error) {
    if (request.signal?.aborted) throw error;
    deps.log.error(`checkpoint failed: ${describe(error)}`);
    return 'failed';
  } finally {
    // Ends the deadline timer (and a checkpoint command still running after an outer abort).
    deadline.catch(() => undefined);
    work.abort(new Error('checkpoint phase over'));
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function resolveInstanceId(deps: CheckpointDeps): Promise<string> {
  try {
    return await deps.instanceId();
  } catch (error) {
    deps.log.error(`cannot read the instance id from IMDS: ${describe(error)}`);
    return 'unknown';
  }
}

/** Checkpoints and uploads; logs the contract's STATE lines (not SHUTDOWN: the caller decides that). */
export async function checkpointAndUpload(
  deps: CheckpointDeps,
  request: CheckpointRequest,
): Promise<CheckpointOutcome> {
  const checkpoint = await checkpointWithinDeadline(deps, request);
  const at = deps.clock.now();
  const folder = checkpointFolder(deps.config.s3_prefix, deps.config.job_id, at);
  const metadata = {
    job_id: deps.config.job_id,
    instance_id: await resolveInstanceId(deps),
    action: request.action,
    utc: utcSeconds(at),
    version: AGENT_VERSION,
  };
  try {
    const result = await uploadCheckpoint(
      { s3: deps.s3, clock: deps.clock, log: deps.log, partSize: deps.partSize },
      {
        bucket: deps.config.s3_bucket,
        folder,
        dir: deps.config.checkpoint_dir,
        metadata,
        signal: request.signal,
      },
    );
    deps.log.info(`uploaded ${result.files} file(s) to s3://${deps.config.s3_bucket}/${folder}`);
    if (!request.quiet) deps.log.state('UPLOAD_OK');
    return { checkpoint, upload: 'ok', folder };
  } catch (error) {
    if (request.signal?.aborted) throw error;
    deps.log.error(
      `${describe(error)}${error instanceof Error && error.cause ? ` (last error: ${describe(error.cause)})` : ''}; local copy kept in ${deps.config.checkpoint_dir}`,
    );
    if (!request.quiet) deps.log.state('UPLOAD_FAIL');
    return { checkpoint, upload: 'fail', folder };
  }
}
