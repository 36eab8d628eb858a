/** Builds the RegionFinder Lambda handler (middy + Powertools) from injected dependencies. */
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { HandlerDeps } from '../shared/deps.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { type FinderOptions, findRegion, type RegionFinderOutput } from './find-region.ts';
import { parseFinderInput } from './input.ts';

export interface RegionFinderDeps extends HandlerDeps {
  /** A logger to use instead of the observability's (LocalCloud and older callers pass one). */
  logger?: Logger;
  options?: FinderOptions;
}

/**
 * The handler takes `{}` (it reads exclusions from the hub state itself) or `{ current_region }` and returns
 * `{ chosen, reason, ranked, scores_from_cache, current, rebalance_to, rebalance_why }`.
 *
 * @example
 * export const handler = makeHandler({ clients: awsClients(), config, clock: systemClock });
 */
export const makeHandler = (deps: RegionFinderDeps) => {
  const base = deps.observability ?? makeObservability('region-finder');
  const obs: Observability = { ...base, logger: deps.logger ?? base.logger };
  const { logger } = obs;
  const log = {
    info: (message: string, extra: Record<string, unknown>) => logger.info(message, extra),
    warn: (message: string, extra: Record<string, unknown>) => logger.warn(message, extra),
  };
  return middy<unknown, RegionFinderOutput>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(async (event) => {
      const request = parseFinderInput(event);
      const result = await findRegion({ ...deps, log }, deps.options, request);
      logger.info('region finder result', {
        chosen: result.chosen,
        reason: result.reason,
        scores_from_cache: result.scores_from_cache,
        ranked: result.ranked,
        ...(request.currentRegion && {
          current: result.current,
          rebalance_to: result.rebalance_to,
          rebalance_why: result.rebalance_why,
        }),
      });
      return result;
    });
};
