/**
 * Progress lines for deploy and teardown: each line carries the time since the command started
 * (`[1 min 4 s] demo-hub: apply done in 52 s`), so a long apply shows it is alive and where time went.
 * The clock is injected (tests pass a fixed one).
 */
import { duration } from '../core/display.ts';

export interface Progress {
  /** One line, stamped with the time since the start. */
  line(text: string): void;
  /** Runs `work` between a start line and a `done in` line (or `failed after`). */
  timed<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export function progress(out: (line: string) => void, now: () => number): Progress {
  const started = now();
  const line = (text: string) => out(`[${duration(now() - started)}] ${text}`);
  return {
    line,
    async timed(label, work) {
      const from = now();
      line(`${label} ...`);
      try {
        const result = await work();
        line(`${label} done in ${duration(now() - from)}`);
        return result;
      } catch (error) {
        line(`${label} failed after ${duration(now() - from)}`);
        throw error;
      }
    },
  };
}
