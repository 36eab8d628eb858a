/**
 * One worker region as it is: the Auto Scaling group (desired capacity, on-demand base, the fence tag),
 * every instance of the group (EC2 state, lifecycle, why it ended), the live ECS tasks and which instance
 * each runs on, and the group's failed scaling activities of the last hour. Any failing call makes the
 * whole region "unknown" for this cycle: never read as empty.
 */
import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import { type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  paginateListTasks,
  type Task,
} from '@aws-sdk/client-ecs';
import { isoUtc } from '../../core/clock.ts';
import { isHeld } from '../../core/launch-progress.ts';
import { launchErrorFromMessage } from '../../core/launch-status.ts';
import type {
  ObservedInstance,
  ObservedTask,
  RegionObservation,
  ScalingFailure,
  SeenRegion,
} from '../../core/plan/index.ts';
import { awsErrorName } from '../shared/aws-errors.ts';
import type { AwsClients } from '../shared/clients.ts';
import { lifecycleOf } from '../shared/ec2.ts';

/** The ASG tag the worker keeps its fence in (docs/DESIGN.md "Fence and absolute desired state"). */
export const INTENT_TAG = 'spotplane:intent';
/** Failed scaling activities older than this are history, not news. */
const FAILURE_WINDOW_MS = 3600_000;
/** DescribeTasks and DescribeContainerInstances take at most 100 references per call. */
const DESCRIBE_BATCH = 100;
const FAILED_ACTIVITY = new Set(['Failed', 'Cancelled']);

export interface RegionTarget {
  region: string;
  asgName: string;
  clusterName: string;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

function asgOf(group: AutoScalingGroup | undefined): SeenRegion['asg'] {
  if (!group) return { exists: false, desired: 0, on_demand_base: 0, intent: null };
  const tag = group.Tags?.find((t) => t.Key === INTENT_TAG)?.Value;
  const intent = tag !== undefined && /^\d+$/.test(tag.trim()) ? Number(tag) : null;
  return {
    exists: true,
    desired: group.DesiredCapacity ?? 0,
    on_demand_base: group.MixedInstancesPolicy?.InstancesDistribution?.OnDemandBaseCapacity ?? 0,
    intent,
    held: (group.Instances ?? []).filter((i) => isHeld(i.LifecycleState ?? '')).length,
  };
}

async function describeGroup(clients: AwsClients, t: RegionTarget): Promise<AutoScalingGroup | undefined> {
  const out = await clients
    .autoScaling(t.region)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.asgName] }));
  return out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === t.asgName);
}

/** Every instance the group launched, terminated ones included (EC2 keeps them visible for a while). */
async function describeInstances(clients: AwsClients, t: RegionTarget): Promise<Instance[]> {
  const found: Instance[] = [];
  const pages = paginateDescribeInstances(
    { client: clients.ec2(t.region) },
    { Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [t.asgName] }] },
  );
  for await (const page of pages) {
    for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
  }
  return found;
}

/** Live tasks (desired RUNNING, and stopping ones not yet STOPPED), with the EC2 instance each runs on. */
async function describeTasks(clients: AwsClients, t: RegionTarget): Promise<ObservedTask[]> {
  const ecs = clients.ecs(t.region);
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    for await (const page of paginateListTasks({ client: ecs }, { cluster: t.clusterName, desiredStatus })) {
      arns.push(...(page.taskArns ?? []));
    }
  }
  const tasks: Task[] = [];
  for (const batch of chunks(arns, DESCRIBE_BATCH)) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster: t.clusterName, tasks: batch }));
    tasks.push(...(out.tasks ?? []).filter((task) => task.lastStatus !== 'STOPPED'));
  }
  const containerInstances = [...new Set(tasks.flatMap((task) => task.containerInstanceArn ?? []))];
  const ec2Of = new Map<string, string>();
  for (const batch of chunks(containerInstances, DESCRIBE_BATCH)) {
    const out = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: t.clusterName, containerInstances: batch }),
    );
    for (const ci of out.containerInstances ?? []) {
      if (ci.containerInstanceArn && ci.ec2InstanceId) ec2Of.set(ci.containerInstanceArn, ci.ec2InstanceId);
    }
  }
  return tasks.map((task) => ({
    task_arn: task.taskArn ?? '',
    instance_id: task.containerInstanceArn ? (ec2Of.get(task.containerInstanceArn) ?? null) : null,
    last_status: task.lastStatus ?? 'UNKNOWN',
    health: task.healthStatus ?? null,
  }));
}

async function recentFailures(clients: AwsClients, t: RegionTarget, now: Date): Promise<ScalingFailure[]> {
  const out = await clients
    .autoScaling(t.region)
    .send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: t.asgName, MaxRecords: 20 }));
  return (out.Activities ?? [])
    .filter((a) => FAILED_ACTIVITY.has(a.StatusCode ?? '') && a.StartTime)
    .filter((a) => now.getTime() - new Date(a.StartTime!).getTime() <= FAILURE_WINDOW_MS)
    .map((a) => ({
      at: isoUtc(new Date(a.StartTime!)),
      code: launchErrorFromMessage(a.StatusMessage ?? ''),
      message: a.StatusMessage ?? '',
    }));
}

function toObserved(
  instance: Instance,
  group: AutoScalingGroup | undefined,
  tasks: readonly ObservedTask[],
): ObservedInstance {
  const id = instance.InstanceId ?? '';
  const member = group?.Instances?.find((m) => m.InstanceId === id);
  const task = tasks.find((t) => t.instance_id === id) ?? null;
  const state = instance.State?.Name ?? 'unknown';
  return {
    instance_id: id,
    instance_type: instance.InstanceType ?? 'unknown',
    availability_zone: instance.Placement?.AvailabilityZone ?? 'unknown',
    lifecycle: lifecycleOf(instance),
    state,
    lifecycle_state: member?.LifecycleState ?? null,
    public_ip: instance.PublicIpAddress ?? null,
    private_ip: instance.PrivateIpAddress ?? null,
    launch_time: isoUtc(instance.LaunchTime ? new Date(instance.LaunchTime) : new Date(0)),
    termination_reason: instance.StateReason?.Code ?? null,
    task_status: task?.last_status ?? null,
    health: task?.health ?? null,
    ready: state === 'running' && task?.last_status === 'RUNNING' && task.health === 'HEALTHY',
  };
}

/**
 * Observes one worker region through its own clients.
 *
 * @example
 * await observeRegion(clients, { region: 'us-west-2', asgName: 'spotplane-gpu', clusterName: 'spotplane-cluster' }, now);
 * // { region: 'us-west-2', ok: true, asg: { exists: true, desired: 1, ... }, instances: [...], tasks: [...], failures: [] }
 */
export async function observeRegion(
  clients: AwsClients,
  target: RegionTarget,
  now: Date,
): Promise<RegionObservation> {
  try {
    const [group, instances, tasks, failures] = await Promise.all([
      describeGroup(clients, target),
      describeInstances(clients, target),
      describeTasks(clients, target),
      recentFailures(clients, target, now),
    ]);
    return {
      region: target.region,
      ok: true,
      asg: asgOf(group),
      instances: instances.map((i) => toObserved(i, group, tasks)),
      tasks,
      failures,
    };
  } catch (error) {
    return { region: target.region, ok: false, error: `${awsErrorName(error)}: ${(error as Error).message}` };
  }
}
