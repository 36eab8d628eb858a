/**
 * The seeded synthetic market: per region, a mean-reverting Spot price walk per instance type,
 * placement scores that drift, capacity droughts, and interruptions as a Poisson process. The same
 * options and seed always give the same trace.
 *
 * Defaults (per region, overridable):
 * - Spot price: mean level drawn once per (region, type) between 30 % and 40 % of on-demand, which is
 *   where g5/g6/g6e Spot has sat in the large regions; the price moves every ~2 h (exponential gaps) by
 *   a log-step of sigma 5 %, pulled back 25 % of the way to its level each move, bounded to 20-95 % of
 *   on-demand. Spot prices have moved gradually like this since EC2's 2017 pricing change.
 * - Placement score: re-drawn every ~6 h around a regional level (sd 1.2, clamped to 1-10); 1 during a
 *   drought.
 * - Droughts: Poisson starts (`droughtsPerDay`), durations log-uniform between 30 min and 6 h; a
 *   drought reclaims the Spot capacity running there (an interruption at its start) and fails launches.
 * - Interruptions outside droughts: Poisson at `interruptionsPerDay`. These are stress defaults: a
 *   running GPU instance is interrupted every ~2-3 days, more often than the Spot Instance Advisor's
 *   monthly frequency bands suggest for most pools, so a 30-day run exercises tens of failovers. Scale
 *   them with `interruptionScale` / `droughtScale`.
 */
import { SimConfigError } from './errors.ts';
import { onDemandPrice } from './on-demand-prices.ts';
import { type Rng, rng } from './rng.ts';
import type { RegionTrace, Series, Trace } from './trace.ts';

export interface RegionModel {
  interruptionsPerDay: number;
  droughtsPerDay: number;
  /** Typical placement score (1-10). */
  scoreLevel: number;
}

const FALLBACK_MODEL: RegionModel = { interruptionsPerDay: 0.25, droughtsPerDay: 0.15, scoreLevel: 6 };

/** Busier GPU regions lose capacity more often; the large US regions also score higher. */
export const DEFAULT_REGION_MODELS: Readonly<Record<string, RegionModel>> = {
  'us-east-1': { interruptionsPerDay: 0.6, droughtsPerDay: 0.3, scoreLevel: 7 },
  'us-east-2': { interruptionsPerDay: 0.35, droughtsPerDay: 0.2, scoreLevel: 7 },
  'us-west-2': { interruptionsPerDay: 0.45, droughtsPerDay: 0.25, scoreLevel: 8 },
  'eu-west-1': { interruptionsPerDay: 0.3, droughtsPerDay: 0.2, scoreLevel: 7 },
  'eu-central-1': { interruptionsPerDay: 0.35, droughtsPerDay: 0.2, scoreLevel: 6 },
};

export const regionModel = (region: string): RegionModel => DEFAULT_REGION_MODELS[region] ?? FALLBACK_MODEL;

export interface SyntheticOptions {
  seed: number;
  regions: readonly string[];
  instanceTypes: readonly string[];
  start: Date;
  days: number;
  /** Multiplies every region's interruption rate (default 1). */
  interruptionScale?: number;
  /** Multiplies every region's drought rate (default 1). */
  droughtScale?: number;
  /** Per-region overrides of the defaults above. */
  models?: Readonly<Record<string, Partial<RegionModel>>>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PRICE_MOVE_MEAN_MS = 2 * HOUR;
const SCORE_MOVE_MEAN_MS = 6 * HOUR;
const DROUGHT_MIN_MS = 30 * 60_000;
const DROUGHT_MAX_MS = 6 * HOUR;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function priceWalk(random: Rng, onDemand: number, startMs: number, endMs: number): Series<number> {
  const level = onDemand * random.uniform(0.3, 0.4);
  let price = level * Math.exp(0.05 * random.normal());
  const points = [{ at: startMs, value: round4(price) }];
  for (
    let t = startMs + random.exponential(PRICE_MOVE_MEAN_MS);
    t < endMs;
    t += random.exponential(PRICE_MOVE_MEAN_MS)
  ) {
    const log = Math.log(price) + 0.25 * (Math.log(level) - Math.log(price)) + 0.05 * random.normal();
    price = clamp(Math.exp(log), 0.2 * onDemand, 0.95 * onDemand);
    points.push({ at: Math.round(t), value: round4(price) });
  }
  return points;
}

interface Drought {
  from: number;
  to: number;
}

function droughts(random: Rng, perDay: number, startMs: number, endMs: number): Drought[] {
  if (perDay <= 0) return [];
  const out: Drought[] = [];
  for (let t = startMs + random.exponential(DAY / perDay); t < endMs; ) {
    const length = Math.exp(random.uniform(Math.log(DROUGHT_MIN_MS), Math.log(DROUGHT_MAX_MS)));
    const from = Math.round(t);
    const to = Math.round(Math.min(endMs, t + length));
    out.push({ from, to });
    t = to + random.exponential(DAY / perDay);
  }
  return out;
}

const inDrought = (list: readonly Drought[], t: number) => list.some((d) => t >= d.from && t < d.to);

function scores(
  random: Rng,
  level: number,
  dry: readonly Drought[],
  startMs: number,
  endMs: number,
): Series<number> {
  const draw = () => clamp(Math.round(level + 1.2 * random.normal()), 2, 10);
  const moves = new Map<number, number>();
  for (let t = startMs; t < endMs; t += random.exponential(SCORE_MOVE_MEAN_MS))
    moves.set(Math.round(t), draw());
  for (const d of dry) {
    moves.set(d.from, 1);
    if (d.to < endMs) moves.set(d.to, draw());
  }
  const points: { at: number; value: number }[] = [];
  for (const at of [...moves.keys()].sort((a, b) => a - b)) {
    points.push({ at, value: inDrought(dry, at) ? 1 : moves.get(at)! });
  }
  return points;
}

function capacity(dry: readonly Drought[], startMs: number): Series<boolean> {
  const points = [{ at: startMs, value: !inDrought(dry, startMs) }];
  for (const d of dry) {
    if (d.from > startMs) points.push({ at: d.from, value: false });
    points.push({ at: d.to, value: true });
  }
  return points;
}

function interruptions(
  random: Rng,
  perDay: number,
  dry: readonly Drought[],
  startMs: number,
  endMs: number,
): number[] {
  const times = new Set(dry.map((d) => d.from));
  if (perDay > 0) {
    for (
      let t = startMs + random.exponential(DAY / perDay);
      t < endMs;
      t += random.exponential(DAY / perDay)
    ) {
      if (!inDrought(dry, t)) times.add(Math.round(t));
    }
  }
  return [...times].filter((t) => t < endMs).sort((a, b) => a - b);
}

/**
 * Generates a synthetic market trace.
 *
 * @example
 * const trace = syntheticTrace({ seed: 1, regions: ['us-east-1', 'eu-west-1'], instanceTypes: ['g6.xlarge'],
 *   start: new Date('2026-11-01T00:00:00Z'), days: 30 });
 * @throws {SimConfigError} for a non-positive duration, no regions, or an instance type without an on-demand price.
 */
export function syntheticTrace(options: SyntheticOptions): Trace {
  const { seed, regions, instanceTypes, start, days } = options;
  if (!(days > 0)) throw new SimConfigError(`days must be a positive number (got ${days})`);
  if (regions.length === 0) throw new SimConfigError('regions must name at least one region');
  if (instanceTypes.length === 0)
    throw new SimConfigError('instanceTypes must name at least one instance type');
  const startMs = start.getTime();
  const endMs = startMs + Math.round(days * DAY);
  const regionTraces: RegionTrace[] = regions.map((region) => {
    const model = { ...regionModel(region), ...options.models?.[region] };
    const dry = droughts(
      rng(seed, `${region}/droughts`),
      model.droughtsPerDay * (options.droughtScale ?? 1),
      startMs,
      endMs,
    );
    const spotPrice: Record<string, Series<number>> = {};
    for (const type of instanceTypes) {
      spotPrice[type] = priceWalk(
        rng(seed, `${region}/${type}/price`),
        onDemandPrice(region, type),
        startMs,
        endMs,
      );
    }
    return {
      region,
      spotPrice,
      placementScore: scores(rng(seed, `${region}/score`), model.scoreLevel, dry, startMs, endMs),
      capacityAvailable: capacity(dry, startMs),
      interruptions: interruptions(
        rng(seed, `${region}/interruptions`),
        model.interruptionsPerDay * (options.interruptionScale ?? 1),
        dry,
        startMs,
        endMs,
      ),
    };
  });
  return {
    source: 'synthetic',
    seed,
    startMs,
    endMs,
    instanceTypes: [...instanceTypes],
    regions: regionTraces,
  };
}
