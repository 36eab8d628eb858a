/**
 * The RegionFinder adapter: gathers exclusions, placement scores and (for tied regions) Spot prices
 * through the injected clients, then hands them to the pure `rankRegions`.
 */
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import type { HubState } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import {
  candidateRegions,
  lookupScores,
  type PriceLookup,
  type Ranking,
  rankRegions,
  rebalancePriceRegions,
  regionsToPrice,
  type ScoreConfiguration,
  scoreCacheEntry,
  scoreConfigurationKey,
  shouldRebalance,
} from '../../core/ranking/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';
import { runLimited } from '../shared/market/call.ts';
import { fetchPlacementScores } from '../shared/market/placement-scores.ts';
import { lookupSpotPrice } from '../shared/market/spot-prices.ts';
import { readHubState, readScoreCache, writeScoreCache } from './hub-state.ts';
import type { FinderRequest } from './input.ts';

export type RegionFinderOutput = Ranking & {
  scores_from_cache: boolean;
  /** The region named by `current_region`, with its score and price; `null` when none was named. */
  current: { region: string; score: number | null; price: number | null } | null;
  /** Where a price rebalance should move to (`core/ranking/rebalance.ts`); `null` to stay. */
  rebalance_to: string | null;
  /** Why (not) rebalance; `null` when no `current_region` was named. */
  rebalance_why: string | null;
};

/** The logging the finder needs (the handler adapts Powertools' `Logger` to it). */
export interface FinderLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface FinderDeps {
  clients: AwsClients;
  config: Config;
  clock: Clock;
  log?: FinderLog;
}

export interface FinderOptions {
  /** Budget of each AWS call (each page counts as a call). */
  callTimeoutMs?: number;
  /** AWS calls in flight at once; 1 = one call at a time (the fan-out benchmark's baseline). */
  concurrency?: number;
  /** How old cached placement scores may be and still be reused. */
  scoreCacheTtlMs?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 4000;
/** AWS's configuration cap resets every 24 h; scores older than that are too stale to act on. */
export const DEFAULT_SCORE_CACHE_TTL_MS = 24 * 3600 * 1000;

const silent: FinderLog = { info: () => {}, warn: () => {} };

interface Scores {
  scores: Map<string, number> | null;
  fromCache: boolean;
  fresh: boolean;
}

/**
 * Ranks the worker regions and chooses one.
 *
 * Placement scores are asked for *every* worker region, not only the non-excluded ones: the request
 * configuration then stays the same while exclusions come and go, so it does not use up AWS's
 * per-24 h configuration allowance, the cached scores fit any set of exclusions, and the score call
 * need not wait for the state read. Excluded regions are dropped by the ranking.
 *
 * With `request.currentRegion` the current region and the best-scored ones are priced even without a
 * score tie, and `rebalance_to` says whether a make-before-break move is worth its price saving.
 *
 * @example
 * const result = await findRegion({ clients: awsClients(), config, clock: systemClock });
 * result.chosen?.region; // 'us-west-2'
 */
export async function findRegion(
  deps: FinderDeps,
  options: FinderOptions = {},
  request: FinderRequest = {},
): Promise<RegionFinderOutput> {
  const { clients, config, clock } = deps;
  const log = deps.log ?? silent;
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  const ttlMs = options.scoreCacheTtlMs ?? DEFAULT_SCORE_CACHE_TTL_MS;
  const hub = config.hubRegion;
  const n = names(config.prefix);
  const now = clock.now();
  const ssm = clients.ssm(hub);

  const configuration: ScoreConfiguration = {
    regions: config.workerRegions,
    instanceTypes: config.instanceTypes,
    targetCapacity: config.targetCapacity,
  };
  const cacheKey = scoreConfigurationKey(configuration);

  const getScores = async (): Promise<Scores> => {
    try {
      const scores = await fetchPlacementScores(clients.ec2(hub), hub, configuration, timeoutMs);
      return { scores, fromCache: false, fresh: true };
    } catch (error) {
      log.warn('GetSpotPlacementScores failed; trying cached scores', {
        error: awsErrorName(error),
        message: (error as Error).message,
      });
    }
    try {
      const cached = lookupScores(
        await readScoreCache(ssm, hub, n.scoreCacheParameter, timeoutMs),
        cacheKey,
        now,
        ttlMs,
      );
      if (cached) {
        log.info('using cached placement scores', { fetched_at: cached.fetchedAt });
        return { scores: cached.scores, fromCache: true, fresh: false };
      }
    } catch (error) {
      log.warn('placement-score cache unreadable', { error: awsErrorName(error) });
    }
    return { scores: null, fromCache: false, fresh: false };
  };

  let hubState: HubState | null = null;
  let scores: Scores = { scores: null, fromCache: false, fresh: false };
  await runLimited<void>(
    [
      async () => {
        hubState = await readHubState(ssm, hub, n.stateParameter, timeoutMs);
      },
      async () => {
        scores = await getScores();
      },
    ],
    concurrency,
  );

  const exclusions = (hubState as HubState | null)?.excluded_regions ?? [];
  const { currentRegion } = request;
  const candidates = candidateRegions(config.workerRegions, exclusions, now);
  const toPrice = new Set(regionsToPrice(candidates, scores.scores, config));
  if (currentRegion) {
    for (const region of rebalancePriceRegions(
      candidates,
      scores.scores,
      config.minPlacementScore,
      currentRegion,
    ))
      toPrice.add(region);
  }
  const prices = new Map<string, PriceLookup>();
  const priceTasks = [...toPrice].map((region) => async () => {
    prices.set(
      region,
      await lookupSpotPrice(clients.ec2(region), region, config.instanceTypes, now, timeoutMs),
    );
  });
  const freshScores = scores.fresh ? scores.scores : null;
  const cacheTask = async () => {
    if (!freshScores || freshScores.size === 0) return;
    try {
      await writeScoreCache(
        ssm,
        hub,
        n.scoreCacheParameter,
        scoreCacheEntry(cacheKey, freshScores, now),
        timeoutMs,
      );
    } catch (error) {
      // The cache is only a fallback: failing to refresh it must not fail today's decision.
      log.warn('could not store placement scores', { error: awsErrorName(error) });
    }
  };
  await runLimited<void>([...priceTasks, cacheTask], concurrency);

  const ranking = rankRegions({
    workerRegions: config.workerRegions,
    exclusions,
    now,
    scores: scores.scores,
    prices,
    minPlacementScore: config.minPlacementScore,
    maxSpotPrice: config.maxSpotPrice,
  });
  if (!currentRegion) {
    return {
      ...ranking,
      scores_from_cache: scores.fromCache,
      current: null,
      rebalance_to: null,
      rebalance_why: null,
    };
  }
  const currentPrice = prices.get(currentRegion);
  const current = {
    region: currentRegion,
    score: scores.scores?.get(currentRegion) ?? null,
    price: currentPrice?.known ? currentPrice.price : null,
  };
  const state = hubState as HubState | null;
  // The hub state must agree that this region runs on Spot: a stale caller never triggers a move.
  const running = state?.region === currentRegion;
  const decision = shouldRebalance(
    ranking.chosen,
    { ...current, status: running ? state.status : 'DISABLED', lifecycle: running ? state.lifecycle : null },
    config,
  );
  return {
    ...ranking,
    scores_from_cache: scores.fromCache,
    current,
    rebalance_to: decision.to,
    rebalance_why: decision.why,
  };
}
