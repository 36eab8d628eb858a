/**
 * A trace from a user's own price history: prices come from the export, each Availability Zone and instance
 * type at its own recorded price; placement scores, droughts and interruptions, which the price history does
 * not record, come from the seeded synthetic model (same seed, same events), so a run over a real month still
 * sees capacity losses.
 *
 * The window is the export's whole span, from its first record to its last: a region or type whose first
 * record comes later takes that first price until then, and every price holds until its next record
 * (carried forward). `days` may shorten the window, never extend it past the export.
 */
import { SimConfigError } from './errors.ts';
import type { PriceHistory } from './price-history.ts';
import { syntheticTrace } from './synthetic.ts';
import { type Series, type Trace, windowEnd, type ZoneTrace } from './trace.ts';

export interface PriceHistoryTraceOptions {
  seed: number;
  /** Default: every region in the export. */
  regions?: readonly string[];
  /** Default: every instance type in the export for the chosen regions. */
  instanceTypes?: readonly string[];
  /** Default: the export's whole span (first to last record). */
  days?: number;
  interruptionScale?: number;
  droughtScale?: number;
}

const DAY = 86_400_000;

/**
 * Builds a trace over a price-history export.
 * @throws {SimConfigError} naming a region or instance type the export has no Linux/UNIX price for.
 */
export function traceFromPriceHistory(history: PriceHistory, options: PriceHistoryTraceOptions): Trace {
  const present = Object.keys(history.prices).sort();
  const regions = options.regions ?? present;
  for (const region of regions) {
    if (!history.prices[region]) {
      throw new SimConfigError(
        `the price history has no Linux/UNIX price for region ${region}; it has: ${present.join(', ')}`,
      );
    }
  }
  const instanceTypes =
    options.instanceTypes ?? [...new Set(regions.flatMap((r) => Object.keys(history.prices[r]!)))].sort();
  const chosen: Record<string, Record<string, Series<number>>> = {};
  const zones: Record<string, ZoneTrace[]> = {};
  for (const region of regions) {
    const entries = instanceTypes.flatMap((t) => {
      const series = history.prices[region]![t];
      return series ? [[t, series] as const] : [];
    });
    if (entries.length === 0) {
      throw new SimConfigError(
        `the price history has no price for ${instanceTypes.join(', ')} in region ${region}`,
      );
    }
    chosen[region] = Object.fromEntries(entries);
    zones[region] = Object.entries(history.zonePrices[region] ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([zone, byType]) => ({
        zone,
        // A price export says nothing about capacity: the zone is unconstrained (droughts stay regional).
        capacity: [{ at: history.firstMs, value: Number.POSITIVE_INFINITY }],
        spotPrice: Object.fromEntries(instanceTypes.flatMap((t) => (byType[t] ? [[t, byType[t]]] : []))),
      }));
  }
  const startMs = history.firstMs;
  const endMs = windowEnd(startMs, history.lastMs, options.days, 'price history');
  if (!(endMs > startMs)) {
    throw new SimConfigError(
      `the price history covers no time (every record is at ${new Date(startMs).toISOString()}); export a longer window`,
    );
  }
  const market = syntheticTrace({
    seed: options.seed,
    regions,
    instanceTypes,
    start: new Date(startMs),
    days: (endMs - startMs) / DAY,
    interruptionScale: options.interruptionScale,
    droughtScale: options.droughtScale,
  });
  return {
    ...market,
    source: 'csv',
    regions: market.regions.map((r) => ({ ...r, spotPrice: chosen[r.region]!, zones: zones[r.region]! })),
  };
}
