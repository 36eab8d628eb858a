/**
 * AsgLaunchStatus (worker): polled by LaunchInstance. Reads the ASG and its scaling activities since the launch
 * began, the cluster's container instances (registered by their agent some time after InService) and
 * spotplane's tasks, and lets the pure `decideLaunchProgress` say READY, WAIT (in which phase), PLACE (how many
 * tasks to start now) or FAILED — so a capacity error ends the launch at once, and RunTask is only called when
 * a registered instance is free for it.
 */
import { type Activity, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import middy from '@middy/core';
import { z } from 'zod';
import { describeIssues } from '../../core/config.ts';
import {
  type ContainerInstanceView,
  decideLaunchProgress,
  type LaunchProgress,
  type TaskView,
} from '../../core/launch-progress.ts';
import type { ScalingActivity } from '../../core/launch-status.ts';
import type { Lifecycle } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import { describeAsg } from '../shared/asg.ts';
import { lifecycleOf } from '../shared/ec2.ts';
import { instrument, makeObservability } from '../shared/observability.ts';
import type { WorkerDeps } from '../shared/worker-deps.ts';
import { LaunchStatusInputError } from './errors.ts';

const inputSchema = z.object({
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time such as 2026-11-24T10:00:00Z'),
  /** Replicas wanted in the region; the group's desired capacity when omitted. */
  want: z.int().min(0).optional(),
  /** GPUs one task reserves (0 for a Neuron task). */
  gpus: z.int().min(0).default(1),
  execution: z.string().optional(),
  /** The request's split, sent when it shrinks the group: the answer then names the `surplus` by purchase option. */
  desired: z.object({ spot: z.int().min(0), on_demand: z.int().min(0) }).optional(),
});

/** Activities come newest first; more than this many pages back is older than any launch we wait for. */
const MAX_ACTIVITY_PAGES = 5;
/** What LaunchInstance passes as RunTask's StartedBy: the tasks this Lambda counts. */
export const STARTED_BY = 'spotplane';

async function activitiesSince(deps: WorkerDeps, since: Date): Promise<ScalingActivity[]> {
  const found: ScalingActivity[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
    const out = await deps.clients.autoScaling(deps.region).send(
      new DescribeScalingActivitiesCommand({
        AutoScalingGroupName: deps.asgName,
        MaxRecords: 50,
        NextToken: nextToken,
      }),
    );
    const activities = (out.Activities ?? []).map(toActivity);
    found.push(...activities);
    nextToken = out.NextToken;
    const reachedOlder = activities.some((a) => a.startTime.getTime() < since.getTime());
    if (!nextToken || reachedOlder) break;
  }
  return found;
}

const toActivity = (a: Activity): ScalingActivity => ({
  statusCode: a.StatusCode ?? '',
  statusMessage: a.StatusMessage ?? '',
  description: a.Description ?? '',
  startTime: a.StartTime ? new Date(a.StartTime) : new Date(0),
});

/** The cluster's registered container instances (one page: a region holds at most 10 replicas). */
async function containerInstances(
  deps: WorkerDeps,
  cluster: string,
): Promise<(ContainerInstanceView & { arn: string; instanceId?: string })[]> {
  const ecs = deps.clients.ecs(deps.region);
  const listed = await ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 100 }));
  const arns = listed.containerInstanceArns ?? [];
  if (arns.length === 0) return [];
  const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }));
  return (out.containerInstances ?? []).map((ci) => ({
    arn: ci.containerInstanceArn ?? '',
    instanceId: ci.ec2InstanceId,
    status: ci.status ?? '',
    agentConnected: ci.agentConnected ?? false,
    freeGpus: ci.remainingResources?.find((r) => r.name === 'GPU')?.stringSetValue?.length ?? 0,
    tasks: (ci.runningTasksCount ?? 0) + (ci.pendingTasksCount ?? 0),
  }));
}

/**
 * spotplane's tasks in the cluster: live ones and those that stopped recently (ECS keeps them about an hour), each
 * with the container instance it runs on.
 */
async function ourTasks(
  deps: WorkerDeps,
  cluster: string,
): Promise<(TaskView & { containerInstanceArn?: string })[]> {
  const ecs = deps.clients.ecs(deps.region);
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const out = await ecs.send(
      new ListTasksCommand({ cluster, startedBy: STARTED_BY, desiredStatus, maxResults: 100 }),
    );
    arns.push(...(out.taskArns ?? []));
  }
  if (arns.length === 0) return [];
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }));
  return (out.tasks ?? []).map((t) => ({
    containerInstanceArn: t.containerInstanceArn,
    lastStatus: t.lastStatus ?? '',
    desiredStatus: t.desiredStatus ?? '',
    healthStatus: t.healthStatus ?? 'UNKNOWN',
    createdAt: t.createdAt ? new Date(t.createdAt) : new Date(0),
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
  }));
}

/**
 * Each of `ids`' purchase option, as EC2 lists it (`InstanceLifecycle` "spot", none for on-demand). By an
 * `instance-id` filter, not `InstanceIds`: EC2 answers an id it does not list yet (a just-launched instance, its API
 * being eventually consistent) with InvalidInstanceID.NotFound for the whole call; a filter just leaves it out.
 */
async function lifecycles(deps: WorkerDeps, ids: string[]): Promise<Map<string, Lifecycle>> {
  const found = new Map<string, Lifecycle>();
  if (ids.length === 0) return found;
  for await (const page of paginateDescribeInstances(
    { client: deps.clients.ec2(deps.region) },
    { Filters: [{ Name: 'instance-id', Values: ids }] },
  )) {
    for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (instance.InstanceId) found.set(instance.InstanceId, lifecycleOf(instance));
    }
  }
  return found;
}

/**
 * Where the launch begun at `input.since` stands and what it should do next.
 *
 * @example
 * await launchStatus(deps, { since: '2026-11-24T10:00:00Z', want: 1 }); // { state: 'WAIT', progress: {...} }
 * @throws {LaunchStatusInputError} naming the field when `since` is missing or not a time.
 * @throws {AsgNotFoundError} when the worker's ASG does not exist.
 */
export async function launchStatus(deps: WorkerDeps, input: unknown): Promise<LaunchProgress> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new LaunchStatusInputError(
      `Invalid asg-launch-status input: ${describeIssues(parsed.error).join('; ')}`,
      { cause: parsed.error },
    );
  }
  const since = new Date(parsed.data.since);
  const cluster = deps.clusterName ?? names(deps.config.prefix).ecsCluster;
  const group = await describeAsg(deps.clients, deps.region, deps.asgName);
  const [activities, instances, tasks] = await Promise.all([
    activitiesSince(deps, since),
    containerInstances(deps, cluster),
    ourTasks(deps, cluster),
  ]);
  // A task names its host by container instance; the idle instances are named by EC2 id.
  const hosts = new Map(instances.map((ci) => [ci.arn, ci.instanceId]));
  const desired = parsed.data.desired;
  const members = (group.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
  return decideLaunchProgress({
    want: parsed.data.want ?? group.DesiredCapacity ?? 0,
    gpusPerTask: parsed.data.gpus,
    asg: {
      desiredCapacity: group.DesiredCapacity ?? 0,
      instances: (group.Instances ?? []).map((i) => ({
        instanceId: i.InstanceId,
        lifecycleState: i.LifecycleState ?? '',
        healthStatus: i.HealthStatus ?? '',
      })),
    },
    activities,
    since,
    containerInstances: instances,
    tasks: tasks.map(({ containerInstanceArn, ...task }) => ({
      ...task,
      instanceId: hosts.get(containerInstanceArn ?? ''),
    })),
    ...(desired
      ? {
          kinds: {
            spot: desired.spot,
            onDemand: desired.on_demand,
            lifecycles: await lifecycles(deps, members),
          },
        }
      : {}),
  });
}

/** The AsgLaunchStatus Lambda (middy + Powertools); AWS errors propagate to the state machine's Retry. */
export function makeHandler(deps: WorkerDeps) {
  const obs = deps.observability ?? makeObservability('asg-launch-status');
  return middy<unknown, LaunchProgress>()
    .use(instrument(obs, { staticContext: { region: deps.region, asg: deps.asgName } }))
    .handler(async (event) => {
      const status = await launchStatus(deps, event);
      if (status.state === 'FAILED') obs.logger.warn('launch failed', { status });
      return status;
    });
}
