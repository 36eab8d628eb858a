/**
 * `POST /spot-provisioning`: writes what the user asked into `spec` (conditional on the generation read),
 * then makes sure one Orchestrator runs and wakes it. It never waits for workers and never stops
 * executions: the Orchestrator observes and converges (docs/DESIGN.md "The hub's control loop").
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isoUtc } from '../../core/clock.ts';
import { parseJsonBody, type Route, toggleRequestSchema } from '../../core/http.ts';
import type { Spec } from '../../core/plan/index.ts';
import { apiGatewayHandler } from '../shared/http.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { ensureOrchestrator, type OrchestratorDeps } from '../shared/orchestrator.ts';
import { StateTable } from '../shared/state-table.ts';
import { wakeOrchestrator } from '../shared/wake.ts';

export type ToggleDeps = OrchestratorDeps;

/** The next spec: what was asked, one generation further. */
export const nextSpec = (
  current: Spec | null,
  asked: { enabled: boolean; teardown: boolean },
  now: Date,
): Spec => ({
  enabled: asked.enabled,
  teardown: asked.enabled ? false : asked.teardown,
  generation: (current?.generation ?? 0) + 1,
  updated_at: isoUtc(now),
});

function describe(spec: Spec): string {
  if (spec.enabled) return 'Provisioning enabled';
  return spec.teardown
    ? 'Provisioning disabled, teardown requested: every worker region is being torn down (status TEARING_DOWN until each is observed empty)'
    : 'Provisioning disabled; instances already running are left running (use "teardown": true to remove them)';
}

/**
 * Records the request and brings the Orchestrator to it.
 *
 * @example
 * await toggle(deps, obs, { action: 'enable', teardown: false }); // 'Provisioning enabled; orchestration ... started.'
 */
export async function toggle(
  deps: ToggleDeps,
  obs: Observability,
  asked: { action: 'enable' | 'disable'; teardown: boolean },
): Promise<string> {
  const table = new StateTable(deps);
  const spec = await table.writeSpec((current, now) =>
    nextSpec(current, { enabled: asked.action === 'enable', teardown: asked.teardown }, now),
  );
  const ensured = await ensureOrchestrator(deps, table);
  if ('started' in ensured) {
    obs.logger.info('orchestration started', { execution: ensured.started, generation: spec.generation });
    return `${describe(spec)}; orchestration ${ensured.started} started.`;
  }
  const { delivered } = await wakeOrchestrator(deps, table, 'toggled', obs.logger);
  obs.logger.info('orchestration woken', {
    execution: ensured.running,
    generation: spec.generation,
    delivered,
  });
  return `${describe(spec)}; the running orchestration (${ensured.running}) takes it up now, no second one was started.`;
}

/** The `POST /spot-provisioning` route; LocalCloud's API and the Lambda share it. */
export function toggleRoutes(deps: ToggleDeps, obs: Observability): Route[] {
  return [
    {
      method: 'POST',
      path: '/spot-provisioning',
      handle: async (request) => ({
        body: { message: await toggle(deps, obs, parseJsonBody(request, toggleRequestSchema)) },
      }),
    },
  ];
}

/**
 * The ToggleProvisioning Lambda: an API Gateway HTTP API (v2) handler.
 *
 * @example
 * makeHandler({ clients: awsClients(), config, clock: systemClock, orchestratorArn });
 */
export function makeHandler(deps: ToggleDeps) {
  const obs = deps.observability ?? makeObservability('toggle-provisioning');
  const routes = toggleRoutes(deps, obs);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(
      apiGatewayHandler(routes, (error) => obs.logger.error('unexpected error', { error: error as Error })),
    );
}
