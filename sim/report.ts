/**
 * The accounting of one run, pure: availability, what the run cost, what the same instance-hours would
 * have cost on on-demand, what an oracle would have paid, each failover's reaction and serving gap,
 * and the control plane's own bill.
 *
 * Definitions (the simulator's JSON contract, docs/CONTRACTS.md "Simulator"):
 * - availability: the fraction of time with at least `targetCapacity` ready (healthy) replicas, from the
 *   first moment the target was ready to the end of the run (start-up is not an outage).
 * - cost: every instance billed per second (60 s minimum) from launch to termination, Spot at the
 *   trace's price of its zone (else region) and instance type as it moved, on-demand at the list price.
 * - cost vs on-demand: cost / (targetCapacity x on-demand price x duration), the on-demand price being the
 *   cheapest configured type's in the cheapest region (the cheapest way to serve the target on-demand).
 * - spot share: the fraction of replica-time (billed instance-time) on Spot.
 * - on-demand cost: the same instance-seconds, each at the on-demand price of its region and type.
 * - oracle: `targetCapacity` instances that, at every moment of the run, sit in the cheapest region
 *   with Spot capacity, moving instantly and for free; when no region has capacity it pays the
 *   cheapest on-demand price. It runs the instance types the run itself ran (all configured types
 *   when the run ran none), so it measures the choice of region, not of instance type.
 * - time in the cheapest region: the share of serving time during which a serving instance sat in the
 *   region the oracle sat in (it explains most of the distance to the oracle).
 * - failover: a capacity loss that hit a live replica. Reaction: from the loss to the next launch request.
 *   Gap: time with fewer than `targetCapacity` ready replicas from the loss until the next loss (or the end).
 */
import { type ControlPlaneBill, controlPlaneBill, perMonth } from './bill.ts';
import { type OnDemandTable, onDemandPrice } from './on-demand-prices.ts';
import { type ControlPlaneUsage, coveredAtLeast, type RunTimeline, uncoveredMs } from './timeline.ts';
import { regionTrace, type Series, spotPriceAt, type Trace, valueAt } from './trace.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIN_BILLED_MS = 60_000;

export interface FailoverReport {
  at: string;
  fromRegion: string;
  toRegion: string | null;
  /** Seconds from the loss to the next launch request; null when none followed. */
  reactionS: number | null;
  gapS: number;
}

export interface RunReport {
  policy: string;
  days: number;
  targetCapacity: number;
  availability: number;
  downtimeS: number;
  costUsd: number;
  onDemandCostUsd: number;
  oracleCostUsd: number;
  costVsOnDemand: number;
  costVsOracle: number;
  /** USD per hour of `targetCapacity` replicas on-demand, the denominator of `costVsOnDemand`. */
  onDemandReferenceUsdPerHour: number;
  spotShare: number;
  timeInCheapestRegion: number;
  instanceHours: { spot: number; onDemand: number };
  hoursByRegion: Record<string, number>;
  failovers: FailoverReport[];
  failoverCount: number;
  meanGapS: number;
  maxGapS: number;
  meanReactionS: number | null;
  controlPlane: {
    usage: ControlPlaneUsage;
    transitionsPerDay: number;
    lambdaInvocationsPerDay: number;
    billPerMonthUsd: ControlPlaneBill;
  } | null;
}

/** ∫ series dt over [fromMs, toMs), in value × ms. */
export function integrate(series: Series<number>, fromMs: number, toMs: number): number {
  let total = 0;
  let t = fromMs;
  let value = valueAt(series, fromMs);
  for (const p of series) {
    if (p.at <= fromMs) continue;
    if (p.at >= toMs) break;
    total += value * (p.at - t);
    t = p.at;
    value = p.value;
  }
  return total + value * (toMs - t);
}

function instanceCost(trace: Trace, span: RunTimeline['instances'][number], onDemand: OnDemandTable): number {
  const billedEnd = Math.max(span.endMs, span.startMs + MIN_BILLED_MS);
  if (span.lifecycle === 'on-demand')
    return (onDemand(span.region, span.instanceType) * (billedEnd - span.startMs)) / HOUR;
  const r = regionTrace(trace, span.region);
  const series =
    (span.zone ? r.zones?.find((z) => z.zone === span.zone)?.spotPrice?.[span.instanceType] : undefined) ??
    r.spotPrice[span.instanceType];
  if (series) return integrate(series, span.startMs, billedEnd) / HOUR;
  // A type the trace has no price for is priced at the region's cheapest type, moment by moment.
  let total = 0;
  for (let t = span.startMs; t < billedEnd; t += 60_000) {
    total += spotPriceAt(trace, span.region, t) * (Math.min(billedEnd, t + 60_000) - t);
  }
  return total / HOUR;
}

/** The cheapest on-demand price of a configured type in any of the trace's regions, USD per hour. */
export function cheapestOnDemand(trace: Trace, onDemand: OnDemandTable = onDemandPrice): number {
  return Math.min(...trace.regions.flatMap((r) => trace.instanceTypes.map((t) => onDemand(r.region, t))));
}

/** Every instant in [fromMs, toMs) at which some price or capacity in the trace changes. */
function marketInstants(trace: Trace, fromMs: number, toMs: number): number[] {
  const times = new Set<number>([fromMs]);
  for (const r of trace.regions) {
    for (const s of [...Object.values(r.spotPrice), r.capacityAvailable]) {
      for (const p of s) if (p.at > fromMs && p.at < toMs) times.add(p.at);
    }
  }
  return [...times].sort((a, b) => a - b);
}

/** The region the oracle sits in at `t`: the cheapest with capacity, or null when none has capacity. */
export function cheapestRegionAt(trace: Trace, t: number, instanceTypes: readonly string[]): string | null {
  let best: { region: string; price: number } | null = null;
  for (const r of trace.regions) {
    if (!valueAt(r.capacityAvailable, t)) continue;
    for (const type of instanceTypes) {
      const series = r.spotPrice[type];
      if (!series) continue;
      const price = valueAt(series, t);
      if (!best || price < best.price) best = { region: r.region, price };
    }
  }
  return best?.region ?? null;
}

/** Share of the serving time during which a serving instance sat in the oracle's region. */
function shareInCheapestRegion(trace: Trace, run: RunTimeline, instanceTypes: readonly string[]): number {
  const cuts = new Set(marketInstants(trace, run.startMs, run.endMs));
  for (const h of run.healthy) {
    cuts.add(Math.max(run.startMs, h.startMs));
    cuts.add(Math.min(run.endMs, h.endMs));
  }
  const instants = [...cuts].filter((t) => t >= run.startMs && t < run.endMs).sort((a, b) => a - b);
  let serving = 0;
  let inCheapest = 0;
  instants.forEach((t, i) => {
    const length = (instants[i + 1] ?? run.endMs) - t;
    const here = run.healthy.filter((h) => h.startMs <= t && t < h.endMs).map((h) => h.region);
    if (here.length === 0) return;
    serving += length;
    const cheapest = cheapestRegionAt(trace, t, instanceTypes);
    if (cheapest !== null && here.includes(cheapest)) inCheapest += length;
  });
  return serving > 0 ? inCheapest / serving : 0;
}

/** What the oracle (see the file header) pays over [fromMs, toMs), USD. */
export function oracleCost(
  trace: Trace,
  fromMs: number,
  toMs: number,
  targetCapacity: number,
  onDemand: OnDemandTable = onDemandPrice,
  instanceTypes: readonly string[] = trace.instanceTypes,
): number {
  const cheapestOnDemand = Math.min(
    ...trace.regions.flatMap((r) => instanceTypes.map((t) => onDemand(r.region, t))),
  );
  const instants = marketInstants(trace, fromMs, toMs);
  let total = 0;
  instants.forEach((t, i) => {
    const next = instants[i + 1] ?? toMs;
    let best = cheapestOnDemand;
    for (const r of trace.regions) {
      if (!valueAt(r.capacityAvailable, t)) continue;
      for (const type of instanceTypes) {
        const series = r.spotPrice[type];
        if (series) best = Math.min(best, valueAt(series, t));
      }
    }
    total += best * (next - t);
  });
  return (total * targetCapacity) / HOUR;
}

/**
 * Accounts for one run over its trace.
 *
 * @example
 * const report = accountRun(trace, timeline);
 * console.log(report.availability, report.costVsOnDemand);
 */
export function accountRun(
  trace: Trace,
  run: RunTimeline,
  onDemand: OnDemandTable = onDemandPrice,
): RunReport {
  const days = (run.endMs - run.startMs) / DAY;
  const ready = coveredAtLeast(run.healthy, run.targetCapacity, run.startMs, run.endMs);
  const servingSince = ready[0]?.startMs ?? run.endMs;
  const measured = run.endMs - servingSince;
  const downtimeMs = uncoveredMs(ready, servingSince, run.endMs);
  const availability = measured > 0 ? 1 - downtimeMs / measured : 0;

  let costUsd = 0;
  let onDemandCostUsd = 0;
  const instanceHours = { spot: 0, onDemand: 0 };
  const hoursByRegion: Record<string, number> = {};
  for (const span of run.instances) {
    const end = Math.min(span.endMs, run.endMs);
    const clipped = { ...span, endMs: end };
    costUsd += instanceCost(trace, clipped, onDemand);
    const billedMs = Math.max(end - span.startMs, MIN_BILLED_MS);
    onDemandCostUsd += (onDemand(span.region, span.instanceType) * billedMs) / HOUR;
    const hours = (end - span.startMs) / HOUR;
    if (span.lifecycle === 'spot') instanceHours.spot += hours;
    else instanceHours.onDemand += hours;
    hoursByRegion[span.region] = (hoursByRegion[span.region] ?? 0) + hours;
  }
  const ranTypes = [...new Set(run.instances.map((i) => i.instanceType))];
  const oracleTypes = ranTypes.length > 0 ? ranTypes : trace.instanceTypes;
  const oracleCostUsd = oracleCost(trace, run.startMs, run.endMs, run.targetCapacity, onDemand, oracleTypes);

  const losses = [...run.losses].sort((a, b) => a.atMs - b.atMs);
  const failovers: FailoverReport[] = losses.map((loss, i) => {
    const until = losses[i + 1]?.atMs ?? run.endMs;
    const request = run.launchRequests.filter((r) => r.atMs >= loss.atMs).sort((a, b) => a.atMs - b.atMs)[0];
    const next = run.healthy.filter((h) => h.startMs >= loss.atMs).sort((a, b) => a.startMs - b.startMs)[0];
    return {
      at: new Date(loss.atMs).toISOString(),
      fromRegion: loss.region,
      toRegion: next && next.startMs < until ? next.region : null,
      reactionS: request && request.atMs < until ? (request.atMs - loss.atMs) / 1000 : null,
      gapS: uncoveredMs(ready, loss.atMs, until) / 1000,
    };
  });
  const gaps = failovers.map((f) => f.gapS);
  const reactions = failovers.flatMap((f) => (f.reactionS === null ? [] : [f.reactionS]));

  const reference = cheapestOnDemand(trace, onDemand) * run.targetCapacity;
  const runHours = (run.endMs - run.startMs) / HOUR;
  const replicaHours = instanceHours.spot + instanceHours.onDemand;
  return {
    policy: run.policy,
    days,
    targetCapacity: run.targetCapacity,
    availability,
    downtimeS: downtimeMs / 1000,
    costUsd,
    onDemandCostUsd,
    oracleCostUsd,
    costVsOnDemand: runHours > 0 ? costUsd / (reference * runHours) : 0,
    costVsOracle: oracleCostUsd > 0 ? costUsd / oracleCostUsd : 0,
    onDemandReferenceUsdPerHour: reference,
    spotShare: replicaHours > 0 ? instanceHours.spot / replicaHours : 0,
    timeInCheapestRegion: shareInCheapestRegion(trace, run, oracleTypes),
    instanceHours,
    hoursByRegion,
    failovers,
    failoverCount: failovers.length,
    meanGapS: gaps.length > 0 ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
    maxGapS: gaps.length > 0 ? Math.max(...gaps) : 0,
    meanReactionS: reactions.length > 0 ? reactions.reduce((a, b) => a + b, 0) / reactions.length : null,
    controlPlane: run.usage
      ? {
          usage: run.usage,
          transitionsPerDay: run.usage.stateTransitions / days,
          lambdaInvocationsPerDay: run.usage.lambdaInvocations / days,
          billPerMonthUsd: perMonth(controlPlaneBill(run.usage), days),
        }
      : null,
  };
}
