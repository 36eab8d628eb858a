/**
 * The baseline: the failover policy of the system spotplane replaces, as a small event-driven model
 * over the same trace, so a simulation can show both side by side.
 *
 * Policy (break-before-make, fixed wait-and-retry):
 * - Rank regions by placement score (at least `minPlacementScore`), ties by numeric Spot price (the
 *   replaced system's string comparison is not reproduced: only its failover policy is measured).
 *   No region is ever excluded.
 * - Launch in the best region. If the launch fails (no capacity) or no region qualifies, wait a fixed
 *   `retrySeconds` (600) and try again.
 * - On an interruption warning the instance keeps serving until EC2 terminates it two minutes later;
 *   only then is a replacement launched (break before make).
 * - Boot and container start take the same ranges as LocalCloud's market: boot 60-90 s, container
 *   start 20-40 s, healthy 10-20 s after start, drawn from the seed.
 */
import { rng } from './rng.ts';
import type { HealthyInterval, InstanceSpan, LaunchRequest, Loss, RunTimeline } from './timeline.ts';
import { spotPriceAt, type Trace, valueAt } from './trace.ts';

export interface BaselineOptions {
  minPlacementScore?: number;
  retrySeconds?: number;
  /** Fixed boot + container-ready time instead of seeded draws (e.g. 90 s for the failover benchmark). */
  readyAfterMs?: number;
  targetCapacity?: number;
}

export const INTERRUPTION_NOTICE_MS = 120_000;

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

/**
 * Runs the baseline policy over the trace.
 *
 * @example
 * const timeline = runBaseline(trace);
 * const report = accountRun(trace, timeline);
 */
export function runBaseline(trace: Trace, options: BaselineOptions = {}): RunTimeline {
  const minScore = options.minPlacementScore ?? 3;
  const retryMs = (options.retrySeconds ?? 600) * 1000;
  const timing = rng(trace.seed, 'baseline/timing');
  const readyAfter = () =>
    options.readyAfterMs ??
    Math.round(
      timing.uniform(60_000, 90_000) + timing.uniform(20_000, 40_000) + timing.uniform(10_000, 20_000),
    );
  const instanceType = trace.instanceTypes[0]!;
  const interruptions = new Map(trace.regions.map((r) => [r.region, r.interruptions]));
  const capacity = new Map(trace.regions.map((r) => [r.region, r.capacityAvailable]));

  const instances: InstanceSpan[] = [];
  const healthy: HealthyInterval[] = [];
  const losses: Loss[] = [];
  const launchRequests: LaunchRequest[] = [];

  let t = trace.startMs;
  let serial = 0;
  while (t < trace.endMs) {
    const region = baselineChoice(trace, t, minScore);
    if (region === null || !valueAt(capacity.get(region)!, t)) {
      if (region !== null) launchRequests.push({ atMs: t, region });
      t += retryMs;
      continue;
    }
    launchRequests.push({ atMs: t, region });
    const startMs = t;
    const readyMs = startMs + readyAfter();
    // The first warning after launch ends this instance's life two minutes later.
    const warning = interruptions.get(region)!.find((w) => w >= startMs);
    const endMs = Math.min(
      trace.endMs,
      warning === undefined ? trace.endMs : warning + INTERRUPTION_NOTICE_MS,
    );
    for (let k = 0; k < (options.targetCapacity ?? 1); k++) {
      instances.push({ id: `baseline-${serial++}`, region, instanceType, lifecycle: 'spot', startMs, endMs });
    }
    if (readyMs < endMs) healthy.push({ region, startMs: readyMs, endMs });
    if (warning === undefined || warning >= trace.endMs) break;
    losses.push({ atMs: warning, region });
    t = endMs;
  }
  return {
    policy: 'baseline',
    startMs: trace.startMs,
    endMs: trace.endMs,
    targetCapacity: options.targetCapacity ?? 1,
    instances,
    healthy,
    losses,
    launchRequests,
  };
}
