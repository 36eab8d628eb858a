/**
 * The RegionFinder adapter: gathers exclusions, placement scores and (for tied regions) Spot prices
 * through the injected clients, then hands them to the pure `rankRegions`.
 */
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import type { Exclusion } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import {
  candidateRegions,
  lookupScores,
  type PriceLookup,
  type Ranking,
  rankRegions,
  regionsToPrice,
  type ScoreConfiguration,
  scoreCacheEntry,
  scoreConfigurationKey,
} from '../../core/ranking/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';
import { runLimited } from './call.ts';
import { readExclusions, readScoreCache, writeScoreCache } from './hub-state.ts';
import { fetchPlacementScores } from './placement-scores.ts';
import { lookupSpotPrice } from './spot-prices.ts';

export type RegionFinderOutput = Ranking & { scores_from_cache: boolean };

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
 * @example
 * const result = await findRegion({ clients: awsClients(), config, clock: systemClock });
 * result.chosen?.region; // 'us-west-2'
 */
export async function findRegion(deps: FinderDeps, options: FinderOptions = {}): Promise<RegionFinderOutput> {
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

  let exclusions: Exclusion[] = [];
  let scores: Scores = { scores: null, fromCache: false, fresh: false };
  await runLimited<void>(
    [
      async () => {
        exclusions = await readExclusions(ssm, hub, n.stateParameter, timeoutMs);
      },
      async () => {
        scores = await getScores();
      },
    ],
    concurrency,
  );

  const candidates = candidateRegions(config.workerRegions, exclusions, now);
  const toPrice = regionsToPrice(candidates, scores.scores, config);
  const prices = new Map<string, PriceLookup>();
  const priceTasks = toPrice.map((region) => async () => {
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
  return { ...ranking, scores_from_cache: scores.fromCache };
}
