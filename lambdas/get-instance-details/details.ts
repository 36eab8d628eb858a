/**
 * `GET /spot-instances`: the spec and the Orchestrator's last status, read from the state table on every
 * request (no cache), combined by the pure `publicStatus` (a spec newer than the status shows at once).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Route } from '../../core/http.ts';
import { publicStatus } from '../../core/plan/index.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { apiGatewayHandler } from '../shared/http.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { StateTable } from '../shared/state-table.ts';

/** The `GET /spot-instances` route; LocalCloud's API and the Lambda share it. */
export function detailsRoutes(deps: HandlerDeps): Route[] {
  const table = new StateTable(deps);
  return [
    {
      method: 'GET',
      path: '/spot-instances',
      handle: async () => {
        const [spec, status] = await Promise.all([table.spec(), table.status()]);
        return {
          body: publicStatus({
            spec,
            status,
            now: deps.clock.now(),
            config: deps.config,
            endpoint: deps.endpoint?.url ?? null,
          }),
        };
      },
    },
  ];
}

/** The GetInstanceDetails Lambda: an API Gateway HTTP API (v2) handler answering the contract's 200/404/405. */
export function makeHandler(deps: HandlerDeps) {
  const obs: Observability = deps.observability ?? makeObservability('get-instance-details');
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(
      apiGatewayHandler(detailsRoutes(deps), (error) =>
        obs.logger.error('unexpected error', { error: error as Error }),
      ),
    );
}
