/**
 * The interruption watcher: polls IMDS for a Spot notice (and, behind a flag, a rebalance
 * recommendation), optionally syncs the checkpoint directory on an interval, and on the first notice
 * runs the single-shot checkpoint-and-upload path.
 */
import { type CheckpointDeps, type CheckpointOutcome, checkpointAndUpload } from './checkpoint.ts';
import type { ImdsClient } from './imds.ts';
import { acquireLock, removeStaleLock } from './lock.ts';
import { describe } from './upload.ts';

export interface WatchDeps extends CheckpointDeps {
  imds: Pick<ImdsClient, 'instanceAction' | 'rebalanceRecommendation'>;
}

export type WatchOutcome =
  | ({ result: 'handled'; action: string } & CheckpointOutcome)
  | { result: 'locked'; holder: number }
  | { result: 'stopped' };

/** The notice that should trigger a checkpoint now, if any. */
async function pollNotice(deps: WatchDeps): Promise<string | undefined> {
  const action = await deps.imds.instanceAction();
  if (action) return action.action;
  if (deps.config.use_rebalance_recommendation && (await deps.imds.rebalanceRecommendation()))
    return 'rebalance';
  return undefined;
}

/** Periodic uploads of checkpoint_dir, one at a time, cancelled when a notice arrives. */
function syncScheduler(deps: WatchDeps) {
  const intervalMs = (deps.config.sync_interval_seconds ?? 0) * 1000;
  let nextAt = deps.clock.now().getTime() + intervalMs;
  let running: { promise: Promise<void>; abort: AbortController } | undefined;
  return {
    maybeStart(): void {
      if (intervalMs === 0 || running || deps.clock.now().getTime() < nextAt) return;
      const abort = new AbortController();
      const promise = checkpointAndUpload(deps, {
        action: 'sync',
        startedAt: deps.clock.now(),
        stopWorkload: false,
        runCommand: false,
        quiet: true,
        signal: abort.signal,
      })
        .then(() => undefined)
        .catch((error) => {
          if (!abort.signal.aborted) deps.log.error(`periodic sync failed: ${describe(error)}`);
        })
        .finally(() => {
          running = undefined;
          nextAt = deps.clock.now().getTime() + intervalMs;
        });
      running = { promise, abort };
    },
    /** A notice takes over: the sync is abandoned, the notice path uploads a fresher checkpoint. */
    async cancel(): Promise<void> {
      const current = running;
      if (!current) return;
      current.abort.abort(new Error('interruption notice'));
      await current.promise;
    },
  };
}

/**
 * Watches until a notice is handled or `signal` aborts. The lock is taken when a notice arrives and
 * kept: the caller stays resident afterwards so that a restart cannot handle the same notice twice.
 */
export async function watch(deps: WatchDeps, signal?: AbortSignal): Promise<WatchOutcome> {
  if (await removeStaleLock(deps.config.lock_file, deps.processes)) {
    deps.log.info(`removed stale lock ${deps.config.lock_file}`);
  }
  const sync = syncScheduler(deps);
  const pollMs = deps.config.poll_interval_seconds * 1000;
  let lastPollError = '';
  while (!signal?.aborted) {
    let action: string | undefined;
    try {
      action = await pollNotice(deps);
      lastPollError = '';
    } catch (error) {
      // One line per distinct failure, not one every two seconds.
      const message = describe(error);
      if (message !== lastPollError) deps.log.error(`IMDS poll failed: ${message}`);
      lastPollError = message;
    }
    if (action !== undefined) {
      const detectedAt = deps.clock.now();
      const lock = await acquireLock(deps.config.lock_file, deps.processes);
      if (!lock.acquired) {
        deps.log.info(
          `notice "${action}" seen, but process ${lock.holder} holds ${deps.config.lock_file}; nothing to do`,
        );
        await sync.cancel();
        return { result: 'locked', holder: lock.holder };
      }
      deps.log.state('DETECTED');
      await sync.cancel();
      const outcome = await checkpointAndUpload(deps, {
        action,
        startedAt: detectedAt,
        stopWorkload: true,
        runCommand: true,
      });
      deps.log.state('SHUTDOWN');
      return { result: 'handled', action, ...outcome };
    }
    sync.maybeStart();
    try {
      await deps.clock.sleep(pollMs, signal);
    } catch {
      break;
    }
  }
  await sync.cancel();
  return { result: 'stopped' };
}
