/**
 * Bounded AWS calls: every call gets its own deadline, so one slow region can delay the decision by
 * at most the budget, never stall it. The SDK aborts the HTTP request through the signal; the race
 * also covers transports that ignore the signal.
 */
import { realSleep, type Sleep } from '../sleep.ts';
import { CallTimeoutError } from './errors.ts';

/**
 * Runs one AWS call with its own deadline, aborting it (through the SDK's `abortSignal`) when it passes.
 * The deadline is measured with `sleep`: real time in a Lambda, the run's clock under LocalCloud (a
 * simulation's calls take virtual time, so a real-time deadline would bound nothing and could fire on a
 * stall of the machine).
 *
 * @example
 * await callWithTimeout({ operation: 'GetParameter', region, timeoutMs: 4000 }, (abortSignal) =>
 *   ssm.send(new GetParameterCommand({ Name }), { abortSignal }));
 * @throws {CallTimeoutError} when the call does not answer within `timeoutMs`.
 */
export async function callWithTimeout<T>(
  what: { operation: string; region: string; timeoutMs: number },
  call: (abortSignal: AbortSignal) => Promise<T>,
  sleep: Sleep = realSleep,
): Promise<T> {
  const controller = new AbortController();
  const answered = new AbortController();
  const deadline = sleep(what.timeoutMs, answered.signal).then(() => {
    const error = new CallTimeoutError(what.operation, what.region, what.timeoutMs);
    controller.abort(error);
    throw error;
  });
  // Cancelling the deadline rejects it; that rejection is nobody's error.
  deadline.catch(() => {});
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    answered.abort();
  }
}

/**
 * Runs `tasks` with at most `limit` in flight, keeping result order. `limit` 1 is the sequential mode the
 * fan-out benchmark compares against; the default is unbounded.
 */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  const workers = Math.max(1, Math.min(limit, tasks.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
