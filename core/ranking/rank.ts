/**
 * The RegionFinder's decision, pure: order candidate regions by placement score, break score ties by
 * numeric Spot price, and pick the first region that passes the configured floor and cap.
 */
import type { Exclusion } from '../messages.ts';
import { activeExclusions } from './exclusions.ts';
import type { CheapestPrice } from './prices.ts';

export const NO_CHOICE_REASONS = ['ALL_EXCLUDED', 'BELOW_MIN_SCORE', 'ABOVE_MAX_PRICE', 'NO_SCORES'] as const;
export type NoChoiceReason = (typeof NO_CHOICE_REASONS)[number];

/** A region's price as looked up: known, or unknown with the reason (no records, timeout, throttled...). */
export type PriceLookup = ({ known: true } & CheapestPrice) | { known: false; why: string };

export interface RankedRegion {
  region: string;
  /** Placement score 1-10; `null` when AWS did not return the region (it returns the top 10 only). */
  score: number | null;
  /** Cheapest-AZ Spot price in USD/hour; `null` when unknown or not looked up (no tie to break). */
  price: number | null;
  why: string;
}

export interface Ranking {
  chosen: { region: string; score: number; price: number | null } | null;
  reason: NoChoiceReason | null;
  ranked: RankedRegion[];
}

export interface RankingPolicy {
  minPlacementScore: number;
  /** USD/hour; unset = no cap. */
  maxSpotPrice?: number | undefined;
}

export interface RankInput extends RankingPolicy {
  workerRegions: readonly string[];
  exclusions: readonly Exclusion[];
  now: Date;
  /** Placement scores by region; `null` when no scores could be had at all (no answer and no cache). */
  scores: ReadonlyMap<string, number> | null;
  /** Prices of the regions named by `regionsToPrice`; others are "not looked up". */
  prices: ReadonlyMap<string, PriceLookup>;
}

/**
 * The regions whose price matters: those passing the score floor that share their score with another
 * such region (the price breaks the tie), or every one of them when a price cap must be checked.
 */
export function regionsToPrice(
  candidates: readonly string[],
  scores: ReadonlyMap<string, number> | null,
  policy: RankingPolicy,
): string[] {
  if (!scores) return [];
  const eligible = candidates.filter((r) => (scores.get(r) ?? 0) >= policy.minPlacementScore);
  if (policy.maxSpotPrice !== undefined) return eligible;
  const perScore = new Map<number, number>();
  for (const region of eligible) {
    const score = scores.get(region)!;
    perScore.set(score, (perScore.get(score) ?? 0) + 1);
  }
  return eligible.filter((r) => perScore.get(scores.get(r)!)! > 1);
}

interface Row {
  region: string;
  score: number | null;
  price: PriceLookup | undefined;
  order: number;
}

/** Higher score first; unscored last; on equal score a known price before an unknown one, cheaper first. */
function compareRows(a: Row, b: Row): number {
  const scoreA = a.score ?? Number.NEGATIVE_INFINITY;
  const scoreB = b.score ?? Number.NEGATIVE_INFINITY;
  if (scoreA !== scoreB) return scoreB - scoreA;
  const priceA = a.price?.known ? a.price.price : Number.POSITIVE_INFINITY;
  const priceB = b.price?.known ? b.price.price : Number.POSITIVE_INFINITY;
  if (priceA !== priceB) return priceA - priceB;
  return a.order - b.order;
}

function describePrice(price: PriceLookup | undefined): string {
  if (!price) return 'price not looked up (no score tie)';
  if (!price.known) return `price unknown (${price.why})`;
  return `price ${price.price} USD/h (${price.instanceType} in ${price.availabilityZone})`;
}

/** Why a row cannot be chosen, or `null` when it qualifies. */
function disqualification(row: Row, policy: RankingPolicy): { reason: NoChoiceReason; why: string } | null {
  if (row.score === null) {
    return { reason: 'BELOW_MIN_SCORE', why: 'no placement score (not among the top 10 AWS returned)' };
  }
  if (row.score < policy.minPlacementScore) {
    return {
      reason: 'BELOW_MIN_SCORE',
      why: `score ${row.score} below minPlacementScore ${policy.minPlacementScore}`,
    };
  }
  if (policy.maxSpotPrice !== undefined) {
    if (!row.price?.known) {
      return {
        reason: 'ABOVE_MAX_PRICE',
        why: `score ${row.score}; ${describePrice(row.price)}, so maxSpotPrice ${policy.maxSpotPrice} cannot be checked`,
      };
    }
    if (row.price.price > policy.maxSpotPrice) {
      return {
        reason: 'ABOVE_MAX_PRICE',
        why: `score ${row.score}; price ${row.price.price} USD/h above maxSpotPrice ${policy.maxSpotPrice}`,
      };
    }
  }
  return null;
}

/**
 * Ranks the non-excluded worker regions and chooses one, or says why none qualifies.
 *
 * @example
 * rankRegions({ workerRegions: ['us-west-2', 'eu-west-1'], exclusions: [], now, minPlacementScore: 3,
 *   scores: new Map([['us-west-2', 9], ['eu-west-1', 9]]),
 *   prices: new Map([['us-west-2', { known: true, price: 10.1, ... }], ['eu-west-1', { known: true, price: 9, ... }]]) });
 * // -> chosen eu-west-1 (9.0 < 10.1 numerically)
 */
export function rankRegions(input: RankInput): Ranking {
  const excluded = activeExclusions(input.exclusions, input.now);
  const candidates = input.workerRegions.filter((r) => !excluded.has(r));
  if (candidates.length === 0) return { chosen: null, reason: 'ALL_EXCLUDED', ranked: [] };

  const { scores } = input;
  if (!scores || scores.size === 0) {
    return {
      chosen: null,
      reason: 'NO_SCORES',
      ranked: candidates.map((region) => ({
        region,
        score: null,
        price: null,
        why: 'no placement scores available',
      })),
    };
  }

  const rows: Row[] = candidates
    .map((region, order) => ({
      region,
      score: scores.get(region) ?? null,
      price: input.prices.get(region),
      order,
    }))
    .sort(compareRows);

  let chosen: Row | undefined;
  let bestFailure: NoChoiceReason = 'BELOW_MIN_SCORE';
  const ranked = rows.map((row): RankedRegion => {
    const price = row.price?.known ? row.price.price : null;
    const failure = disqualification(row, input);
    if (failure) {
      // A region that passed the score floor but failed the price cap makes the overall reason a price one.
      if (failure.reason === 'ABOVE_MAX_PRICE') bestFailure = 'ABOVE_MAX_PRICE';
      return { region: row.region, score: row.score, price, why: failure.why };
    }
    const summary = `score ${row.score}; ${describePrice(row.price)}`;
    if (chosen)
      return {
        region: row.region,
        score: row.score,
        price,
        why: `${summary}; ranked below ${chosen.region}`,
      };
    chosen = row;
    return { region: row.region, score: row.score, price, why: `chosen: ${summary}` };
  });

  if (!chosen) return { chosen: null, reason: bestFailure, ranked };
  const price = chosen.price?.known ? chosen.price.price : null;
  return { chosen: { region: chosen.region, score: chosen.score!, price }, reason: null, ranked };
}
