/**
 * `GET /spot-instances`: the live hub state as the public contract shows it. Read from SSM on every
 * request (no cache), so a finished teardown is visible at once.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Route } from '../../core/http.ts';
import { publicStatus } from '../../core/state.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { apiGatewayHandler } from '../shared/http.ts';
import { HubStore } from '../shared/hub-store.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';

/** The `GET /spot-instances` route; LocalCloud's API and the Lambda share it. */
export function detailsRoutes(deps: HandlerDeps): Route[] {
  const store = new HubStore(deps);
  return [
    {
      method: 'GET',
      path: '/spot-instances',
      handle: async () => {
        const { provisioning, state } = await store.snapshot();
        return { body: publicStatus(provisioning, state, deps.clock.now()) };
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
