/**
 * The baseline: the failover policy of the system spotplane replaces (`policies/break-before-make.ts`),
 * run on the fleet model over the same trace, so a simulation shows both side by side.
 *
 * Boot and container start take the same ranges as LocalCloud's market (boot 60-90 s, container start
 * 20-40 s, healthy 10-20 s after start, drawn from the seed) unless `readyAfterMs` fixes them.
 */
import { runFleetModel } from './fleet-model.ts';
import { baselineChoice, breakBeforeMakePolicy } from './policies/break-before-make.ts';
import type { RunTimeline } from './timeline.ts';
import type { Trace } from './trace.ts';

export { baselineChoice };

export interface BaselineOptions {
  minPlacementScore?: number;
  retrySeconds?: number;
  /** Fixed boot + container-ready time instead of seeded draws (e.g. 90 s for the failover benchmark). */
  readyAfterMs?: number;
  targetCapacity?: number;
  /** Interruption warning to termination (default 120 s; 0 = none). */
  warningMs?: number;
}

export const INTERRUPTION_NOTICE_MS = 120_000;

/**
 * Runs the baseline policy over the trace.
 *
 * @example
 * const timeline = runBaseline(trace);
 * const report = accountRun(trace, timeline);
 */
export function runBaseline(trace: Trace, options: BaselineOptions = {}): RunTimeline {
  const targetCapacity = options.targetCapacity ?? 1;
  return runFleetModel(
    trace,
    breakBeforeMakePolicy(trace, {
      targetCapacity,
      minPlacementScore: options.minPlacementScore,
      retrySeconds: options.retrySeconds,
    }),
    {
      targetCapacity,
      launchMs: options.readyAfterMs,
      warningMs: options.warningMs ?? INTERRUPTION_NOTICE_MS,
    },
  );
}
