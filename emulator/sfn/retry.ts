/** Step Functions' Retry and Catch error matching and retry delays, as pure functions. */

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'NONE' | 'FULL';
}

/** Whether an `ErrorEquals` entry matches an error name, with the States.ALL / States.TaskFailed wildcards. */
export function errorMatches(pattern: string, errorName: string): boolean {
  if (pattern === errorName || pattern === 'States.ALL') return true;
  // AWS: States.TaskFailed matches any error of a Task except States.Timeout.
  return pattern === 'States.TaskFailed' && errorName !== 'States.Timeout';
}

/**
 * Decides whether a failed attempt is retried and after how long. `attempts` counts the retries
 * already made per retrier and is updated in place when a retry is chosen.
 */
export function nextRetry(
  retriers: readonly Retrier[] | undefined,
  attempts: number[],
  errorName: string,
  random: () => number = Math.random,
): { delayMs: number } | null {
  for (const [i, retrier] of (retriers ?? []).entries()) {
    if (!retrier.ErrorEquals.some((p) => errorMatches(p, errorName))) continue;
    const done = attempts[i] ?? 0;
    // The first matching retrier decides, even when it is exhausted (as in AWS).
    if (done >= (retrier.MaxAttempts ?? 3)) return null;
    attempts[i] = done + 1;
    const base = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done;
    const capped = retrier.MaxDelaySeconds === undefined ? base : Math.min(base, retrier.MaxDelaySeconds);
    const seconds = retrier.JitterStrategy === 'FULL' ? random() * capped : capped;
    return { delayMs: Math.round(seconds * 1000) };
  }
  return null;
}
