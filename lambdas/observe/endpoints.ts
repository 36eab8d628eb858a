/**
 * The stable endpoint as it is: each worker region's Global Accelerator endpoint group, with every
 * endpoint's weight and health (DescribeEndpointGroup, through us-west-2 where GA's API answers). Any
 * failing call makes the endpoint unknown this cycle: the plan then changes nothing about it.
 */
import { DescribeEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { GLOBAL_ACCELERATOR_REGION, type StableEndpointRef } from '../../core/endpoint.ts';
import type { EndpointsObservation, ObservedEndpoint } from '../../core/plan/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';

const HEALTH: readonly ObservedEndpoint['health'][] = ['INITIAL', 'HEALTHY', 'UNHEALTHY'];

/**
 * Reads every endpoint group of the deployment.
 *
 * @example
 * await observeEndpoints(clients, { url, groups: { 'us-west-2': 'arn:aws:globalaccelerator::...' } });
 * // { ok: true, groups: [{ region: 'us-west-2', arn: '...', endpoints: [{ id: 'i-0abc', weight: 128, health: 'HEALTHY' }] }] }
 */
export async function observeEndpoints(
  clients: AwsClients,
  endpoint: StableEndpointRef,
): Promise<EndpointsObservation> {
  const ga = clients.globalAccelerator(GLOBAL_ACCELERATOR_REGION);
  try {
    const groups = await Promise.all(
      Object.entries(endpoint.groups).map(async ([region, arn]) => {
        const out = await ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: arn }));
        const endpoints = (out.EndpointGroup?.EndpointDescriptions ?? []).map((e) => ({
          id: e.EndpointId ?? '',
          // GA's default weight when none was given (API Reference, EndpointConfiguration.Weight).
          weight: e.Weight ?? 128,
          health: HEALTH.find((h) => h === e.HealthState) ?? 'INITIAL',
        }));
        return { region, arn, endpoints };
      }),
    );
    return { ok: true, groups };
  } catch (error) {
    return { ok: false, error: `${awsErrorName(error)}: ${(error as Error).message}` };
  }
}
