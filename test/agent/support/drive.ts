/**
 * Runs agent code that mixes real local I/O (IMDS and S3 stand-ins) with a virtual clock: whenever the
 * agent is waiting on the clock (a timer is pending), the clock jumps to the next timer; otherwise the
 * event loop is left to finish the I/O. No test waits in real time for a timeout.
 */
import type { VirtualClock } from '../../../local/clock.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function drive<T>(clock: VirtualClock, work: Promise<T>, maxSteps = 10_000): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let steps = 0; !settled; ) {
    await turn();
    if (settled) break;
    if (clock.pendingTimers() > 0) {
      // Let I/O that finished in the same turn land before moving time.
      await clock.settle();
      if (settled || clock.pendingTimers() === 0) continue;
      await clock.step();
      if (++steps > maxSteps) throw new Error(`drive: more than ${maxSteps} clock steps`);
    }
  }
  return tracked;
}
