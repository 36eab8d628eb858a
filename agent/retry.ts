/**
 * The agent's one retry policy for S3 (uploads and restore): "3 tries with 1 s / 2 s / 4 s backoff" read
 * as the contract's three backoff values each buying one more try: a first attempt, then up to three
 * retries after 1 s, 2 s and 4 s (at most 7 s of waiting, well inside the 2-minute Spot warning).
 */
import type { AgentClock } from './clock.ts';
import type { AgentLog } from './log.ts';

/** Waits before retry 1, 2 and 3. */
export const RETRY_BACKOFF_MS = [1_000, 2_000, 4_000] as const;
export const MAX_RETRIES = RETRY_BACKOFF_MS.length;

export interface RetryOptions {
  clock: AgentClock;
  log: AgentLog;
  /** What is being tried, for the log ("upload to s3://b/k/"). */
  what: string;
  /** An error no retry can fix (S3 answered 4xx): thrown at once. */
  isFinal?: (error: unknown) => boolean;
  /** The error to throw once every try failed (`message` says so; `cause` is the last error). */
  exhausted: (message: string, cause: unknown) => Error;
  signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, logging each failure; resolves with its result and how many tries it took. */
export async function withRetries<T>(
  options: RetryOptions,
  attempt: () => Promise<T>,
  describe: (error: unknown) => string,
): Promise<{ value: T; tries: number }> {
  for (let retry = 0; ; retry++) {
    try {
      return { value: await attempt(), tries: retry + 1 };
    } catch (error) {
      if (options.signal?.aborted || options.isFinal?.(error)) throw error;
      const which = retry === 0 ? 'first attempt' : `retry ${retry} of ${MAX_RETRIES}`;
      const wait = RETRY_BACKOFF_MS[retry];
      options.log.error(
        `${options.what} failed (${which}): ${describe(error)}` +
          (wait === undefined ? '' : `; retry ${retry + 1} of ${MAX_RETRIES} in ${wait / 1000} s`),
      );
      if (wait === undefined) {
        const waits = RETRY_BACKOFF_MS.map((ms) => `${ms / 1000} s`).join(' / ');
        throw options.exhausted(
          `${options.what} failed: the first attempt and ${MAX_RETRIES} retries (after ${waits}) all failed`,
          error,
        );
      }
      await options.clock.sleep(wait, options.signal);
    }
  }
}
