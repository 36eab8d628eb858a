/**
 * Moves a virtual clock while real I/O (stand-in servers on loopback, health checks on the wire) is in
 * flight somewhere: time moves one step at a time, and only once that I/O has finished, so an answer
 * lands at the clock time it was asked (no sleeps: waiting is on the I/O itself, bounded in real time).
 */
import type { VirtualClock } from '../../emulator/clock.ts';

/** Waits (real time) until `inFlight()` is 0; fails after `limitMs` so a stuck request cannot hang a test. */
export async function ioSettled(inFlight: () => number, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (inFlight() > 0) {
    if (Date.now() > deadline) throw new Error(`I/O still in flight after ${limitMs} ms of real time`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Advances `clock` by `ms` in `stepMs` steps, letting real I/O finish before each step. */
export async function advanceWithIo(
  clock: VirtualClock,
  inFlight: () => number,
  ms: number,
  stepMs = 1_000,
): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    await ioSettled(inFlight);
    await clock.advance(Math.min(stepMs, ms - done));
  }
  await ioSettled(inFlight);
  await clock.settle();
}
