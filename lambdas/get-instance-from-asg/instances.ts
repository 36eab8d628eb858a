/**
 * GetInstanceFromAsg (worker): the details of the ASG's InService instances — ids, IPs, type, AZ,
 * Spot or on-demand, launch time — as `InstanceDetail`s for the hub state and `GET /spot-instances`.
 */
import { type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import middy from '@middy/core';
import { isoUtc } from '../../core/clock.ts';
import type { InstanceDetail } from '../../core/messages.ts';
import { describeAsg } from '../shared/asg.ts';
import { lifecycleOf } from '../shared/ec2.ts';
import { instrument, makeObservability } from '../shared/observability.ts';
import type { WorkerDeps } from '../shared/worker-deps.ts';
import { InstanceDescriptionError } from './errors.ts';

function toDetail(instance: Instance): InstanceDetail {
  const id = instance.InstanceId ?? '(no id)';
  const required = <T>(value: T | undefined, field: string): T => {
    if (value === undefined || value === null)
      throw new InstanceDescriptionError(`${id}: EC2 did not return ${field}`);
    return value;
  };
  return {
    instance_id: required(instance.InstanceId, 'InstanceId'),
    public_ip: instance.PublicIpAddress ?? null,
    private_ip: instance.PrivateIpAddress ?? null,
    instance_type: required(instance.InstanceType, 'InstanceType'),
    availability_zone: required(instance.Placement?.AvailabilityZone, 'Placement.AvailabilityZone'),
    lifecycle: lifecycleOf(instance),
    launch_time: isoUtc(new Date(required(instance.LaunchTime, 'LaunchTime'))),
  };
}

/**
 * The InService instances of the worker's ASG as `InstanceDetail`s, in the ASG's order.
 *
 * @throws {AsgNotFoundError} when the ASG does not exist.
 * @throws {InstanceDescriptionError} when EC2 leaves out a field the contract needs.
 */
export async function inServiceInstances(deps: WorkerDeps): Promise<InstanceDetail[]> {
  const group = await describeAsg(deps.clients, deps.region, deps.asgName);
  const ids = (group.Instances ?? [])
    .filter((i) => i.LifecycleState === 'InService' && i.InstanceId)
    .map((i) => i.InstanceId as string);
  if (ids.length === 0) return [];

  const byId = new Map<string, InstanceDetail>();
  for await (const page of paginateDescribeInstances(
    { client: deps.clients.ec2(deps.region) },
    { InstanceIds: ids },
  )) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const detail = toDetail(instance);
        byId.set(detail.instance_id, detail);
      }
    }
  }
  // In the ASG's order; an instance EC2 no longer knows (terminated meanwhile) is left out.
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The GetInstanceFromAsg Lambda: input `{}` -> `{ instances }`. */
export function makeHandler(deps: WorkerDeps) {
  const obs = deps.observability ?? makeObservability('get-instance-from-asg');
  return middy<unknown, { instances: InstanceDetail[] }>()
    .use(instrument(obs, { staticContext: { region: deps.region, asg: deps.asgName } }))
    .handler(async () => {
      const instances = await inServiceInstances(deps);
      obs.logger.info('in-service instances', { instance: instances.map((i) => i.instance_id).join(',') });
      return { instances };
    });
}
