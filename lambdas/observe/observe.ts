/**
 * Observe (hub, first step of every Orchestrator cycle): the state table in one read, every worker
 * region in parallel through its own clients, the market when it is stale. Returns the Observation the
 * pure planner decides on; it changes nothing but the market cache.
 */
import middy from '@middy/core';
import { isoUtc } from '../../core/clock.ts';
import { names } from '../../core/naming.ts';
import type { Observation, Spec } from '../../core/plan/index.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { StateTable } from '../shared/state-table.ts';
import { observeEndpoints } from './endpoints.ts';
import { marketIsStale, refreshMarket } from './market.ts';
import { observeRegion } from './region.ts';

/** What the table holds before the first toggle: disabled, generation 0. */
export const NO_SPEC: Spec = {
  enabled: false,
  teardown: false,
  generation: 0,
  updated_at: '1970-01-01T00:00:00Z',
};

/**
 * One observation of the whole deployment.
 *
 * @example
 * const observation = await observeAll(deps, obs);
 * observation.regions.map((r) => r.ok); // [true, true, false] (the third region's calls failed this cycle)
 */
export async function observeAll(deps: HandlerDeps, obs: Observability): Promise<Observation> {
  const { clients, config, clock } = deps;
  const now = clock.now();
  const table = new StateTable(deps);
  const n = names(config.prefix);
  const regionsTask = Promise.all(
    config.workerRegions.map((region) =>
      observeRegion(clients, { region, asgName: n.autoScalingGroup, clusterName: n.ecsCluster }, now),
    ),
  );
  const endpointsTask = deps.endpoint ? observeEndpoints(clients, deps.endpoint) : undefined;
  const snapshot = await table.snapshot();
  let market = snapshot.market;
  if (marketIsStale(market, now)) {
    market = await refreshMarket(deps, market, now, obs.logger);
    try {
      await table.putMarket(market);
    } catch (error) {
      // Only a cache: failing to store it must not cost the cycle.
      obs.logger.warn('could not store the market', { error: error as Error });
    }
  }
  const regions = await regionsTask;
  for (const r of regions)
    if (!r.ok) obs.logger.warn('region unknown this cycle', { worker_region: r.region, error: r.error });
  const endpoints = await endpointsTask;
  if (endpoints && !endpoints.ok) obs.logger.warn('endpoint unknown this cycle', { error: endpoints.error });
  return {
    at: isoUtc(now),
    spec: snapshot.spec ?? NO_SPEC,
    status: snapshot.status,
    signals: snapshot.signals,
    wakes: snapshot.wakes,
    market: market ?? { scores: null, scores_at: null, prices: {}, prices_at: null },
    regions,
    ...(endpoints && { endpoints }),
  };
}

/** The Observe Lambda (input `{ execution, run, cycle }`, all optional: it observes the same either way). */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('observe');
  return middy<unknown, Observation>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(async () => {
      const observation = await observeAll(deps, obs);
      obs.logger.info('observed', {
        signals: observation.signals.length,
        unknown: observation.regions.filter((r) => !r.ok).map((r) => r.region),
        generation: observation.spec.generation,
      });
      return observation;
    });
}
