/**
 * `POST /spot-provisioning`: switches provisioning on (one Orchestrator execution, never two) or off
 * (every execution stopped, on every page; with `teardown`, every worker region asked to tear down).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parseJsonBody, type Route, toggleRequestSchema } from '../../core/http.ts';
import { isoUtc, provisioningDisabled, provisioningEnabled } from '../../core/state.ts';
import { isAwsError } from '../shared/aws-errors.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { apiGatewayHandler } from '../shared/http.ts';
import { HubStore } from '../shared/hub-store.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { firstRunningExecution, keepOldestExecution, stopAllExecutions } from './executions.ts';
import { requestTeardown } from './teardown-events.ts';

export interface ToggleDeps extends HandlerDeps {
  orchestratorArn: string;
}

/** Execution names allow no ":" or "."; one per millisecond, so a double click collides instead of forking. */
const executionName = (now: Date) => `enable-${isoUtc(now).replace(/[-:]/g, '')}-${now.getUTCMilliseconds()}`;

async function enable(deps: ToggleDeps, obs: Observability): Promise<string> {
  const sfn = deps.clients.sfn(deps.config.hubRegion);
  const store = new HubStore(deps);

  const running = await firstRunningExecution(sfn, deps.orchestratorArn);
  if (running) {
    await store.writeProvisioning('enabled');
    return `Provisioning is already enabled and an orchestration is running (${running}); no second one was started.`;
  }

  // State first: the Orchestrator reads it as its first step.
  await store.writeProvisioning('enabled');
  const state = await store.update(provisioningEnabled);
  try {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.orchestratorArn,
        name: executionName(deps.clock.now()),
        input: JSON.stringify({}),
      }),
    );
    obs.logger.info('orchestration started', { execution: started.executionArn });
    const kept = await keepOldestExecution(sfn, deps.orchestratorArn);
    if (kept !== null && kept !== started.executionArn) {
      obs.logger.warn('a concurrent enable won; stopped ours', { execution: started.executionArn, kept });
      return `Provisioning is already enabled and an orchestration is running (${kept}); no second one was started.`;
    }
    const pending =
      state.teardown_pending.length > 0
        ? ` Teardown still pending in ${state.teardown_pending.join(', ')}.`
        : '';
    return `Provisioning enabled; orchestration started (${started.executionArn}).${pending}`;
  } catch (error) {
    if (!isAwsError(error, 'ExecutionAlreadyExists')) throw error;
    return 'Provisioning is already enabled and an orchestration was just started; no second one was started.';
  }
}

async function disable(deps: ToggleDeps, teardown: boolean, obs: Observability): Promise<string> {
  const store = new HubStore(deps);
  const sfn = deps.clients.sfn(deps.config.hubRegion);

  // Provisioning off first, so an Orchestrator step between our listing and stopping stops by itself.
  await store.writeProvisioning('disabled');
  const stopped = await stopAllExecutions(sfn, deps.orchestratorArn, 'provisioning disabled via the API');
  obs.logger.info('orchestrations stopped', { stopped: stopped.length });
  const stoppedText = `stopped ${stopped.length} orchestration${stopped.length === 1 ? '' : 's'}`;

  if (!teardown) {
    await store.update((state, now) => provisioningDisabled(state, now, []));
    return `Provisioning disabled; ${stoppedText}. Instances already running were left running (use "teardown": true to remove them).`;
  }

  const regions = deps.config.workerRegions;
  await store.update((state, now) => provisioningDisabled(state, now, regions));
  // The hub rules are always on (the stacks create them ENABLED): they carry the requests out and the
  // confirmations back, and no EnableRule races the first request (a rule change is not immediate).
  await requestTeardown(deps.clients, deps.config, regions);
  return `Provisioning disabled; ${stoppedText}; teardown requested in ${regions.join(', ')}. Status is TEARING_DOWN until every region confirms.`;
}

/** The `POST /spot-provisioning` route; LocalCloud's API and the Lambda share it. */
export function toggleRoutes(deps: ToggleDeps, obs: Observability): Route[] {
  return [
    {
      method: 'POST',
      path: '/spot-provisioning',
      handle: async (request) => {
        const body = parseJsonBody(request, toggleRequestSchema);
        const message =
          body.action === 'enable' ? await enable(deps, obs) : await disable(deps, body.teardown, obs);
        return { body: { message } };
      },
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
