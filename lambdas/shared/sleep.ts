/**
 * Waiting in the handlers (retry backoff, call deadlines). Injected, so under LocalCloud a wait runs on the
 * run's clock (virtual in tests and simulations) and never on the machine's.
 */

/** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Real time: what a deployed Lambda waits with. On the global `setTimeout` (not `node:timers/promises`), so
 * tests' fake timers move it. The agent has the same few lines in agent/clock.ts: it ships alone and
 * imports nothing of the control plane.
 */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
