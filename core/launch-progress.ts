/**
 * Where a worker launch stands and what it should do next, from what the region shows: the Auto Scaling group
 * and its scaling activities, the ECS container instances (registered by their agent some time after the
 * instance is InService) and spotplane's tasks. Desired state is absolute, so the decision never depends on
 * what this launch did before: a repeated request finds the tasks already there and starts none.
 */
import { decideLaunchStatus, type LaunchError, type ScalingActivity } from './launch-status.ts';
import type { Lifecycle } from './messages.ts';

export type LaunchPhase = 'instances' | 'registration' | 'placement' | 'health' | 'ready';

/** What a launch reports as progress (the `Launch Heartbeat` detail carries it). */
export interface LaunchProgressCounts {
  phase: LaunchPhase;
  /** Replicas wanted (spot + on-demand). */
  wanted: number;
  /** Instances of the group InService and healthy. */
  in_service: number;
  /** Container instances ACTIVE with a connected agent. */
  registered: number;
  /** Of those, with no task and the GPUs a task needs free. */
  free: number;
  /** spotplane's live tasks (desired RUNNING, not stopped). */
  tasks: number;
  /** Of those, RUNNING with a passing health check. */
  healthy: number;
}

/**
 * Every answer names the group's `idle` instances: launched and not leaving, with no healthy spotplane task on
 * them. A launch the worker gives up on (it timed out, or could not place its tasks) terminates those by name and
 * keeps the rest, the ones that serve. `surplus` (only with `kinds`): what a request that shrinks the group gives
 * back by name before it sets the desired capacity, so that the group's scale-in never takes a serving replica
 * and keeps an empty host (`surplusOf`).
 */
export type LaunchProgress = { idle: string[]; surplus: string[] } & (
  | { state: 'READY'; progress: LaunchProgressCounts }
  | { state: 'WAIT'; progress: LaunchProgressCounts }
  /** Start `run_count` tasks now: free registered instances are there for them. */
  | { state: 'PLACE'; run_count: number; progress: LaunchProgressCounts }
  /**
   * The launch is over. `keep`: instances of the group to keep (its desired capacity from now on): those that did
   * launch when a scaling activity failed for the rest, those that serve when a task exited; 0 = clean up.
   * `take`: the instances to terminate by name first (the idle ones when a task exited: the host it failed on
   * goes, not a serving one that the group's scale-in would pick; none when a scaling activity failed, since what
   * launched is kept).
   */
  | {
      state: 'FAILED';
      error: LaunchError | 'TaskStopped';
      cause: string;
      keep: number;
      take: string[];
      progress: LaunchProgressCounts;
    }
);

export interface ContainerInstanceView {
  status: string;
  agentConnected: boolean;
  /** GPUs not reserved by a task. */
  freeGpus: number;
  /** Running + pending tasks on it. */
  tasks: number;
}

export interface TaskView {
  /** The EC2 instance it runs on (from its container instance), when known. */
  instanceId?: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string;
  createdAt: Date;
  stopCode?: string;
  stoppedReason?: string;
}

export interface LaunchObservation {
  /** Replicas wanted in the region (the request's `desired`, spot + on-demand). */
  want: number;
  /** GPUs one task reserves (1 for the NVIDIA task definition, 0 for Neuron). */
  gpusPerTask: number;
  asg: {
    desiredCapacity: number;
    /** The group's members; one without an id cannot be named, so it is never `idle`. */
    instances: readonly { instanceId?: string; lifecycleState: string; healthStatus: string }[];
  };
  activities: readonly ScalingActivity[];
  /** When the launch began: failures before it are history. */
  since: Date;
  containerInstances: readonly ContainerInstanceView[];
  /** spotplane's tasks: live ones and those stopped recently. */
  tasks: readonly TaskView[];
  /**
   * For a request that shrinks the group: the wanted count per purchase option and each instance's option (EC2's
   * `InstanceLifecycle`; an instance EC2 did not list yet is absent). Without it no `surplus` is named.
   */
  kinds?: { spot: number; onDemand: number; lifecycles: ReadonlyMap<string, Lifecycle> };
}

/**
 * An Auto Scaling group member that launched and is not leaving: Pending (lifecycle hooks included) or InService
 * (User Guide, "Instance lifecycle").
 */
export const isHeld = (lifecycleState: string): boolean => /^(Pending|InService)/.test(lifecycleState);

/**
 * The instances a request that shrinks the group gives back by name: per purchase option, those held above the
 * wanted count of that option that are InService with no spotplane task at all (none running, none starting), at
 * most the excess. Named by option because Auto Scaling never replaces an instance to restore the on-demand /
 * Spot split: taking an empty on-demand host where the request gives back a Spot replica left the region on the
 * wrong option (2-day runs at target 3 paid more on-demand). Nothing without the options (`kinds`), and nothing
 * while a live task's host is unknown (it could be on any instance).
 */
function surplusOf(
  o: LaunchObservation,
  held: LaunchObservation['asg']['instances'],
  taskHosts: ReadonlySet<string | undefined>,
): string[] {
  if (!o.kinds || taskHosts.has(undefined)) return [];
  const kinds = o.kinds;
  return (['spot', 'on-demand'] as const).flatMap((kind) => {
    const mine = held.filter(
      (i) => i.instanceId !== undefined && kinds.lifecycles.get(i.instanceId) === kind,
    );
    const wanted = kind === 'spot' ? kinds.spot : kinds.onDemand;
    return mine
      .filter((i) => i.lifecycleState === 'InService' && !taskHosts.has(i.instanceId))
      .map((i) => i.instanceId!)
      .slice(0, Math.max(0, mine.length - wanted));
  });
}

/** Stop codes meaning the workload itself failed (not spotplane or EC2 taking the instance away). */
const WORKLOAD_FAILED = new Set(['EssentialContainerExited', 'TaskFailedToStart']);

/**
 * The next step of a launch: READY once `want` tasks are healthy; FAILED on a failed scaling activity (before
 * the instances are there) or a task of this launch that stopped by itself; PLACE when registered instances
 * are free for the tasks still missing; otherwise WAIT in the phase that holds it up.
 *
 * @example
 * decideLaunchProgress({ want: 1, ... }) // { state: 'WAIT', progress: { phase: 'registration', ... } }
 */
export function decideLaunchProgress(o: LaunchObservation): LaunchProgress {
  const live = o.tasks.filter((t) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED');
  const serving = live.filter((t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY');
  const healthy = serving.length;
  const servingHosts = new Set(serving.map((t) => t.instanceId));
  const taskHosts = new Set(live.map((t) => t.instanceId));
  const held = o.asg.instances.filter((i) => isHeld(i.lifecycleState));
  const surplus = surplusOf(o, held, taskHosts);
  // A serving task whose host is not known could be on any instance: then none is named.
  const idle = servingHosts.has(undefined)
    ? []
    : held.flatMap((i) =>
        i.instanceId !== undefined && !servingHosts.has(i.instanceId) ? [i.instanceId] : [],
      );
  const inService = o.asg.instances.filter(
    (i) => i.lifecycleState === 'InService' && i.healthStatus === 'Healthy',
  ).length;
  const registered = o.containerInstances.filter((c) => c.status === 'ACTIVE' && c.agentConnected);
  const free = registered.filter((c) => c.tasks === 0 && c.freeGpus >= o.gpusPerTask).length;
  const counts = (phase: LaunchPhase): LaunchProgressCounts => ({
    phase,
    wanted: o.want,
    in_service: inService,
    registered: registered.length,
    free,
    tasks: live.length,
    healthy,
  });

  if (healthy >= o.want) return { state: 'READY', idle, surplus, progress: counts('ready') };
  const exited = o.tasks
    .filter(
      (t) =>
        t.lastStatus === 'STOPPED' &&
        t.createdAt.getTime() >= o.since.getTime() &&
        WORKLOAD_FAILED.has(t.stopCode ?? ''),
    )
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (exited) {
    return {
      state: 'FAILED',
      error: 'TaskStopped',
      cause: `The task stopped before it became healthy: ${exited.stopCode}${exited.stoppedReason ? ` (${exited.stoppedReason})` : ''}`,
      // The replicas that serve here stay (a fleet's, the on-demand one a swap to Spot keeps); the rest goes, by
      // name: the group's own scale-in would pick by zone balance and age, and might keep the host the task failed on.
      keep: healthy,
      take: idle,
      idle,
      surplus,
      progress: counts('health'),
    };
  }
  if (inService < o.want) {
    const status = decideLaunchStatus({
      asg: { desiredCapacity: o.want, instances: o.asg.instances },
      activities: o.activities,
      since: o.since,
    });
    if (status.state === 'FAILED') {
      // A failed scaling activity is about the instances that did not launch: those that did (and the replicas
      // that served here before) stay, and the hub places the rest elsewhere. Cleaning up the whole region threw
      // them away: a region with room for 2 of 3 replicas served none, and a fleet's serving replicas there went
      // with the failed third.
      return {
        state: 'FAILED',
        error: status.error,
        cause: status.cause,
        keep: Math.min(held.length, o.want),
        take: [],
        idle,
        surplus,
        progress: counts('instances'),
      };
    }
  }
  if (live.length >= o.want) return { state: 'WAIT', idle, surplus, progress: counts('health') };
  if (free > 0) {
    const runCount = Math.min(o.want - live.length, free);
    return { state: 'PLACE', run_count: runCount, idle, surplus, progress: counts('placement') };
  }
  return {
    state: 'WAIT',
    idle,
    surplus,
    progress: counts(inService < o.want ? 'instances' : 'registration'),
  };
}
