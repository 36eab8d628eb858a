/**
 * One worker region around LaunchInstance, CapacityMonitor and TeardownInstance: a small simulated Auto
 * Scaling group (tags, instances distribution) and ECS cluster (container instances that the agent registers
 * some seconds after InService, RunTask `failures`) answering the aws-sdk integrations (PascalCase, AWS error
 * names), the worker Lambdas stood in on the pure decisions they wrap (core/launch-progress.ts,
 * core/events/classify.ts), and the worker bus recording what the machines report (with injectable
 * `EventBridge.FailedEntry` answers). One virtual clock.
 */

import { classifyCapacityEvent, instanceToCheck } from '../../../core/events/classify.ts';
import { parseEvent } from '../../../core/events/index.ts';
import { decideLaunchProgress } from '../../../core/launch-progress.ts';
import type { ScalingActivity } from '../../../core/launch-status.ts';
import type { InstanceDetail } from '../../../core/messages.ts';
import { type VirtualClock, virtualClock } from '../../../emulator/clock.ts';
import {
  type LocalExecution,
  LocalStepFunctions,
  type TaskCall,
  TaskError,
} from '../../../emulator/sfn/runtime.ts';
import { loadWorkerMachine, PREFIX, workerFunctions, workerSubstitutions } from './substitutions.ts';

export interface RegionBehaviour {
  /**
   * Spot capacity for new instances (a number: how many Spot instances the region holds); without it the scaling
   * activity fails with InsufficientInstanceCapacity.
   */
  spotCapacity: boolean | number;
  bootSeconds: number;
  /** Seconds from InService until the ECS agent has registered the container instance. */
  registrationSeconds?: number;
  /** Seconds from task start to a passing health check; null = never healthy. */
  healthySeconds: number | null;
  /** The container exits this many seconds after starting. */
  stopsAfterSeconds?: number;
  /** Seconds an instance takes to terminate once the group shrinks. */
  terminateSeconds: number;
}

interface AsgInstance {
  id: string;
  lifecycleState: 'Pending' | 'InService' | 'Terminating';
  lifecycle: 'spot' | 'on-demand';
  /** The ECS agent registered it as a container instance. */
  registered: boolean;
}

export interface EcsTask {
  arn: string;
  instanceId: string | null;
  lastStatus: 'PROVISIONING' | 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedBy?: string;
  createdAt: Date;
  stopCode?: string;
}

export interface WorkerEvent {
  seq: number;
  at: Date;
  detailType: string;
  detail: Record<string, unknown>;
}

const payload = (value: unknown) => ({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: value });

export interface WorkerWorldOptions {
  clock?: VirtualClock;
  /** Delivers worker events to the hub (the forwarding rule) besides recording them. */
  route?: (detailType: string, detail: Record<string, unknown>) => void;
}

export class WorkerWorld {
  readonly clock: VirtualClock;
  readonly sfn: LocalStepFunctions;
  readonly machines: { launch: string; capacityMonitor: string; teardown: string };
  /** The group that exists in this region (the machines are configured with `spotplane-gpu`). */
  asgName = `${PREFIX}-gpu`;
  readonly asg = {
    desired: 0,
    distribution: null as Record<string, unknown> | null,
    instances: [] as AsgInstance[],
    /** The group's tags (the fence lives in `spotplane:intent`). */
    tags: new Map<string, string>(),
  };
  readonly activities: ScalingActivity[] = [];
  readonly tasks = new Map<string, EcsTask>();
  readonly events: WorkerEvent[] = [];
  readonly calls: TaskCall[] = [];
  /** The next this-many PutEvents calls (of `failEntriesOf`, or any) answer with FailedEntryCount 1. */
  failEntries = 0;
  failEntriesOf: string | null = null;
  /** The next this-many RunTask calls answer with an AGENT failure even when an instance is free. */
  agentFailures = 0;
  /** Instances whose tasks exit 20 s after they start (a bad GPU host), whatever the region's behaviour. */
  readonly brokenHosts = new Set<string>();
  /** Called before each aws-sdk / lambda call is answered: a test changes the world between two steps. */
  beforeCall: ((call: TaskCall) => void) | null = null;
  private seq = 0;
  private instanceCount = 0;
  private readonly subs: Record<string, unknown>;

  private readonly route: WorkerWorldOptions['route'];

  constructor(
    readonly region: string,
    public behaviour: RegionBehaviour = {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: 60,
      terminateSeconds: 45,
    },
    options: WorkerWorldOptions = {},
  ) {
    this.clock = options.clock ?? virtualClock('2026-11-24T10:00:00Z');
    this.route = options.route;
    this.subs = workerSubstitutions(region);
    this.sfn = new LocalStepFunctions({
      region,
      accountId: '123456789012',
      clock: this.clock,
      dispatch: (call) => this.dispatch(call),
    });
    const create = (key: 'launch' | 'capacityMonitor' | 'teardown', name: string) =>
      this.sfn.createStateMachine(name, loadWorkerMachine(key, region)).stateMachineArn;
    this.machines = {
      launch: create('launch', `${PREFIX}-launch-instance`),
      capacityMonitor: create('capacityMonitor', `${PREFIX}-capacity-monitor`),
      teardown: create('teardown', `${PREFIX}-teardown-instance`),
    };
  }

  /** Starts a machine with an EventBridge event as its input, as the worker rules do. */
  start(
    machine: keyof WorkerWorld['machines'],
    source: string,
    detailType: string,
    detail: Record<string, unknown>,
  ): string {
    const event = {
      version: '0',
      id: `event-${this.seq}`,
      'detail-type': detailType,
      source,
      account: '123456789012',
      time: this.clock.now().toISOString(),
      region: this.region,
      resources: [],
      detail,
    };
    return this.sfn.startExecution({ stateMachineArn: this.machines[machine], input: JSON.stringify(event) })
      .executionArn;
  }

  async finish(executionArn: string, maxSeconds = 6 * 3600): Promise<LocalExecution> {
    await this.clock.runUntil(
      () => this.sfn.describeExecution({ executionArn }).status !== 'RUNNING',
      maxSeconds * 1000,
    );
    return this.execution(executionArn);
  }

  execution(executionArn: string): LocalExecution {
    return this.sfn.executions().find((e) => e.executionArn === executionArn)!;
  }

  eventsOfType(detailType: string): WorkerEvent[] {
    return this.events.filter((e) => e.detailType === detailType);
  }

  callsOf(resourceSuffix: string): TaskCall[] {
    return this.calls.filter((c) => c.resource.endsWith(resourceSuffix));
  }

  /** An instance already running (and registered) in the group, for monitor and teardown scenarios. */
  addRunningInstance(): string {
    const id = this.newInstanceId();
    this.asg.instances.push({ id, lifecycleState: 'InService', lifecycle: 'spot', registered: true });
    this.asg.desired = this.asg.instances.length;
    return id;
  }

  /** A healthy running task (for teardown scenarios), on `instanceId` when given. */
  addRunningTask(instanceId: string | null = null): string {
    const arn = `arn:aws:ecs:${this.region}:123456789012:task/${PREFIX}-cluster/${String(this.tasks.size).padStart(32, '0')}`;
    this.tasks.set(arn, {
      arn,
      instanceId,
      lastStatus: 'RUNNING',
      healthStatus: 'HEALTHY',
      desiredStatus: 'RUNNING',
      startedBy: 'spotplane',
      createdAt: this.clock.now(),
    });
    return arn;
  }

  liveTasks(): EcsTask[] {
    return [...this.tasks.values()].filter(
      (t) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED',
    );
  }

  private newInstanceId(): string {
    return `i-0${(++this.instanceCount).toString(16).padStart(16, '0')}`;
  }

  private async dispatch(call: TaskCall): Promise<unknown> {
    this.calls.push(call);
    this.beforeCall?.(call);
    const input = (call.input ?? {}) as Record<string, unknown>;
    const fns = workerFunctions(this.region);
    switch (call.resource) {
      case 'arn:aws:states:::lambda:invoke': {
        const request = input.Payload;
        if (input.FunctionName === fns.asgLaunchStatus)
          return payload(this.launchStatus(request as Parameters<WorkerWorld['launchStatus']>[0]));
        if (input.FunctionName === fns.getInstanceFromAsg) return payload({ instances: this.inService() });
        if (input.FunctionName === fns.classifyCapacityEvent) return payload(this.classify(request));
        throw new TaskError(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${String(input.FunctionName)}`,
        );
      }
      case 'arn:aws:states:::events:putEvents':
        return this.putEvents(input);
      case 'arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup':
        return this.updateGroup(input);
      case 'arn:aws:states:::aws-sdk:autoscaling:terminateInstanceInAutoScalingGroup':
        return this.terminateInGroup(input);
      case 'arn:aws:states:::aws-sdk:autoscaling:createOrUpdateTags':
        for (const tag of input.Tags as { ResourceId: string; Key: string; Value: string }[]) {
          this.requireGroup(tag.ResourceId);
          this.asg.tags.set(tag.Key, tag.Value);
        }
        return {};
      case 'arn:aws:states:::aws-sdk:autoscaling:describeTags': {
        const filters = input.Filters as { Name: string; Values: string[] }[];
        const group = filters.find((f) => f.Name === 'auto-scaling-group')?.Values ?? [];
        const keys = filters.find((f) => f.Name === 'key')?.Values;
        return {
          Tags: group.includes(this.asgName)
            ? [...this.asg.tags]
                .filter(([Key]) => !keys || keys.includes(Key))
                .map(([Key, Value]) => ({
                  ResourceId: this.asgName,
                  ResourceType: 'auto-scaling-group',
                  Key,
                  Value,
                  PropagateAtLaunch: false,
                }))
            : [],
        };
      }
      case 'arn:aws:states:::aws-sdk:autoscaling:describeAutoScalingGroups':
        return {
          AutoScalingGroups: (input.AutoScalingGroupNames as string[]).includes(this.asgName)
            ? [
                {
                  AutoScalingGroupName: this.asgName,
                  DesiredCapacity: this.asg.desired,
                  Instances: this.asg.instances.map((i) => ({
                    InstanceId: i.id,
                    LifecycleState: i.lifecycleState,
                    HealthStatus: 'Healthy',
                  })),
                  Tags: [...this.asg.tags].map(([Key, Value]) => ({
                    ResourceId: this.asgName,
                    ResourceType: 'auto-scaling-group',
                    Key,
                    Value,
                    PropagateAtLaunch: false,
                  })),
                },
              ]
            : [],
        };
      case 'arn:aws:states:::aws-sdk:ecs:runTask':
        return this.runTask(input);
      case 'arn:aws:states:::aws-sdk:ecs:stopTask': {
        const task = this.tasks.get(input.Task as string);
        if (!task) throw new TaskError('Ecs.InvalidParameterException', 'The referenced task was not found.');
        task.desiredStatus = 'STOPPED';
        this.clock.setTimer(5000, () => {
          task.lastStatus = 'STOPPED';
          task.stopCode ??= 'UserInitiated';
        });
        return { Task: { TaskArn: task.arn, DesiredStatus: 'STOPPED', LastStatus: task.lastStatus } };
      }
      case 'arn:aws:states:::aws-sdk:ecs:listTasks':
        return this.listTasks(input);
      default:
        throw new TaskError('States.Runtime', `No stand-in for ${call.resource}`);
    }
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const entries = input.Entries as {
      EventBusName: string;
      DetailType: string;
      Detail: Record<string, unknown>;
      Source: string;
    }[];
    for (const entry of entries) {
      if (entry.EventBusName !== this.subs.WorkerBusName)
        throw new TaskError('EventBridge.ResourceNotFoundException', 'no such bus');
      if (entry.Source !== 'spotplane.worker')
        throw new TaskError('EventBridge.ValidationException', 'wrong source');
    }
    if (this.failEntries > 0 && (!this.failEntriesOf || entries[0]?.DetailType === this.failEntriesOf)) {
      this.failEntries--;
      // Step Functions' optimized integration fails the Task when PutEvents reports a failed entry.
      throw new TaskError(
        'EventBridge.FailedEntry',
        JSON.stringify({
          FailedEntryCount: 1,
          Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure.' }],
        }),
      );
    }
    for (const entry of entries) {
      this.events.push({
        seq: this.seq++,
        at: this.clock.now(),
        detailType: entry.DetailType,
        detail: entry.Detail,
      });
      const { DetailType, Detail } = entry;
      // EventBridge delivers asynchronously, after PutEvents has returned.
      if (this.route) queueMicrotask(() => this.route?.(DetailType, Detail));
    }
    return { Entries: entries.map(() => ({ EventId: `event-${this.seq}` })), FailedEntryCount: 0 };
  }

  private requireGroup(name: unknown): void {
    if (name !== this.asgName) {
      throw new TaskError(
        'AutoScaling.ValidationErrorException',
        `AutoScalingGroup name not found - ${String(name)}`,
      );
    }
  }

  private updateGroup(input: Record<string, unknown>): unknown {
    this.requireGroup(input.AutoScalingGroupName);
    const mixed = input.MixedInstancesPolicy as
      | { InstancesDistribution?: Record<string, unknown> }
      | undefined;
    if (mixed?.InstancesDistribution) this.asg.distribution = mixed.InstancesDistribution;
    const desired = input.DesiredCapacity as number;
    this.asg.desired = desired;
    const live = this.asg.instances.filter((i) => i.lifecycleState !== 'Terminating');
    const onDemandBase = Number(this.asg.distribution?.OnDemandBaseCapacity ?? 0);
    for (let n = live.length; n < desired; n++) {
      const onDemandNow = this.asg.instances.filter(
        (i) => i.lifecycleState !== 'Terminating' && i.lifecycle === 'on-demand',
      ).length;
      this.launchOne(onDemandNow < onDemandBase ? 'on-demand' : 'spot');
    }
    // Scale-in takes the newest instances.
    for (const extra of live.slice(desired)) this.terminate(extra);
    return {};
  }

  /** TerminateInstanceInAutoScalingGroup: a live member of the group, by id, decrementing the desired capacity. */
  private terminateInGroup(input: Record<string, unknown>): unknown {
    const member = this.asg.instances.find(
      (i) => i.id === input.InstanceId && i.lifecycleState !== 'Terminating',
    );
    if (!member) {
      throw new TaskError(
        'AutoScaling.ValidationErrorException',
        `Instance Id not found - No managed instance found for instance ID: ${String(input.InstanceId)}`,
      );
    }
    if (input.ShouldDecrementDesiredCapacity === true) this.asg.desired--;
    this.terminate(member);
    return { Activity: { Description: `Terminating EC2 instance: ${member.id}` } };
  }

  private terminate(instance: AsgInstance): void {
    instance.lifecycleState = 'Terminating';
    for (const task of this.tasks.values()) {
      if (task.instanceId === instance.id && task.lastStatus !== 'STOPPED') {
        task.lastStatus = 'STOPPED';
        task.desiredStatus = 'STOPPED';
        task.stopCode = 'TerminationNotice';
      }
    }
    this.clock.setTimer(this.behaviour.terminateSeconds * 1000, () => {
      this.asg.instances = this.asg.instances.filter((i) => i !== instance);
    });
  }

  private launchOne(lifecycle: 'spot' | 'on-demand'): void {
    const startTime = new Date(this.clock.now().getTime() + 5000);
    const room = this.behaviour.spotCapacity;
    const spotHeld = this.asg.instances.filter(
      (i) => i.lifecycleState !== 'Terminating' && i.lifecycle === 'spot',
    ).length;
    if (lifecycle === 'spot' && (room === false || (typeof room === 'number' && spotHeld >= room))) {
      this.clock.setTimer(5000, () =>
        this.activities.push({
          statusCode: 'Failed',
          statusMessage:
            'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
          description: 'Launching a new EC2 instance.  Status Reason: InsufficientInstanceCapacity',
          startTime,
        }),
      );
      return;
    }
    const instance: AsgInstance = {
      id: this.newInstanceId(),
      lifecycleState: 'Pending',
      lifecycle,
      registered: false,
    };
    this.asg.instances.push(instance);
    this.clock.setTimer(this.behaviour.bootSeconds * 1000, () => {
      if (instance.lifecycleState !== 'Pending') return;
      instance.lifecycleState = 'InService';
      // The agent starts after the instance's restore unit, then registers the container instance.
      this.clock.setTimer((this.behaviour.registrationSeconds ?? 30) * 1000, () => {
        if (instance.lifecycleState === 'InService') instance.registered = true;
      });
    });
  }

  /** Registered instances with no live task. */
  private freeInstances(): AsgInstance[] {
    const busy = new Set(this.liveTasks().map((t) => t.instanceId));
    return this.asg.instances.filter(
      (i) => i.lifecycleState === 'InService' && i.registered && !busy.has(i.id),
    );
  }

  private launchStatus(request: {
    since: string;
    want: number;
    gpus: number;
    desired?: { spot: number; on_demand: number };
  }): unknown {
    const registered = this.asg.instances.filter((i) => i.lifecycleState === 'InService' && i.registered);
    const live = this.liveTasks();
    return JSON.parse(
      JSON.stringify(
        decideLaunchProgress({
          want: request.want,
          gpusPerTask: request.gpus,
          asg: {
            desiredCapacity: this.asg.desired,
            instances: this.asg.instances.map((i) => ({
              instanceId: i.id,
              lifecycleState: i.lifecycleState,
              healthStatus: 'Healthy',
            })),
          },
          activities: this.activities,
          since: new Date(request.since),
          containerInstances: registered.map((i) => {
            const tasks = live.filter((t) => t.instanceId === i.id).length;
            return { status: 'ACTIVE', agentConnected: true, freeGpus: tasks > 0 ? 0 : 1, tasks };
          }),
          tasks: [...this.tasks.values()]
            .filter((t) => t.startedBy === 'spotplane')
            .map((t) => ({
              instanceId: t.instanceId ?? undefined,
              lastStatus: t.lastStatus,
              desiredStatus: t.desiredStatus,
              healthStatus: t.healthStatus,
              createdAt: t.createdAt,
              stopCode: t.stopCode,
            })),
          ...(request.desired
            ? {
                kinds: {
                  spot: request.desired.spot,
                  onDemand: request.desired.on_demand,
                  lifecycles: new Map(this.asg.instances.map((i) => [i.id, i.lifecycle])),
                },
              }
            : {}),
        }),
      ),
    );
  }

  private inService(): InstanceDetail[] {
    return this.asg.instances
      .filter((i) => i.lifecycleState === 'InService')
      .map((i) => ({
        instance_id: i.id,
        public_ip: '54.1.2.3',
        private_ip: '10.0.0.12',
        instance_type: 'g6.xlarge',
        availability_zone: `${this.region}a`,
        lifecycle: i.lifecycle,
        launch_time: '2026-11-24T10:01:30Z',
      }));
  }

  private classify(rawEvent: unknown): unknown {
    const event = parseEvent(rawEvent);
    const options = { asgName: this.asgName, useRebalanceRecommendation: false };
    const instanceId = instanceToCheck(event, options);
    const ours = instanceId !== null && this.asg.instances.some((i) => i.id === instanceId);
    return classifyCapacityEvent(event, options, ours);
  }

  private runTask(input: Record<string, unknown>): unknown {
    const count = input.Count as number;
    const free = this.freeInstances();
    if (this.asg.instances.every((i) => !i.registered)) {
      throw new TaskError(
        'Ecs.InvalidParameterException',
        'No Container Instances were found in your cluster.',
      );
    }
    if (this.agentFailures > 0) {
      this.agentFailures--;
      return { Tasks: [], Failures: [{ Arn: 'arn:container-instance', Reason: 'AGENT' }] };
    }
    const started: EcsTask[] = [];
    const failures: { Arn: string; Reason: string }[] = [];
    for (let n = 0; n < count; n++) {
      const host = free[n];
      if (!host) {
        failures.push({ Arn: 'arn:container-instance', Reason: 'RESOURCE:GPU' });
        continue;
      }
      const arn = this.addRunningTask(host.id);
      const task = this.tasks.get(arn)!;
      task.lastStatus = 'PROVISIONING';
      task.healthStatus = 'UNKNOWN';
      task.startedBy = input.StartedBy as string | undefined;
      started.push(task);
      this.clock.setTimer(10_000, () => {
        if (task.lastStatus === 'PROVISIONING') task.lastStatus = 'RUNNING';
      });
      const { healthySeconds } = this.behaviour;
      const stopsAfterSeconds = this.brokenHosts.has(host.id) ? 20 : this.behaviour.stopsAfterSeconds;
      if (healthySeconds !== null) {
        this.clock.setTimer((10 + healthySeconds) * 1000, () => {
          if (task.lastStatus === 'RUNNING') task.healthStatus = 'HEALTHY';
        });
      }
      if (stopsAfterSeconds !== undefined) {
        this.clock.setTimer((10 + stopsAfterSeconds) * 1000, () => {
          if (task.lastStatus === 'STOPPED') return;
          task.lastStatus = 'STOPPED';
          task.desiredStatus = 'STOPPED';
          task.stopCode = 'EssentialContainerExited';
        });
      }
    }
    return {
      Tasks: started.map((t) => ({
        TaskArn: t.arn,
        LastStatus: t.lastStatus,
        DesiredStatus: t.desiredStatus,
      })),
      Failures: failures,
    };
  }

  private listTasks(input: Record<string, unknown>): unknown {
    const max = (input.MaxResults as number | undefined) ?? 100;
    const desired = (input.DesiredStatus as string | undefined) ?? 'RUNNING';
    const all = [...this.tasks.values()]
      .filter((t) => t.desiredStatus === desired)
      .filter((t) => input.StartedBy === undefined || t.startedBy === input.StartedBy)
      .map((t) => t.arn)
      .sort();
    const after =
      typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64').toString() : null;
    const start = after === null ? 0 : all.findIndex((a) => a > after);
    const page = start < 0 ? [] : all.slice(start, start + max);
    const last = page.at(-1);
    const more = last !== undefined && all.indexOf(last) < all.length - 1;
    return more ? { TaskArns: page, NextToken: Buffer.from(last).toString('base64') } : { TaskArns: page };
  }
}
