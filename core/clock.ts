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
