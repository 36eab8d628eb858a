/**
 * Time as the agent sees it. Structurally a subset of emulator/clock.ts `TimerClock`, so tests drive the
 * agent with `virtualClock()` and never wait in real time.
 */
export interface AgentClock {
  now(): Date;
  /** Resolves after `ms` of clock time; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemAgentClock: AgentClock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** `2026-11-24T10:00:00Z`: UTC, second precision, trailing Z (the agent's log and metadata format). */
export function utcSeconds(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
