/**
 * Seeded synthetic Spot availability traces shaped like measured ones: per zone, how many Spot instances it
 * could hold at each tick. The same options and seed always give the same trace.
 *
 * Shape (each number is a default, overridable):
 * - **Regions are down 4-30 % of the time** (each region draws its share once, uniformly): a region-wide
 *   outage sets every zone of the region to 0. Outages last **minutes to hours**: log-uniform between 5 min and
 *   6 h (mean 83 min).
 * - **Outages are correlated across regions** through a shared market regime: calm stretches (mean 3 days)
 *   alternate with stressed ones (mean 24 h), during which every region's outages start 6x as often. So
 *   outages cluster in time, in one region and across regions, as measured Spot availability does (capacity
 *   crunches hit a GPU type everywhere at once).
 * - **Zones also fail on their own**: each zone is down another 1-5 % of the time in outages of 3 min to 2 h,
 *   stress-modulated the same way, while its neighbours still launch.
 * - While up, a zone holds 1-6 instances (uniform), redrawn every ~6 h.
 * - Values are sampled every `tickSeconds` (default 195 s); an outage covers the ticks it overlaps.
 */
import { zoneCount } from '../core/zones.ts';
import { SimConfigError } from './errors.ts';
import { type Rng, rng } from './rng.ts';
import type { Series } from './trace.ts';

export interface SyntheticAvailabilityOptions {
  seed: number;
  regions: readonly string[];
  start: Date;
  days: number;
  /** Zones per region (default 3, or fewer where AWS has fewer). */
  zonesPerRegion?: number;
  tickSeconds?: number;
  /** Range of each region's down share (default 0.04-0.30). */
  regionDown?: readonly [number, number];
  /** Range of each zone's own extra down share (default 0.01-0.05). */
  zoneDown?: readonly [number, number];
}

export interface SyntheticAvailability {
  zones: Record<string, Record<string, Series<number>>>;
  ticks: number[];
  /** Each region's drawn down share (what the outage process aims for). */
  regionDownShare: Record<string, number>;
  startMs: number;
  endMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CALM_MEAN_MS = 3 * DAY;
const STRESS_MEAN_MS = 24 * HOUR;
const STRESS_FACTOR = 6;
const REGION_OUTAGE: readonly [number, number] = [5 * MINUTE, 6 * HOUR];
const ZONE_OUTAGE: readonly [number, number] = [3 * MINUTE, 2 * HOUR];
const LEVEL_MEAN_MS = 6 * HOUR;

interface Span {
  from: number;
  to: number;
}

const logUniform = (r: Rng, [lo, hi]: readonly [number, number]) =>
  Math.exp(r.uniform(Math.log(lo), Math.log(hi)));

/** Mean of a log-uniform distribution on [lo, hi]. */
const logUniformMean = ([lo, hi]: readonly [number, number]) => (hi - lo) / Math.log(hi / lo);

/** The stressed stretches of the shared market regime. */
function stressSpans(r: Rng, startMs: number, endMs: number): Span[] {
  const spans: Span[] = [];
  for (let t = startMs + r.exponential(CALM_MEAN_MS); t < endMs; ) {
    const to = Math.min(endMs, t + r.exponential(STRESS_MEAN_MS));
    spans.push({ from: t, to });
    t = to + r.exponential(CALM_MEAN_MS);
  }
  return spans;
}

const inSpans = (spans: readonly Span[], t: number) => spans.some((s) => t >= s.from && t < s.to);

/**
 * Outages that cover about `share` of the time: a renewal process whose start rate is `STRESS_FACTOR` higher
 * while the market is stressed. With stressed share p and calm rate c the average rate is r = c((1 - p) + 6p), and the down share ~ rD / (1 + rD).
 */
function outages(
  r: Rng,
  share: number,
  durations: readonly [number, number],
  stress: readonly Span[],
  stressShare: number,
  startMs: number,
  endMs: number,
): Span[] {
  const mean = logUniformMean(durations);
  const averageRate = share / ((1 - share) * mean);
  const calmRate = averageRate / (1 - stressShare + STRESS_FACTOR * stressShare);
  const out: Span[] = [];
  let t = startMs;
  while (t < endMs) {
    // Thinning: draw at the stressed rate, keep a calm-time draw with probability 1 / STRESS_FACTOR.
    t += r.exponential(1 / (calmRate * STRESS_FACTOR));
    if (t >= endMs) break;
    if (!inSpans(stress, t) && r.next() >= 1 / STRESS_FACTOR) continue;
    const to = Math.min(endMs, t + logUniform(r, durations));
    out.push({ from: t, to });
    t = to;
  }
  return out;
}

/**
 * Generates a synthetic availability trace.
 *
 * @example
 * const a = syntheticAvailability({ seed: 1, regions: ['us-east-2', 'eu-west-1'], start: new Date('2026-11-01T00:00:00Z'), days: 45 });
 * @throws {SimConfigError} for a non-positive duration or tick, no regions, or a bad share range.
 */
export function syntheticAvailability(options: SyntheticAvailabilityOptions): SyntheticAvailability {
  const { seed, regions, days } = options;
  const tickMs = (options.tickSeconds ?? 195) * 1000;
  if (!(days > 0)) throw new SimConfigError(`days must be a positive number (got ${days})`);
  if (!(tickMs > 0)) throw new SimConfigError(`tickSeconds must be positive (got ${options.tickSeconds})`);
  if (regions.length === 0) throw new SimConfigError('regions must name at least one region');
  const regionDown = options.regionDown ?? [0.04, 0.3];
  const zoneDown = options.zoneDown ?? [0.01, 0.05];
  for (const [name, [lo, hi]] of [
    ['regionDown', regionDown],
    ['zoneDown', zoneDown],
  ] as const) {
    if (!(lo >= 0 && hi >= lo && hi < 1)) throw new SimConfigError(`${name} must be a range within [0, 1)`);
  }
  const startMs = options.start.getTime();
  const endMs = startMs + Math.round(days * DAY);
  const ticks: number[] = [];
  for (let t = startMs; t < endMs; t += tickMs) ticks.push(t);

  const stress = stressSpans(rng(seed, 'availability/stress'), startMs, endMs);
  const stressShare = stress.reduce((n, s) => n + (s.to - s.from), 0) / (endMs - startMs);

  const zones: Record<string, Record<string, Series<number>>> = {};
  const regionDownShare: Record<string, number> = {};
  for (const region of regions) {
    const r = rng(seed, `availability/${region}`);
    const share = r.uniform(regionDown[0], regionDown[1]);
    regionDownShare[region] = share;
    const regionOut = outages(r, share, REGION_OUTAGE, stress, stressShare, startMs, endMs);
    const count = Math.min(options.zonesPerRegion ?? 3, zoneCount(region));
    zones[region] = {};
    for (let i = 0; i < count; i++) {
      const zone = `${region}${String.fromCharCode(97 + i)}`;
      const z = rng(seed, `availability/${zone}`);
      const zoneOut = outages(
        z,
        z.uniform(zoneDown[0], zoneDown[1]),
        ZONE_OUTAGE,
        stress,
        stressShare,
        startMs,
        endMs,
      );
      const levels = rng(seed, `availability/${zone}/level`);
      let level = 1 + Math.floor(levels.uniform(0, 6));
      let nextLevel = startMs + levels.exponential(LEVEL_MEAN_MS);
      const series: { at: number; value: number }[] = [];
      let ri = 0;
      let zi = 0;
      for (const t of ticks) {
        while (t >= nextLevel) {
          level = 1 + Math.floor(levels.uniform(0, 6));
          nextLevel += levels.exponential(LEVEL_MEAN_MS);
        }
        // An outage covers every tick it overlaps: [from, to) touches the tick window [t, t + tick).
        while (ri < regionOut.length && regionOut[ri]!.to <= t) ri++;
        while (zi < zoneOut.length && zoneOut[zi]!.to <= t) zi++;
        const down =
          (ri < regionOut.length && regionOut[ri]!.from < t + tickMs) ||
          (zi < zoneOut.length && zoneOut[zi]!.from < t + tickMs);
        const value = down ? 0 : level;
        if (series.at(-1)?.value !== value) series.push({ at: t, value });
      }
      zones[region][zone] = series;
    }
  }
  return { zones, ticks, regionDownShare, startMs, endMs };
}
