/**
 * Today's baseline: the failover policy of the system spotplane replaces, on the fleet model.
 *
 * - Rank regions by placement score (at least `minPlacementScore`), ties by numeric Spot price of the first
 *   instance type (the replaced system's string comparison is not reproduced: only its failover policy is
 *   measured). No region is ever excluded.
 * - Launch the missing replicas in the best region (the Auto Scaling group picks the zones). If a launch fails
 *   (no capacity) or no region qualifies, wait a fixed `retrySeconds` (600) and try again.
 * - An interruption warning changes nothing: the replica keeps serving until EC2 terminates it, and only then is
 *   a replacement launched (break before make).
 * - Spot only, no spare.
 */
import type { FleetAction, FleetPolicy, FleetView } from '../fleet-model.ts';
import { spotPriceAt, type Trace, valueAt } from '../trace.ts';

export interface BreakBeforeMakeOptions {
  targetCapacity: number;
  minPlacementScore?: number;
  retrySeconds?: number;
}

/** The best region at `t` by the baseline's ranking, or null when none scores high enough. */
export function baselineChoice(trace: Trace, t: number, minPlacementScore: number): string | null {
  const type = trace.instanceTypes[0]!;
  const ranked = trace.regions
    .map((r) => ({
      region: r.region,
      score: valueAt(r.placementScore, t),
      price: spotPriceAt(trace, r.region, t, type),
    }))
    .filter((r) => r.score >= minPlacementScore)
    .sort((a, b) => b.score - a.score || a.price - b.price || a.region.localeCompare(b.region));
  return ranked[0]?.region ?? null;
}

export function breakBeforeMakePolicy(trace: Trace, options: BreakBeforeMakeOptions): FleetPolicy {
  const minScore = options.minPlacementScore ?? 3;
  const retryMs = (options.retrySeconds ?? 600) * 1000;
  let nextAttemptAt = Number.NEGATIVE_INFINITY;
  return {
    name: 'baseline',
    decide(view: FleetView): FleetAction[] {
      if (view.events.some((e) => e.kind === 'launch_failed')) nextAttemptAt = view.now + retryMs;
      // Warned replicas still count: nothing is replaced before it is gone.
      const missing = options.targetCapacity - view.replicas.length;
      if (missing <= 0) return [];
      if (view.now < nextAttemptAt) return [{ kind: 'wake', at: nextAttemptAt }];
      const region = baselineChoice(trace, view.now, minScore);
      if (region === null) {
        nextAttemptAt = view.now + retryMs;
        return [{ kind: 'wake', at: nextAttemptAt }];
      }
      // One attempt per instant: a failure above sets the next attempt 600 s out.
      nextAttemptAt = view.now + 1;
      return Array.from({ length: missing }, () => ({
        kind: 'launch' as const,
        region,
        lifecycle: 'spot' as const,
      }));
    },
  };
}
