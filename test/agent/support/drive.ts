/**
 * Runs agent code that mixes real local I/O (IMDS and S3 stand-ins, files in temp dirs) with a virtual
 * clock. The clock moves to its next timer only when the agent is idle waiting on it: a timer is
 * pending, no request is in flight (see in-flight.ts), and that has held for QUIET_TURNS turns of the
 * event loop in a row. While I/O is in flight, time stands still however long the I/O takes, so a
 * loaded machine cannot make a deadline or a poll fire early. No test waits in real time for a timeout.
 */
import type { VirtualClock } from '../../../emulator/clock.ts';
import { agentInFlight, type InFlight, libuvRequestsInFlight } from './in-flight.ts';

/**
 * Turns with nothing in flight before time moves: what finished I/O needs to reach the agent's next
 * `await` (promise jobs, stream events queued with setImmediate/nextTick) before it starts new I/O.
 */
const QUIET_TURNS = 20;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface DriveOptions {
  inFlight?: InFlight;
  maxSteps?: number;
}

export async function drive<T>(
  clock: VirtualClock,
  work: Promise<T>,
  options: DriveOptions = {},
): Promise<T> {
  const inFlight = options.inFlight ?? agentInFlight;
  const maxSteps = options.maxSteps ?? 10_000;
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  let quiet = 0;
  for (let steps = 0; !settled; ) {
    if (inFlight.requests > 0) {
      // Woken by the request's end, not by polling: the I/O gets the CPU.
      await Promise.race([inFlight.idle(), tracked.then(noop, noop)]);
      quiet = 0;
      continue;
    }
    await turn();
    if (settled) break;
    if (clock.pendingTimers() === 0 || inFlight.requests > 0 || libuvRequestsInFlight().length > 0) {
      quiet = 0;
      continue;
    }
    if (++quiet < QUIET_TURNS) continue;
    quiet = 0;
    await clock.step();
    if (++steps > maxSteps) throw new Error(`drive: more than ${maxSteps} clock steps`);
  }
  return tracked;
}

function noop(): void {}
