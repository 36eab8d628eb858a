/**
 * A market trace: what the Spot market of each region looked like over time, and when EC2 reclaimed
 * capacity there. Both trace sources (the seeded synthetic model and a price-history CSV) produce this
 * shape; the driver, the baseline model and the accounting all read it through the lookups below.
 */

/** A step function of time: `value` holds from `at` (epoch ms) until the next point. Sorted by `at`. */
export type Series<T> = ReadonlyArray<{ at: number; value: T }>;

export interface RegionTrace {
  region: string;
  /** Spot price per instance type, USD per hour, in the cheapest Availability Zone of the region. */
  spotPrice: Readonly<Record<string, Series<number>>>;
  /** GetSpotPlacementScores for the configured instance types, 1-10. */
  placementScore: Series<number>;
  /** Whether a Spot launch there can succeed. */
  capacityAvailable: Series<boolean>;
  /** Epoch ms at which EC2 sends an interruption warning to the Spot capacity running there. */
  interruptions: readonly number[];
}

export interface Trace {
  source: 'synthetic' | 'csv';
  seed: number;
  startMs: number;
  endMs: number;
  instanceTypes: readonly string[];
  regions: readonly RegionTrace[];
}

export interface MarketState {
  placementScore: number;
  /**
   * Spot price of the first configured instance type (the one the Auto Scaling group launches first),
   * USD per hour, cheapest AZ; LocalCloud's market scales the other types from it.
   */
  spotPrice: number;
  capacityAvailable: boolean;
}

/** One change the driver replays into the emulated market, in time order. */
export type MarketChange =
  | { at: number; region: string; kind: 'market'; market: MarketState }
  | { at: number; region: string; kind: 'interrupt' };

/** The value in force at `t`; the first point's value before the series starts. */
export function valueAt<T>(series: Series<T>, t: number): T {
  if (series.length === 0) throw new RangeError('empty series');
  let lo = 0;
  let hi = series.length - 1;
  if (t < series[0]!.at) return series[0]!.value;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (series[mid]!.at <= t) lo = mid;
    else hi = mid - 1;
  }
  return series[lo]!.value;
}

export function regionTrace(trace: Trace, region: string): RegionTrace {
  const found = trace.regions.find((r) => r.region === region);
  if (!found) throw new RangeError(`region ${region} is not in the trace`);
  return found;
}

/** The Spot price of one instance type at `t`, or the cheapest type's when the trace lacks that type. */
export function spotPriceAt(trace: Trace, region: string, t: number, instanceType?: string): number {
  const r = regionTrace(trace, region);
  const series = instanceType ? r.spotPrice[instanceType] : undefined;
  if (series) return valueAt(series, t);
  return Math.min(...Object.values(r.spotPrice).map((s) => valueAt(s, t)));
}

export function marketAt(trace: Trace, region: string, t: number): MarketState {
  const r = regionTrace(trace, region);
  return {
    placementScore: valueAt(r.placementScore, t),
    spotPrice: spotPriceAt(trace, region, t, trace.instanceTypes[0]),
    capacityAvailable: valueAt(r.capacityAvailable, t),
  };
}

/** Every instant at which something in `region` changes (price, score, capacity), sorted, deduplicated. */
function changeTimes(r: RegionTrace, startMs: number): number[] {
  const times = new Set<number>([startMs]);
  for (const s of [...Object.values(r.spotPrice), r.placementScore, r.capacityAvailable]) {
    for (const p of s) if (p.at >= startMs) times.add(p.at);
  }
  return [...times].sort((a, b) => a - b);
}

/**
 * The market as a list of changes to replay: one `market` entry per region at the start and at each
 * change (only when the visible state differs), and one `interrupt` per interruption. Within the same
 * instant, market entries come before interruptions so a warning sees the market it happened in.
 */
export function marketChanges(trace: Trace): MarketChange[] {
  const changes: MarketChange[] = [];
  for (const r of trace.regions) {
    let last: MarketState | undefined;
    for (const at of changeTimes(r, trace.startMs)) {
      if (at >= trace.endMs) break;
      const market = marketAt(trace, r.region, at);
      if (
        last &&
        last.placementScore === market.placementScore &&
        last.spotPrice === market.spotPrice &&
        last.capacityAvailable === market.capacityAvailable
      ) {
        continue;
      }
      changes.push({ at, region: r.region, kind: 'market', market });
      last = market;
    }
    for (const at of r.interruptions) {
      if (at >= trace.startMs && at < trace.endMs) changes.push({ at, region: r.region, kind: 'interrupt' });
    }
  }
  const order = (c: MarketChange) => (c.kind === 'market' ? 0 : 1);
  return changes.sort((a, b) => a.at - b.at || order(a) - order(b) || a.region.localeCompare(b.region));
}
