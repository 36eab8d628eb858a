/** The RegionFinder Lambda: ranks worker regions by placement score, then numeric Spot price. */

export { MAX_CONFIG_LIMIT_EXCEEDED } from '../shared/market/placement-scores.ts';
export { FinderInputError } from './errors.ts';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_SCORE_CACHE_TTL_MS,
  type FinderDeps,
  type FinderLog,
  type FinderOptions,
  findRegion,
  type RegionFinderOutput,
} from './find-region.ts';
export { type FinderRequest, parseFinderInput } from './input.ts';
export { makeHandler, type RegionFinderDeps } from './make-handler.ts';
