/** Builds the RegionFinder Lambda handler (middy + Powertools Logger) from injected dependencies. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type FinderDeps, type FinderOptions, findRegion, type RegionFinderOutput } from './find-region.ts';

export interface RegionFinderDeps extends Omit<FinderDeps, 'log'> {
  logger?: Logger;
  options?: FinderOptions;
}

/**
 * The handler takes `{}` (it reads exclusions from the hub state itself) and returns
 * `{ chosen, reason, ranked, scores_from_cache }`.
 *
 * @example
 * export const handler = makeHandler({ clients: awsClients(), config, clock: systemClock });
 */
export const makeHandler = (deps: RegionFinderDeps) => {
  const logger = deps.logger ?? new Logger({ serviceName: 'spotplane-region-finder' });
  const log = {
    info: (message: string, extra: Record<string, unknown>) => logger.info(message, extra),
    warn: (message: string, extra: Record<string, unknown>) => logger.warn(message, extra),
  };
  const find = async (_event: unknown, _context: Context): Promise<RegionFinderOutput> => {
    const result = await findRegion({ ...deps, log }, deps.options);
    logger.info('region finder result', {
      chosen: result.chosen,
      reason: result.reason,
      scores_from_cache: result.scores_from_cache,
      ranked: result.ranked,
    });
    return result;
  };
  return middy(find).use(injectLambdaContext(logger));
};
