/** Time as spotplane's logic sees it: injected, so tests run on a virtual clock and never sleep. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Calls `fn` once `ms` have passed on some clock; returns a function that cancels it. */
export type SetTimer = (ms: number, fn: () => void) => () => void;

/**
 * Waits `ms` on `setTimer`'s clock: resolves then, or rejects with the signal's reason when it is aborted
 * first (the timer is cancelled). One wait for every clock: the machine's, LocalCloud's virtual or scaled one.
 */
export function sleepOn(setTimer: SetTimer, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A clock fixed at `start` that moves only when told: for tests of pure logic. */
export function manualClock(
  start: Date | string,
): Clock & { advance(ms: number): void; set(at: Date): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (at) => {
      t = at.getTime();
    },
  };
}

/**
 * ISO-8601 UTC to the second (`2026-11-24T10:00:00Z`): the one time format of the public API and the
 * hub state document, so no reader ever sees `...:57.793Z` next to `...:57Z`.
 *
 * @example
 * isoUtc(new Date('2026-11-24T10:00:57.793Z')); // '2026-11-24T10:00:57Z'
 */
export const isoUtc = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
