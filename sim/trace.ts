/**
 * A market trace: what the Spot market of each region looked like over time, and when EC2 reclaimed
 * capacity there, optionally per Availability Zone. Every trace source (the seeded synthetic model, a
 * price-history CSV, measured or synthetic availability) produces this shape; the driver, the fleet model and
 * the accounting all read it through the lookups below.
 */
import { SimConfigError } from './errors.ts';

/** A step function of time: `value` holds from `at` (epoch ms) until the next point. Sorted by `at`. */
export type Series<T> = ReadonlyArray<{ at: number; value: T }>;

/** One Availability Zone of a region, as measured (an availability trace) or priced per zone (a price export). */
export interface ZoneTrace {
  zone: string;
  /**
   * Spot instances the zone can hold at once (`available_instances` of an availability trace); `Infinity` when
   * nothing constrains it. 0 = no Spot launch succeeds there, and Spot instances running there are reclaimed.
   */
  capacity: Series<number>;
  /** Spot price per instance type in this zone; a type without one takes the region's `spotPrice`. */
  spotPrice?: Readonly<Record<string, Series<number>>>;
}

export interface RegionTrace {
  region: string;
  /** Spot price per instance type, USD per hour, in the cheapest Availability Zone of the region. */
  spotPrice: Readonly<Record<string, Series<number>>>;
  /** GetSpotPlacementScores for the configured instance types, 1-10. */
  placementScore: Series<number>;
  /** Whether a Spot launch there can succeed (with `zones`: whether some zone has capacity). */
  capacityAvailable: Series<boolean>;
  /** Epoch ms at which EC2 sends an interruption warning to the Spot capacity running there. */
  interruptions: readonly number[];
  /** Zone-level capacity and prices, when the trace has them; absent = the region as one pool. */
  zones?: readonly ZoneTrace[];
}

export interface Trace {
  source: 'synthetic' | 'csv' | 'availability';
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
   * USD per hour, cheapest AZ; LocalCloud's market scales the other types from it unless `spotPrices` is set.
   */
  spotPrice: number;
  capacityAvailable: boolean;
  /** Spot instances each zone can hold (only for a trace with zones). */
  zoneCapacity?: Record<string, number>;
  /** Every zone's Spot price per instance type (only for a trace with zones): each type at its own price. */
  spotPrices?: Record<string, Record<string, number>>;
}

/** One change the driver replays into the emulated market, in time order. */
export type MarketChange =
  | { at: number; region: string; kind: 'market'; market: MarketState }
  | { at: number; region: string; kind: 'interrupt' };

/**
 * The end of a window over data that covers [startMs, endMs): `days` may shorten it, never extend it.
 * @throws {SimConfigError} for `days` past the data's end, naming what the data covers.
 */
export function windowEnd(startMs: number, endMs: number, days: number | undefined, what: string): number {
  if (days === undefined) return endMs;
  const wanted = startMs + Math.round(days * 86_400_000);
  if (wanted > endMs) {
    throw new SimConfigError(
      `--days ${days} goes past the end of the ${what}: it covers ${((endMs - startMs) / 86_400_000).toFixed(2)} days (${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()})`,
    );
  }
  return wanted;
}

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

/**
 * The Spot price of `instanceType` in `zone` of `region` at `t`: the zone's own series when the trace has one,
 * else the region's (cheapest-zone) price of that type.
 */
export function zonePriceAt(
  trace: Trace,
  region: string,
  zone: string | undefined,
  t: number,
  instanceType: string,
): number {
  const r = regionTrace(trace, region);
  const series = zone ? r.zones?.find((z) => z.zone === zone)?.spotPrice?.[instanceType] : undefined;
  return series ? valueAt(series, t) : spotPriceAt(trace, region, t, instanceType);
}

/** Spot instances `zone` can hold at `t` (Infinity for a region without zone data). */
export function zoneCapacityAt(r: RegionTrace, zone: string, t: number): number {
  const series = r.zones?.find((z) => z.zone === zone)?.capacity;
  return series ? valueAt(series, t) : Number.POSITIVE_INFINITY;
}

/**
 * A region's `capacityAvailable` from its zones: true while some zone has capacity. One point per change.
 */
export function capacityFromZones(zones: readonly ZoneTrace[], startMs: number): Series<boolean> {
  const times = new Set<number>([startMs]);
  for (const z of zones) for (const p of z.capacity) if (p.at > startMs) times.add(p.at);
  const points: { at: number; value: boolean }[] = [];
  for (const at of [...times].sort((a, b) => a - b)) {
    const value = zones.some((z) => valueAt(z.capacity, at) > 0);
    if (points.at(-1)?.value !== value) points.push({ at, value });
  }
  return points;
}

export function marketAt(trace: Trace, region: string, t: number): MarketState {
  const r = regionTrace(trace, region);
  const market: MarketState = {
    placementScore: valueAt(r.placementScore, t),
    spotPrice: spotPriceAt(trace, region, t, trace.instanceTypes[0]),
    capacityAvailable: valueAt(r.capacityAvailable, t),
  };
  if (!r.zones) return market;
  market.zoneCapacity = Object.fromEntries(r.zones.map((z) => [z.zone, valueAt(z.capacity, t)]));
  market.spotPrices = Object.fromEntries(
    r.zones.map((z) => [
      z.zone,
      Object.fromEntries(
        trace.instanceTypes.map((type) => [type, zonePriceAt(trace, region, z.zone, t, type)]),
      ),
    ]),
  );
  return market;
}

/** Every instant at which something in `region` changes (price, score, capacity), sorted, deduplicated. */
function changeTimes(r: RegionTrace, startMs: number): number[] {
  const times = new Set<number>([startMs]);
  const zoneSeries = (r.zones ?? []).flatMap((z) => [z.capacity, ...Object.values(z.spotPrice ?? {})]);
  for (const s of [...Object.values(r.spotPrice), r.placementScore, r.capacityAvailable, ...zoneSeries]) {
    for (const p of s) if (p.at >= startMs) times.add(p.at);
  }
  return [...times].sort((a, b) => a - b);
}

function sameMarket(a: MarketState, b: MarketState): boolean {
  return (
    a.placementScore === b.placementScore &&
    a.spotPrice === b.spotPrice &&
    a.capacityAvailable === b.capacityAvailable &&
    sameRecord(a.zoneCapacity, b.zoneCapacity) &&
    JSON.stringify(a.spotPrices) === JSON.stringify(b.spotPrices)
  );
}

function sameRecord(a?: Record<string, number>, b?: Record<string, number>): boolean {
  if (!a || !b) return a === b;
  for (const k of Object.keys(a)) if (a[k] !== b[k]) return false;
  return Object.keys(a).length === Object.keys(b).length;
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
      if (last && sameMarket(last, market)) continue;
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
