/** Region ranking for the RegionFinder: pure functions over scores, prices, exclusions and time. */
export { activeExclusions, candidateRegions } from './exclusions.ts';
export {
  type CheapestPrice,
  cheapestLatestPrice,
  LINUX_PRODUCT_DESCRIPTIONS,
  parseSpotPrice,
  type SpotPriceRecord,
} from './prices.ts';
export {
  NO_CHOICE_REASONS,
  type NoChoiceReason,
  type PriceLookup,
  type RankedRegion,
  type RankInput,
  type Ranking,
  type RankingPolicy,
  rankRegions,
  regionsToPrice,
} from './rank.ts';
export {
  type RebalanceCurrent,
  type RebalanceDecision,
  type RebalancePolicy,
  rebalancePriceRegions,
  shouldRebalance,
} from './rebalance.ts';
export {
  lookupScores,
  parseScoreCache,
  type ScoreCache,
  type ScoreConfiguration,
  scoreCacheEntry,
  scoreCacheSchema,
  scoreConfigurationKey,
} from './score-cache.ts';
