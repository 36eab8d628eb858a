/** Time as spotplane's logic sees it: injected, so tests run on a virtual clock and never sleep. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

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
