/**
 * Bounded AWS calls: every call gets its own deadline, so one slow region can delay the decision by
 * at most the budget, never stall it. The SDK aborts the HTTP request through the signal; the race
 * also covers transports that ignore the signal.
 */
import { CallTimeoutError } from './errors.ts';

/**
 * Runs one AWS call with its own deadline, aborting it (through the SDK's `abortSignal`) when it passes.
 *
 * @example
 * await callWithTimeout({ operation: 'GetParameter', region, timeoutMs: 4000 }, (abortSignal) =>
 *   ssm.send(new GetParameterCommand({ Name }), { abortSignal }));
 * @throws {CallTimeoutError} when the call does not answer within `timeoutMs`.
 */
export async function callWithTimeout<T>(
  what: { operation: string; region: string; timeoutMs: number },
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CallTimeoutError(what.operation, what.region, what.timeoutMs);
      controller.abort(error);
      reject(error);
    }, what.timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
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
