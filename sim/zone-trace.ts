/**
 * A market trace with zones, built from availability data (a measured trace or the synthetic model): every
 * zone's Spot capacity as measured, prices from one of three sources, and placement scores derived from the
 * capacity itself.
 *
 * - Prices: `flatSpotRatio` (every Spot price = ratio x that type's on-demand price in the region, constant:
 *   the assumption of published simulations); else a price-history export (each zone and type at its own
 *   recorded price, carried forward; the region's price is its cheapest zone's); else the seeded synthetic
 *   price walk of `synthetic.ts`.
 * - Placement score: an availability trace does not record one, and a score that ignored the trace would
 *   steer a score-ranking policy at random. It is derived from the measured zones, as AWS's score reflects the
 *   capacity it sees: 1 + 9 x (share of the region's zones with capacity), rounded (all up: 10; none: 1).
 * - The window is the trace's whole span, the last tick included; `days` may shorten it, never extend it.
 */

import { SimConfigError } from './errors.ts';
import { onDemandPrice } from './on-demand-prices.ts';
import type { PriceHistory } from './price-history.ts';
import { syntheticTrace } from './synthetic.ts';
import {
  capacityFromZones,
  type RegionTrace,
  type Series,
  type Trace,
  valueAt,
  windowEnd,
  type ZoneTrace,
} from './trace.ts';

export interface ZoneAvailability {
  zones: Readonly<Record<string, Readonly<Record<string, Series<number>>>>>;
  firstMs: number;
  /** End of the window (exclusive): the last tick plus one tick. */
  endMs: number;
}

export interface ZoneTraceOptions {
  seed: number;
  source: Trace['source'];
  instanceTypes: readonly string[];
  /** Default: every region of the availability data. */
  regions?: readonly string[];
  days?: number;
  flatSpotRatio?: number;
  priceHistory?: PriceHistory;
}

const DAY = 86_400_000;

function derivedScore(zones: readonly ZoneTrace[], startMs: number): Series<number> {
  const times = new Set<number>([startMs]);
  for (const z of zones) for (const p of z.capacity) if (p.at > startMs) times.add(p.at);
  const points: { at: number; value: number }[] = [];
  for (const at of [...times].sort((a, b) => a - b)) {
    const up = zones.filter((z) => valueAt(z.capacity, at) > 0).length;
    const value = Math.round(1 + (9 * up) / zones.length);
    if (points.at(-1)?.value !== value) points.push({ at, value });
  }
  return points;
}

const constant = (at: number, value: number): Series<number> => [{ at, value }];

/**
 * Builds a trace with zones.
 * @throws {SimConfigError} naming a region the data lacks, `days` beyond the data's span, a bad ratio, or a
 * region or type the price history has no price for.
 */
export function traceFromZones(data: ZoneAvailability, options: ZoneTraceOptions): Trace {
  const present = Object.keys(data.zones).sort();
  const regions = options.regions ?? present;
  for (const region of regions) {
    if (!data.zones[region]) {
      throw new SimConfigError(
        `the availability trace has no zone of region ${region}; it has: ${present.join(', ')}`,
      );
    }
  }
  const startMs = data.firstMs;
  const endMs = windowEnd(startMs, data.endMs, options.days, 'availability trace');
  if (options.flatSpotRatio !== undefined && !(options.flatSpotRatio > 0 && options.flatSpotRatio <= 1)) {
    throw new SimConfigError(`--flat-spot-ratio must be in (0, 1] (got ${options.flatSpotRatio})`);
  }
  const walk =
    options.flatSpotRatio === undefined && !options.priceHistory
      ? syntheticTrace({
          seed: options.seed,
          regions,
          instanceTypes: options.instanceTypes,
          start: new Date(startMs),
          days: (endMs - startMs) / DAY,
        })
      : null;

  const regionTraces: RegionTrace[] = regions.map((region) => {
    const measured = data.zones[region]!;
    const zones: ZoneTrace[] = Object.entries(measured)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([zone, capacity]) => ({ zone, capacity }));
    let spotPrice: Record<string, Series<number>>;
    if (options.flatSpotRatio !== undefined) {
      const ratio = options.flatSpotRatio;
      spotPrice = Object.fromEntries(
        options.instanceTypes.map((t) => [
          t,
          constant(startMs, Math.round(ratio * onDemandPrice(region, t) * 1e6) / 1e6),
        ]),
      );
    } else if (options.priceHistory) {
      const history = options.priceHistory;
      const byType = history.prices[region];
      const types = options.instanceTypes.filter((t) => byType?.[t]);
      if (!byType || types.length === 0) {
        throw new SimConfigError(
          `the price history has no Linux/UNIX price for ${options.instanceTypes.join(', ')} in region ${region}`,
        );
      }
      spotPrice = Object.fromEntries(types.map((t) => [t, byType[t]!]));
      for (const z of zones) {
        const own = history.zonePrices?.[region]?.[z.zone];
        if (own) z.spotPrice = Object.fromEntries(types.flatMap((t) => (own[t] ? [[t, own[t]]] : [])));
      }
    } else {
      spotPrice = { ...walk!.regions.find((r) => r.region === region)!.spotPrice };
    }
    return {
      region,
      spotPrice,
      placementScore: derivedScore(zones, startMs),
      capacityAvailable: capacityFromZones(zones, startMs),
      interruptions: [],
      zones,
    };
  });
  const priced = new Set(regionTraces.flatMap((r) => Object.keys(r.spotPrice)));
  return {
    source: options.source,
    seed: options.seed,
    startMs,
    endMs,
    instanceTypes: options.instanceTypes.filter((t) => priced.has(t)),
    regions: regionTraces,
  };
}

/**
 * The same trace with every Spot price at `ratio` x that type's on-demand price in the region, constant
 * (zones lose their own prices).
 * @throws {SimConfigError} for a ratio outside (0, 1].
 */
export function withFlatSpotRatio(trace: Trace, ratio: number): Trace {
  if (!(ratio > 0 && ratio <= 1))
    throw new SimConfigError(`--flat-spot-ratio must be in (0, 1] (got ${ratio})`);
  return {
    ...trace,
    regions: trace.regions.map((r) => ({
      ...r,
      spotPrice: Object.fromEntries(
        trace.instanceTypes.map((t) => [
          t,
          constant(trace.startMs, Math.round(ratio * onDemandPrice(r.region, t) * 1e6) / 1e6),
        ]),
      ),
      ...(r.zones ? { zones: r.zones.map(({ spotPrice: _own, ...z }) => z) } : {}),
    })),
  };
}
