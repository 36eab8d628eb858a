/**
 * The price rebalance decision, pure: while spotplane runs on Spot, is the region the RegionFinder chose
 * cheaper than the current one by enough to be worth a make-before-break move?
 */
import type { Lifecycle, Status } from '../messages.ts';
import type { Ranking } from './rank.ts';

/** The region spotplane runs in, as the hub state and the finder's own lookups describe it. */
export interface RebalanceCurrent {
  region: string;
  /** The hub state's status and lifecycle: only a settled Spot run is rebalanced. */
  status: Status;
  lifecycle: Lifecycle | null;
  score: number | null;
  /** Cheapest-AZ Spot price in USD/hour; `null` when unknown. */
  price: number | null;
}

export interface RebalancePolicy {
  minPlacementScore: number;
  /** Fraction of the current price a move must save; 0 disables rebalancing. */
  rebalanceMinSavings: number;
}

export interface RebalanceDecision {
  /** The region to move to, or `null` to stay. */
  to: string | null;
  why: string;
}

const stay = (why: string): RebalanceDecision => ({ to: null, why });

/**
 * Whether to move from `current` to the finder's `chosen` region for its price. Unknown prices never
 * justify a move: a move costs a launch and a short overlap of two regions, so it needs a known saving.
 *
 * @example
 * shouldRebalance({ region: 'eu-west-1', score: 8, price: 0.4 },
 *   { region: 'us-west-2', status: 'RUNNING', lifecycle: 'spot', score: 8, price: 0.6 },
 *   { minPlacementScore: 3, rebalanceMinSavings: 0.15 });
 * // -> { to: 'eu-west-1', why: 'eu-west-1 at 0.4 USD/h is 33.3 % cheaper than us-west-2 at 0.6 USD/h ...' }
 */
export function shouldRebalance(
  chosen: Ranking['chosen'],
  current: RebalanceCurrent,
  policy: RebalancePolicy,
): RebalanceDecision {
  if (policy.rebalanceMinSavings <= 0) return stay('rebalancing is off (rebalanceMinSavings 0)');
  if (current.status !== 'RUNNING')
    return stay(`status ${current.status}: only a running region is rebalanced`);
  if (current.lifecycle !== 'spot') {
    return stay(`running on ${current.lifecycle ?? 'nothing'}: the revert check covers leaving on-demand`);
  }
  if (!chosen) return stay('no region chosen');
  if (chosen.region === current.region) return stay(`${current.region} is still the best region`);
  if (chosen.score < policy.minPlacementScore) {
    return stay(
      `${chosen.region} scores ${chosen.score}, below minPlacementScore ${policy.minPlacementScore}`,
    );
  }
  if (chosen.price === null) return stay(`price of ${chosen.region} unknown`);
  if (current.price === null) return stay(`price of the current region ${current.region} unknown`);
  const savings = current.price > 0 ? (current.price - chosen.price) / current.price : 0;
  const comparison = `${chosen.region} at ${chosen.price} USD/h vs ${current.region} at ${current.price} USD/h`;
  const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
  if (savings < policy.rebalanceMinSavings) {
    return stay(
      `${comparison}: saves ${percent(savings)}, below rebalanceMinSavings ${percent(policy.rebalanceMinSavings)}`,
    );
  }
  return {
    to: chosen.region,
    why: `${comparison}: saves ${percent(savings)} (rebalanceMinSavings ${percent(policy.rebalanceMinSavings)})`,
  };
}

/**
 * The regions to price when the finder is asked about a current region: the current one and those with
 * the best eligible score (the chosen region is among them; tied ones are priced anyway).
 */
export function rebalancePriceRegions(
  candidates: readonly string[],
  scores: ReadonlyMap<string, number> | null,
  minPlacementScore: number,
  currentRegion: string,
): string[] {
  if (!scores) return [];
  const eligible = candidates.filter((r) => (scores.get(r) ?? 0) >= minPlacementScore);
  const best = Math.max(...eligible.map((r) => scores.get(r)!));
  const top = eligible.filter((r) => scores.get(r) === best);
  return [...new Set([currentRegion, ...top])];
}
