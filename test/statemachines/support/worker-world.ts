/**
 * One worker region around LaunchInstance, CapacityMonitor and TeardownInstance: a small simulated
 * Auto Scaling group and ECS cluster answering the aws-sdk integrations (PascalCase, AWS error names),
 * the worker Lambdas stood in on the pure decisions they wrap (core/launch-status.ts,
 * core/events/classify.ts), and the worker bus recording what the machines report. One virtual clock.
 */

import { classifyCapacityEvent, instanceToCheck } from '../../../core/events/classify.ts';
import { parseEvent } from '../../../core/events/index.ts';
import { decideLaunchStatus, type ScalingActivity } from '../../../core/launch-status.ts';
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
  /** Spot capacity for new instances; without it the scaling activity fails with InsufficientInstanceCapacity. */
  spotCapacity: boolean;
  bootSeconds: number;
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
}

interface EcsTask {
  arn: string;
  lastStatus: 'PROVISIONING' | 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  desiredStatus: 'RUNNING' | 'STOPPED';
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
  };
  readonly activities: ScalingActivity[] = [];
  readonly tasks = new Map<string, EcsTask>();
  readonly events: WorkerEvent[] = [];
  readonly calls: TaskCall[] = [];
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
    return this.sfn.executions().find((e) => e.executionArn === executionArn)!;
  }

  eventsOfType(detailType: string): WorkerEvent[] {
    return this.events.filter((e) => e.detailType === detailType);
  }

  callsOf(resourceSuffix: string): TaskCall[] {
    return this.calls.filter((c) => c.resource.endsWith(resourceSuffix));
  }

  /** An instance already running in the group (for monitor and teardown scenarios). */
  addRunningInstance(): string {
    const id = this.newInstanceId();
    this.asg.instances.push({ id, lifecycleState: 'InService', lifecycle: 'spot' });
    this.asg.desired = this.asg.instances.length;
    return id;
  }

  /** A running task (for teardown scenarios). */
  addRunningTask(): string {
    const arn = `arn:aws:ecs:${this.region}:123456789012:task/${PREFIX}-cluster/${String(this.tasks.size).padStart(32, '0')}`;
    this.tasks.set(arn, { arn, lastStatus: 'RUNNING', healthStatus: 'HEALTHY', desiredStatus: 'RUNNING' });
    return arn;
  }

  private newInstanceId(): string {
    return `i-0${(++this.instanceCount).toString(16).padStart(16, '0')}`;
  }

  private async dispatch(call: TaskCall): Promise<unknown> {
    this.calls.push(call);
    const input = (call.input ?? {}) as Record<string, unknown>;
    const fns = workerFunctions(this.region);
    switch (call.resource) {
      case 'arn:aws:states:::lambda:invoke': {
        const request = input.Payload;
        if (input.FunctionName === fns.asgLaunchStatus)
          return payload(this.launchStatus(request as { since: string }));
        if (input.FunctionName === fns.getInstanceFromAsg) return payload({ instances: this.inService() });
        if (input.FunctionName === fns.classifyCapacityEvent) return payload(this.classify(request));
        throw new TaskError(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${String(input.FunctionName)}`,
        );
      }
      case 'arn:aws:states:::events:putEvents':
        for (const entry of input.Entries as {
          EventBusName: string;
          DetailType: string;
          Detail: Record<string, unknown>;
          Source: string;
        }[]) {
          if (entry.EventBusName !== this.subs.WorkerBusName)
            throw new TaskError('EventBridge.ResourceNotFoundException', 'no such bus');
          if (entry.Source !== 'spotplane.worker')
            throw new TaskError('EventBridge.ValidationException', 'wrong source');
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
        return { Entries: [{ EventId: `event-${this.seq}` }], FailedEntryCount: 0 };
      case 'arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup':
        return this.updateGroup(input);
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
                },
              ]
            : [],
        };
      case 'arn:aws:states:::aws-sdk:ecs:runTask':
        return this.runTask(input);
      case 'arn:aws:states:::aws-sdk:ecs:describeTasks': {
        const arns = input.Tasks as string[];
        const found = arns.map((a) => this.tasks.get(a)).filter((t): t is EcsTask => t !== undefined);
        return {
          Tasks: found.map((t) => ({
            TaskArn: t.arn,
            LastStatus: t.lastStatus,
            HealthStatus: t.healthStatus,
            DesiredStatus: t.desiredStatus,
          })),
          Failures: arns.filter((a) => !this.tasks.has(a)).map((a) => ({ Arn: a, Reason: 'MISSING' })),
        };
      }
      case 'arn:aws:states:::aws-sdk:ecs:stopTask': {
        const task = this.tasks.get(input.Task as string);
        if (!task) throw new TaskError('Ecs.InvalidParameterException', 'The referenced task was not found.');
        task.desiredStatus = 'STOPPED';
        this.clock.setTimer(5000, () => {
          task.lastStatus = 'STOPPED';
        });
        return { Task: { TaskArn: task.arn, DesiredStatus: 'STOPPED', LastStatus: task.lastStatus } };
      }
      case 'arn:aws:states:::aws-sdk:ecs:listTasks':
        return this.listTasks(input);
      default:
        throw new TaskError('States.Runtime', `No stand-in for ${call.resource}`);
    }
  }

  private updateGroup(input: Record<string, unknown>): unknown {
    if (input.AutoScalingGroupName !== this.asgName) {
      throw new TaskError(
        'AutoScaling.ValidationErrorException',
        `AutoScalingGroup name not found - ${String(input.AutoScalingGroupName)}`,
      );
    }
    const mixed = input.MixedInstancesPolicy as
      | { InstancesDistribution?: Record<string, unknown> }
      | undefined;
    if (mixed?.InstancesDistribution) this.asg.distribution = mixed.InstancesDistribution;
    const desired = input.DesiredCapacity as number;
    this.asg.desired = desired;
    const live = this.asg.instances.filter((i) => i.lifecycleState !== 'Terminating');
    const onDemand = this.asg.distribution?.OnDemandPercentageAboveBaseCapacity === 100;
    for (let n = live.length; n < desired; n++) this.launchOne(onDemand ? 'on-demand' : 'spot');
    for (const extra of live.slice(desired)) {
      extra.lifecycleState = 'Terminating';
      this.clock.setTimer(this.behaviour.terminateSeconds * 1000, () => {
        this.asg.instances = this.asg.instances.filter((i) => i !== extra);
      });
    }
    return {};
  }

  private launchOne(lifecycle: 'spot' | 'on-demand'): void {
    const startTime = new Date(this.clock.now().getTime() + 5000);
    if (lifecycle === 'spot' && !this.behaviour.spotCapacity) {
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
    const instance: AsgInstance = { id: this.newInstanceId(), lifecycleState: 'Pending', lifecycle };
    this.asg.instances.push(instance);
    this.clock.setTimer(this.behaviour.bootSeconds * 1000, () => {
      if (instance.lifecycleState === 'Pending') instance.lifecycleState = 'InService';
    });
  }

  private launchStatus(request: { since: string }): unknown {
    return decideLaunchStatus({
      asg: {
        desiredCapacity: this.asg.desired,
        instances: this.asg.instances.map((i) => ({
          lifecycleState: i.lifecycleState,
          healthStatus: 'Healthy',
        })),
      },
      activities: this.activities,
      since: new Date(request.since),
    });
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
    const hosts = this.asg.instances.filter((i) => i.lifecycleState === 'InService');
    if (hosts.length < count) {
      return {
        Tasks: [],
        Failures: [{ Reason: 'RESOURCE:GPU', Detail: 'No container instance met all of its requirements.' }],
      };
    }
    const started: EcsTask[] = [];
    for (let n = 0; n < count; n++) {
      const task: EcsTask = {
        ...this.tasks.get(this.addRunningTask())!,
        lastStatus: 'PROVISIONING',
        healthStatus: 'UNKNOWN',
      };
      this.tasks.set(task.arn, task);
      started.push(task);
      this.clock.setTimer(10_000, () => {
        if (task.lastStatus === 'PROVISIONING') task.lastStatus = 'RUNNING';
      });
      const { healthySeconds, stopsAfterSeconds } = this.behaviour;
      if (healthySeconds !== null) {
        this.clock.setTimer((10 + healthySeconds) * 1000, () => {
          if (task.lastStatus === 'RUNNING') task.healthStatus = 'HEALTHY';
        });
      }
      if (stopsAfterSeconds !== undefined) {
        this.clock.setTimer((10 + stopsAfterSeconds) * 1000, () => {
          task.lastStatus = 'STOPPED';
          task.desiredStatus = 'STOPPED';
        });
      }
    }
    return {
      Tasks: started.map((t) => ({
        TaskArn: t.arn,
        LastStatus: t.lastStatus,
        DesiredStatus: t.desiredStatus,
      })),
      Failures: [],
    };
  }

  private listTasks(input: Record<string, unknown>): unknown {
    const max = (input.MaxResults as number | undefined) ?? 100;
    const all = [...this.tasks.values()]
      .filter((t) => t.desiredStatus === 'RUNNING')
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
