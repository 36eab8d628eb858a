/**
 * Carries out the plan's endpoint updates on Global Accelerator (its API in us-west-2): AddEndpoints,
 * UpdateEndpointGroup (the whole endpoint list with the new weights) and RemoveEndpoints, at most 10
 * endpoints per AddEndpoints / RemoveEndpoints call (API Reference). A failed call is logged and left
 * to the next cycle, which observes the group again and plans from what it finds (level-triggered).
 */
import {
  AddEndpointsCommand,
  RemoveEndpointsCommand,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { GLOBAL_ACCELERATOR_REGION } from '../../core/endpoint.ts';
import { ENDPOINT_WEIGHT, type EndpointUpdate } from '../../core/plan/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';
import type { Observability } from '../shared/observability.ts';

/** AddEndpoints and RemoveEndpoints take 1-10 endpoints a call. */
const MAX_ENDPOINTS_PER_CALL = 10;

const chunks = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / MAX_ENDPOINTS_PER_CALL) }, (_, i) =>
    items.slice(i * MAX_ENDPOINTS_PER_CALL, (i + 1) * MAX_ENDPOINTS_PER_CALL),
  );

async function apply(clients: AwsClients, action: EndpointUpdate): Promise<void> {
  const ga = clients.globalAccelerator(GLOBAL_ACCELERATOR_REGION);
  const group = action.group_arn;
  if (action.kind === 'endpoint-add') {
    for (const ids of chunks(action.instance_ids)) {
      await ga.send(
        new AddEndpointsCommand({
          EndpointGroupArn: group,
          EndpointConfigurations: ids.map((id) => ({ EndpointId: id, Weight: ENDPOINT_WEIGHT })),
        }),
      );
    }
  } else if (action.kind === 'endpoint-weight') {
    await ga.send(
      new UpdateEndpointGroupCommand({
        EndpointGroupArn: group,
        EndpointConfigurations: action.endpoints.map((e) => ({ EndpointId: e.id, Weight: e.weight })),
      }),
    );
  } else {
    for (const ids of chunks(action.instance_ids)) {
      await ga.send(
        new RemoveEndpointsCommand({
          EndpointGroupArn: group,
          EndpointIdentifiers: ids.map((id) => ({ EndpointId: id })),
        }),
      );
    }
  }
}

/**
 * Applies each endpoint update in order; returns how many failed (each is logged).
 *
 * @example
 * await applyEndpointUpdates(clients, obs, [{ kind: 'endpoint-add', region: 'us-west-2', group_arn, instance_ids: ['i-1'], why: 'ready replica' }]); // 0
 */
export async function applyEndpointUpdates(
  clients: AwsClients,
  obs: Observability,
  actions: readonly EndpointUpdate[],
): Promise<number> {
  let failed = 0;
  for (const action of actions) {
    try {
      await apply(clients, action);
      obs.logger.info('endpoint updated', {
        worker_region: action.region,
        kind: action.kind,
        why: action.why,
      });
    } catch (error) {
      failed++;
      obs.logger.warn('endpoint update failed', {
        worker_region: action.region,
        kind: action.kind,
        error: `${awsErrorName(error)}: ${(error as Error).message}`,
      });
    }
  }
  return failed;
}
