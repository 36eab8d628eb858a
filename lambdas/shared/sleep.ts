/**
 * Waiting in the handlers (retry backoff, call deadlines). Injected, so under LocalCloud a wait runs on the
 * run's clock (virtual in tests and simulations) and never on the machine's.
 */
import { type SetTimer, sleepOn } from '../../core/clock.ts';

/** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The machine's timer, on the global `setTimeout` (not `node:timers/promises`), so tests' fake timers move it. */
const realTimer: SetTimer = (ms, fn) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

/** Real time: what a deployed Lambda waits with. (The agent keeps its own in agent/clock.ts: it ships alone.) */
export const realSleep: Sleep = (ms, signal) => sleepOn(realTimer, ms, signal);
