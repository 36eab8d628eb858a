/**
 * A trace from a user's own price history: prices come from the export; placement scores, droughts
 * and interruptions, which the price history does not record, come from the seeded synthetic model
 * (same seed, same events), so a run over a real month still sees capacity losses.
 */
import { SimConfigError } from './errors.ts';
import type { PriceHistory } from './price-history.ts';
import { syntheticTrace } from './synthetic.ts';
import type { Series, Trace } from './trace.ts';

export interface PriceHistoryTraceOptions {
  seed: number;
  /** Default: every region in the export. */
  regions?: readonly string[];
  /** Default: every instance type in the export for the chosen regions. */
  instanceTypes?: readonly string[];
  /** Default: from the first moment every region has a price to the last record. */
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
  let startMs = history.firstMs;
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
    // The run starts once every chosen region has a known price, so the finder never sees a gap.
    for (const [, series] of entries) startMs = Math.max(startMs, series[0]!.at);
  }
  const endMs = options.days !== undefined ? startMs + Math.round(options.days * DAY) : history.lastMs;
  if (!(endMs > startMs)) {
    throw new SimConfigError(
      `the price history covers no time once every region has a price (from ${new Date(startMs).toISOString()} to ${new Date(history.lastMs).toISOString()}); pass --days or export a longer window`,
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
    regions: market.regions.map((r) => ({ ...r, spotPrice: chosen[r.region]! })),
  };
}
