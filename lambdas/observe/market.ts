/**
 * The market the plan ranks by: placement scores (one GetSpotPlacementScores call for the fixed
 * configuration of every worker region, so AWS's per-24 h configuration cap is never spent twice) and the
 * current Spot price of every worker region. Refreshed when older than MARKET_REFRESH_SECONDS; a failed
 * score call keeps the stored scores for 24 h, a failed price lookup makes that price unknown.
 */
import { isoUtc } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { MARKET_REFRESH_SECONDS, type Market, seconds } from '../../core/plan/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';
import { runLimited } from '../shared/market/call.ts';
import { fetchPlacementScores } from '../shared/market/placement-scores.ts';
import { lookupSpotPrice } from '../shared/market/spot-prices.ts';
import type { Sleep } from '../shared/sleep.ts';

/** Stored scores are reused this long when AWS will not answer (its configuration cap resets daily). */
export const SCORE_REUSE_SECONDS = 24 * 3600;
/** Budget of each market call: a slow region delays the cycle by at most this. */
export const MARKET_CALL_TIMEOUT_MS = 4000;

export interface MarketLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * Whether the stored market is too old to plan with. Without any scores (AWS refused and nothing was
 * stored) every cycle asks again: no region can be chosen until it answers.
 */
export const marketIsStale = (market: Market | null, now: Date): boolean =>
  !market || market.scores === null || seconds(market.prices_at, now) >= MARKET_REFRESH_SECONDS;

/**
 * Fresh scores and prices for every worker region.
 *
 * @example
 * await refreshMarket({ clients, config }, stored, now, log); // { scores: { 'us-west-2': 9 }, prices: { 'us-west-2': 0.31 }, ... }
 */
export async function refreshMarket(
  deps: { clients: AwsClients; config: Config; sleep?: Sleep },
  stored: Market | null,
  now: Date,
  log: MarketLog,
  options: { concurrency?: number } = {},
): Promise<Market> {
  const { clients, config, sleep } = deps;
  const hub = config.hubRegion;
  const scoresTask = fetchPlacementScores(
    clients.ec2(hub),
    hub,
    {
      regions: config.workerRegions,
      instanceTypes: config.instanceTypes,
      targetCapacity: config.targetCapacity,
    },
    MARKET_CALL_TIMEOUT_MS,
    sleep,
  ).then(
    (scores) => ({ scores: Object.fromEntries(scores), scores_at: isoUtc(now) }),
    (error: unknown) => {
      const reusable = stored?.scores && seconds(stored.scores_at, now) < SCORE_REUSE_SECONDS;
      log.warn('GetSpotPlacementScores failed', { error: awsErrorName(error), reusing: reusable });
      return reusable
        ? { scores: stored.scores, scores_at: stored.scores_at }
        : { scores: null, scores_at: null };
    },
  );
  const priceTasks = config.workerRegions.map((region) => async () => {
    const lookup = await lookupSpotPrice(
      clients.ec2(region),
      region,
      config.instanceTypes,
      now,
      MARKET_CALL_TIMEOUT_MS,
      sleep,
    );
    if (!lookup.known) log.warn('Spot price unknown', { region, why: lookup.why });
    return [region, lookup.known ? lookup.price : null] as const;
  });
  // Every region at once by default; `concurrency: 1` is the sequential baseline the benchmark compares.
  const [scores, prices] = await Promise.all([
    scoresTask,
    runLimited(priceTasks, options.concurrency ?? Number.POSITIVE_INFINITY),
  ]);
  return { ...scores, prices: Object.fromEntries(prices), prices_at: isoUtc(now) };
}
