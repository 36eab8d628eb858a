/**
 * ECS (EC2 launch type) of one region. An instance of a cluster's Auto Scaling group becomes a container
 * instance only when its ECS agent registers it, some time after the instance is running (the agent starts
 * after the agent restore unit; `RegionMarket.agentRegistrationMs`); until then RunTask has nowhere to go. A
 * task reserves the GPUs its definition asks for (one by default) on one ACTIVE, connected, not draining
 * container instance, pulls its image (20-40 s), runs, and turns HEALTHY after its health check passes (10-20 s
 * more). A task that cannot be placed is a `failures` entry (`RESOURCE:GPU`, or `AGENT` when the only candidates
 * have a disconnected agent; ECS Developer Guide, "API failure reasons"), unless the capacity provider has
 * managed scaling, which keeps it PROVISIONING until capacity arrives. A task on an instance that dies stops.
 */
import type {
  Container,
  ContainerInstance,
  DescribeContainerInstancesCommandInput,
  DescribeContainerInstancesCommandOutput,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  Failure,
  ListContainerInstancesCommandInput,
  ListContainerInstancesCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  Resource,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  StopTaskCommandInput,
  StopTaskCommandOutput,
  Task,
  TaskStopCode,
} from '@aws-sdk/client-ecs';
import type { RegionContext } from './context.ts';
import { paginate } from './context.ts';
import type { Ec2Service, LocalInstance } from './ec2.ts';
import { awsError } from './errors.ts';

type Output<T> = Omit<T, '$metadata'>;

export interface ClusterOptions {
  name: string;
  /** Instances of these groups join the cluster (the launch template's user data does this on AWS). */
  autoScalingGroups: string[];
  /** Capacity providers associated with the cluster (RunTask strategies may name only these). */
  capacityProviders?: string[];
  /**
   * The capacity providers among them with managed scaling ENABLED: a task they cannot place waits in
   * PROVISIONING for ECS to scale the group out. spotplane deploys its provider with managed scaling DISABLED
   * (the state machines own the group's size), so its RunTask gets failures instead.
   */
  managedScaling?: string[];
}

export interface TaskDefinitionOptions {
  family: string;
  containerName: string;
  image: string;
  /** Whether the container defines a health check; without one healthStatus stays UNKNOWN. */
  healthCheck: boolean;
  /** GPUs the task reserves (`resourceRequirements` type GPU); 0 for a Neuron or CPU task. Default 1. */
  gpus?: number;
}

interface LocalTaskDefinition extends TaskDefinitionOptions {
  arn: string;
  revision: number;
}

interface LocalTask {
  arn: string;
  cluster: LocalCluster;
  definition: LocalTaskDefinition;
  instanceId: string | null;
  containerInstanceArn: string | null;
  /** The GPU ids it reserved on its container instance. */
  gpuIds: string[];
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY';
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  stopCode?: TaskStopCode;
  stoppedReason?: string;
  startedBy?: string;
  group: string;
  launchType: 'EC2' | undefined;
  capacityProviderName: string | undefined;
  timers: (() => void)[];
  /** The stand-in process of its container, while it runs (`WorkloadHooks`). */
  workload?: Promise<RunningWorkload>;
}

interface LocalCluster {
  name: string;
  arn: string;
  autoScalingGroups: string[];
  capacityProviders: string[];
  managedScaling: string[];
  /** instance id -> container instance (registered by its agent; INACTIVE once deregistered). */
  containerInstances: Map<string, LocalContainerInstance>;
}

/** A stand-in for a container's process (LocalCloud's optional real workload servers). */
export interface RunningWorkload {
  url: string;
  stop(): Promise<void>;
}

/**
 * What runs a task's container for real, when LocalCloud is given one: `start` when the task turns
 * RUNNING (ready to answer after `readyAt`), `check` for each container health check.
 */
export interface WorkloadHooks {
  start(task: {
    taskArn: string;
    instanceId: string;
    region: string;
    readyAt: Date;
  }): Promise<RunningWorkload>;
  check(url: string): Promise<boolean>;
}

/** The task definition's container health check: every 30 s, 5 retries, 300 s start period (worker/ecs.ts). */
const HEALTH_CHECK_INTERVAL_MS = 30_000;
const HEALTH_CHECK_RETRIES = 5;
const HEALTH_CHECK_START_PERIOD_MS = 300_000;
interface LocalContainerInstance {
  arn: string;
  instanceId: string;
  status: 'ACTIVE' | 'INACTIVE';
  agentConnected: boolean;
  registeredAt: Date;
  deregisteredAt: Date | null;
  /** The instance's GPUs as the agent registers them. */
  gpuIds: string[];
}

/**
 * NVIDIA GPUs per instance type (Amazon EC2 accelerated computing instance specifications); a type not listed
 * has one when it is a G or P type, none otherwise (Neuron types expose devices, not ECS GPU resources).
 */
const GPUS_PER_TYPE: Record<string, number> = {
  'g4dn.12xlarge': 4,
  'g4dn.metal': 8,
  'g5.12xlarge': 4,
  'g5.24xlarge': 4,
  'g5.48xlarge': 8,
  'g6.12xlarge': 4,
  'g6.24xlarge': 4,
  'g6.48xlarge': 8,
  'g6e.12xlarge': 4,
  'g6e.24xlarge': 4,
  'g6e.48xlarge': 8,
  'p4d.24xlarge': 8,
  'p4de.24xlarge': 8,
  'p5.48xlarge': 8,
  'p5e.48xlarge': 8,
};

export function gpusOf(instanceType: string): number {
  return GPUS_PER_TYPE[instanceType] ?? (/^[gp]\d/.test(instanceType) ? 1 : 0);
}

/** Deregistered container instances stay describable (INACTIVE) for about an hour, then are forgotten. */
const INACTIVE_RETENTION_MS = 60 * 60_000;
/** Stopped tasks stay listed and describable for an hour (`forgetStopped`). */
const STOPPED_VISIBLE_MS = 60 * 60_000;

/** A task's state as the change listeners see it. */
export interface TaskChange {
  taskArn: string;
  instanceId: string | null;
  lastStatus: string;
  healthStatus: string;
}
type TaskListener = (task: TaskChange) => void;

/** How long a stopped container takes to exit (SIGTERM, then the container's stop timeout). */
const STOP_MS = 5_000;
/** ECS gives up on a task waiting for capacity after this long. */
const PROVISIONING_TIMEOUT_MS = 30 * 60_000;

export class EcsService {
  private readonly clusters = new Map<string, LocalCluster>();
  private readonly definitions = new Map<string, LocalTaskDefinition>();
  /** Every task, oldest first. */
  private tasks: LocalTask[] = [];
  private readonly taskListeners: TaskListener[] = [];
  private inFlight = 0;
  /** Instances whose containers exit as soon as they start (a faulty GPU host): see `breakHost`. */
  private readonly brokenHosts = new Set<string>();

  constructor(
    private readonly ctx: RegionContext,
    private readonly ec2: Ec2Service,
    /** Runs containers for real (stand-in servers); without it a task's health follows the market's timings. */
    private readonly workload?: WorkloadHooks,
  ) {
    ec2.onStateChange((instance) => this.onInstanceState(instance));
  }

  /** Calls `listener` whenever a task starts running, turns healthy or stops. */
  onTaskChange(listener: TaskListener): void {
    this.taskListeners.push(listener);
  }

  createCluster(opts: ClusterOptions): void {
    this.clusters.set(opts.name, {
      name: opts.name,
      arn: `arn:aws:ecs:${this.ctx.region}:${this.ctx.accountId}:cluster/${opts.name}`,
      autoScalingGroups: opts.autoScalingGroups,
      capacityProviders: opts.capacityProviders ?? [],
      managedScaling: opts.managedScaling ?? [],
      containerInstances: new Map(),
    });
  }

  registerTaskDefinition(opts: TaskDefinitionOptions): string {
    const revision = [...this.definitions.values()].filter((d) => d.family === opts.family).length + 1;
    const arn = `arn:aws:ecs:${this.ctx.region}:${this.ctx.accountId}:task-definition/${opts.family}:${revision}`;
    const definition = { ...opts, arn, revision };
    this.definitions.set(arn, definition);
    return arn;
  }

  /** Tasks not yet stopped, for the local state view. */
  liveTasks(): {
    taskArn: string;
    cluster: string;
    lastStatus: string;
    healthStatus: string;
    instanceId: string | null;
  }[] {
    this.forgetStopped();
    return this.tasks
      .filter((t) => t.lastStatus !== 'STOPPED')
      .map((t) => ({
        taskArn: t.arn,
        cluster: t.cluster.name,
        lastStatus: t.lastStatus,
        healthStatus: t.healthStatus,
        instanceId: t.instanceId,
      }));
  }

  async runTask(input: RunTaskCommandInput): Promise<Output<RunTaskCommandOutput>> {
    const cluster = this.requireCluster(input.cluster);
    const definition = this.resolveDefinition(input.taskDefinition);
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) {
      throw awsError('ecs', 'InvalidParameterException', 'Count must be between 1 and 10.');
    }
    if (input.launchType && input.capacityProviderStrategy && input.capacityProviderStrategy.length > 0) {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'Specifying both a launch type and capacity provider strategy is not supported.',
      );
    }
    if (input.launchType && input.launchType !== 'EC2') {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        `LaunchType ${input.launchType} is not supported by this cluster's capacity.`,
      );
    }
    const strategy = input.capacityProviderStrategy ?? [];
    for (const item of strategy) {
      if (!item.capacityProvider || !cluster.capacityProviders.includes(item.capacityProvider)) {
        throw awsError(
          'ecs',
          'InvalidParameterException',
          `The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again. (${item.capacityProvider})`,
        );
      }
    }
    // Only a provider with managed scaling can hold a task until ECS has scaled the group out.
    const waitsForCapacity = strategy.some((s) => cluster.managedScaling.includes(s.capacityProvider!));
    const registered = [...cluster.containerInstances.values()].filter((ci) => ci.status === 'ACTIVE');
    if (!waitsForCapacity && registered.length === 0) {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'No Container Instances were found in your cluster.',
      );
    }
    const distinct = (input.placementConstraints ?? []).some((c) => c.type === 'distinctInstance');
    const gpus = definition.gpus ?? 1;
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (let i = 0; i < count; i++) {
      const free = this.placeable(cluster, gpus, distinct);
      if (!free && !waitsForCapacity) {
        failures.push(this.placementFailure(registered));
        continue;
      }
      const task: LocalTask = {
        arn: `arn:aws:ecs:${this.ctx.region}:${this.ctx.accountId}:task/${cluster.name}/${this.ctx.ids.hex(32)}`,
        cluster,
        definition,
        instanceId: null,
        containerInstanceArn: null,
        gpuIds: [],
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        createdAt: this.ctx.clock.now(),
        startedBy: input.startedBy,
        group: input.group ?? `family:${definition.family}`,
        launchType: strategy.length > 0 ? undefined : 'EC2',
        capacityProviderName: input.capacityProviderStrategy?.[0]?.capacityProvider,
        timers: [],
      };
      this.tasks.push(task);
      if (free) this.place(task, free, gpus);
      else {
        task.timers.push(
          this.ctx.clock.setTimer(PROVISIONING_TIMEOUT_MS, () =>
            this.stopNow(
              task,
              'TaskFailedToStart',
              'Capacity is unavailable at this time. Please try again later or in a different availability zone',
            ),
          ),
        );
      }
      tasks.push(this.toSdk(task));
    }
    return { tasks, failures };
  }

  async stopTask(input: StopTaskCommandInput): Promise<Output<StopTaskCommandOutput>> {
    const cluster = this.requireCluster(input.cluster);
    if (!input.task) throw awsError('ecs', 'InvalidParameterException', 'task can not be blank.');
    const task = this.findTask(cluster, input.task);
    if (!task) throw awsError('ecs', 'InvalidParameterException', 'The referenced task was not found.');
    if (task.desiredStatus !== 'STOPPED') {
      task.desiredStatus = 'STOPPED';
      const reason = input.reason ?? 'Task stopped by user';
      if (task.lastStatus === 'PROVISIONING') this.stopNow(task, 'UserInitiated', reason);
      else {
        task.stoppingAt = this.ctx.clock.now();
        task.timers.push(this.ctx.clock.setTimer(STOP_MS, () => this.stopNow(task, 'UserInitiated', reason)));
      }
    }
    return { task: this.toSdk(task) };
  }

  async listTasks(input: ListTasksCommandInput): Promise<Output<ListTasksCommandOutput>> {
    this.forgetStopped();
    const cluster = this.requireCluster(input.cluster);
    if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 100)) {
      throw awsError('ecs', 'InvalidParameterException', 'maxResults must be between 1 and 100.');
    }
    const desired = input.desiredStatus ?? 'RUNNING';
    const family = input.family;
    const selected = this.tasks.filter(
      (t) =>
        t.cluster === cluster &&
        t.desiredStatus === desired &&
        (!family || t.definition.family === family) &&
        (!input.startedBy || t.startedBy === input.startedBy),
    );
    const { page, nextToken } = paginate(selected, input.maxResults, input.nextToken, 100, () =>
      awsError('ecs', 'InvalidParameterException', 'Invalid nextToken.'),
    );
    return { taskArns: page.map((t) => t.arn), nextToken };
  }

  async describeTasks(input: DescribeTasksCommandInput): Promise<Output<DescribeTasksCommandOutput>> {
    const cluster = this.requireCluster(input.cluster);
    const refs = input.tasks ?? [];
    if (refs.length === 0) throw awsError('ecs', 'InvalidParameterException', 'Tasks cannot be empty.');
    if (refs.length > 100)
      throw awsError('ecs', 'InvalidParameterException', 'Tasks cannot have more than 100 entries.');
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const task = this.findTask(cluster, ref);
      if (task) tasks.push(this.toSdk(task));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return { tasks, failures };
  }

  /**
   * The cluster's container instances (ECS API Reference, ListContainerInstances): every registered one (never
   * a deregistered, INACTIVE one), or those with the `status` asked for, in pages of at most 100.
   */
  async listContainerInstances(
    input: ListContainerInstancesCommandInput,
  ): Promise<Output<ListContainerInstancesCommandOutput>> {
    const cluster = this.requireCluster(input.cluster);
    if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 100)) {
      throw awsError('ecs', 'InvalidParameterException', 'maxResults must be between 1 and 100.');
    }
    const selected = [...cluster.containerInstances.values()].filter((ci) => {
      const status = this.statusOf(ci);
      return status !== 'INACTIVE' && (!input.status || status === input.status);
    });
    const { page, nextToken } = paginate(selected, input.maxResults, input.nextToken, 100, () =>
      awsError('ecs', 'InvalidParameterException', 'Invalid nextToken.'),
    );
    return { containerInstanceArns: page.map((ci) => ci.arn), nextToken };
  }

  /**
   * Container instances with what ECS knows of them (ECS API Reference, DescribeContainerInstances): status,
   * whether the agent is connected, registered and remaining resources (GPU as a STRINGSET of GPU ids), task
   * counts. At most 100 references per call; one never registered in the cluster is a `MISSING` failure.
   */
  async describeContainerInstances(
    input: DescribeContainerInstancesCommandInput,
  ): Promise<Output<DescribeContainerInstancesCommandOutput>> {
    const cluster = this.requireCluster(input.cluster);
    const refs = input.containerInstances ?? [];
    if (refs.length === 0)
      throw awsError('ecs', 'InvalidParameterException', 'ContainerInstances cannot be empty.');
    if (refs.length > 100)
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'ContainerInstances cannot have more than 100 entries.',
      );
    const containerInstances: ContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const ci = [...cluster.containerInstances.values()].find(
        (c) => c.arn === ref || c.arn.endsWith(`/${ref}`),
      );
      if (!ci) {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      const live = this.tasks.filter((t) => t.containerInstanceArn === ci.arn && t.lastStatus !== 'STOPPED');
      const used = new Set(live.flatMap((t) => t.gpuIds));
      const gpu = (ids: string[]): Resource => ({ name: 'GPU', type: 'STRINGSET', stringSetValue: ids });
      containerInstances.push({
        containerInstanceArn: ci.arn,
        ec2InstanceId: ci.instanceId,
        status: this.statusOf(ci),
        agentConnected: ci.agentConnected,
        registeredAt: ci.registeredAt,
        registeredResources: [gpu(ci.gpuIds)],
        remainingResources: [gpu(ci.gpuIds.filter((id) => !used.has(id)))],
        runningTasksCount: live.filter((t) => t.lastStatus === 'RUNNING').length,
        pendingTasksCount: live.filter((t) => t.lastStatus !== 'RUNNING').length,
        attributes: [{ name: 'ecs.instance-type', value: this.ec2.get(ci.instanceId)?.instanceType }],
      });
    }
    return { containerInstances, failures };
  }

  /**
   * ACTIVE, or DRAINING once a Spot interruption warning reached an instance whose agent drains on it
   * (`ECS_ENABLE_SPOT_INSTANCE_DRAINING=true`, which spotplane's user data sets), or INACTIVE once deregistered.
   */
  private statusOf(ci: LocalContainerInstance): 'ACTIVE' | 'DRAINING' | 'INACTIVE' {
    if (ci.status === 'INACTIVE') return 'INACTIVE';
    return this.ec2.get(ci.instanceId)?.interruptionAt ? 'DRAINING' : 'ACTIVE';
  }

  private requireCluster(ref: string | undefined): LocalCluster {
    const name = (ref ?? 'default').replace(/^arn:aws:ecs:[^:]+:[^:]+:cluster\//, '');
    const cluster = this.clusters.get(name);
    if (!cluster) throw awsError('ecs', 'ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  private resolveDefinition(ref: string | undefined): LocalTaskDefinition {
    if (!ref) throw awsError('ecs', 'InvalidParameterException', 'taskDefinition can not be blank.');
    const exact = this.definitions.get(ref);
    if (exact) return exact;
    const short = ref.replace(/^arn:aws:ecs:[^:]+:[^:]+:task-definition\//, '');
    const [family, revision] = short.split(':');
    const matching = [...this.definitions.values()].filter(
      (d) => d.family === family && (revision === undefined || String(d.revision) === revision),
    );
    const latest = matching.sort((a, b) => b.revision - a.revision)[0];
    if (!latest) throw awsError('ecs', 'InvalidParameterException', 'TaskDefinition not found.');
    return latest;
  }

  /**
   * Forgets tasks stopped more than STOPPED_VISIBLE_MS ago: "stopped tasks appear in the returned results for at
   * least one hour" (ECS API Reference, DescribeTasks); LocalCloud forgets them as soon as that allows.
   */
  private forgetStopped(): void {
    const cutoff = this.ctx.clock.now().getTime() - STOPPED_VISIBLE_MS;
    if (this.tasks.some((t) => t.stoppedAt !== undefined && t.stoppedAt.getTime() <= cutoff)) {
      this.tasks = this.tasks.filter((t) => t.stoppedAt === undefined || t.stoppedAt.getTime() > cutoff);
    }
  }

  private findTask(cluster: LocalCluster, ref: string): LocalTask | undefined {
    this.forgetStopped();
    return this.tasks.find((t) => t.cluster === cluster && (t.arn === ref || t.arn.endsWith(`/${ref}`)));
  }

  /** A container instance that can take a task now: ACTIVE, agent connected, enough free GPUs. */
  private placeable(
    cluster: LocalCluster,
    gpus: number,
    distinct: boolean,
  ): LocalContainerInstance | undefined {
    for (const ci of cluster.containerInstances.values()) {
      if (this.statusOf(ci) !== 'ACTIVE' || !ci.agentConnected) continue;
      if (this.ec2.get(ci.instanceId)?.state !== 'running') continue;
      const live = this.tasks.filter((t) => t.containerInstanceArn === ci.arn && t.lastStatus !== 'STOPPED');
      if (distinct && live.length > 0) continue;
      const used = new Set(live.flatMap((t) => t.gpuIds));
      if (ci.gpuIds.filter((id) => !used.has(id)).length >= gpus) return ci;
    }
    return undefined;
  }

  /** Why a task found no container instance: AGENT when a candidate's agent is disconnected, else the GPUs. */
  private placementFailure(registered: LocalContainerInstance[]): Failure {
    const disconnected = registered.find((ci) => !ci.agentConnected);
    if (disconnected) {
      return {
        arn: disconnected.arn,
        reason: 'AGENT',
        detail: "The container instance's agent is disconnected; the task was not placed.",
      };
    }
    return {
      arn: registered[0]?.arn,
      reason: 'RESOURCE:GPU',
      detail: 'No container instance met the GPU requirement of the task.',
    };
  }

  private place(task: LocalTask, ci: LocalContainerInstance, gpus: number): void {
    for (const cancel of task.timers.splice(0)) cancel();
    const used = new Set(
      this.tasks
        .filter((t) => t.containerInstanceArn === ci.arn && t.lastStatus !== 'STOPPED')
        .flatMap((t) => t.gpuIds),
    );
    task.gpuIds = ci.gpuIds.filter((id) => !used.has(id)).slice(0, gpus);
    task.instanceId = ci.instanceId;
    task.containerInstanceArn = ci.arn;
    task.lastStatus = 'PENDING';
    task.pullStartedAt = this.ctx.clock.now();
    const market = this.ctx.market;
    task.timers.push(
      this.ctx.clock.setTimer(market.containerStartMs(), () => {
        if (task.lastStatus !== 'PENDING') return;
        if (this.brokenHosts.has(ci.instanceId)) {
          this.stopNow(task, 'EssentialContainerExited', 'Essential container in task exited');
          return;
        }
        task.lastStatus = 'RUNNING';
        task.pullStoppedAt = task.startedAt = this.ctx.clock.now();
        this.changed(task);
        if (this.workload) {
          this.runWorkload(task, this.workload, market.healthyAfterMs());
          return;
        }
        if (!task.definition.healthCheck) return;
        task.timers.push(
          this.ctx.clock.setTimer(market.healthyAfterMs(), () => {
            if (task.lastStatus !== 'RUNNING') return;
            task.healthStatus = 'HEALTHY';
            this.changed(task);
          }),
        );
      }),
    );
  }

  /**
   * The container of a RUNNING task as a real process (`WorkloadHooks`): started now, ready after
   * `loadMs`, and health-checked the way the ECS agent does it, every `HEALTH_CHECK_INTERVAL_MS`:
   * HEALTHY at the first passing check, UNHEALTHY after `HEALTH_CHECK_RETRIES` failures in a row once
   * the start period is over (task definition `healthCheck`; Amazon ECS Developer Guide, HealthCheck).
   */
  private runWorkload(task: LocalTask, hooks: WorkloadHooks, loadMs: number): void {
    const readyAt = new Date(this.ctx.clock.now().getTime() + loadMs);
    const started = this.ctx.clock.now().getTime();
    const instanceId = task.instanceId as string;
    task.workload = this.track(
      hooks.start({ taskArn: task.arn, instanceId, region: this.ctx.region, readyAt }),
    );
    let failures = 0;
    const check = () => {
      task.timers.push(
        this.ctx.clock.setTimer(HEALTH_CHECK_INTERVAL_MS, () => {
          if (task.lastStatus !== 'RUNNING' || !task.workload) return;
          void this.track(task.workload.then((w) => hooks.check(w.url)).catch(() => false)).then((passed) => {
            if (task.lastStatus !== 'RUNNING') return;
            const inStartPeriod = this.ctx.clock.now().getTime() - started < HEALTH_CHECK_START_PERIOD_MS;
            failures = passed ? 0 : inStartPeriod ? failures : failures + 1;
            const status = passed
              ? 'HEALTHY'
              : failures >= HEALTH_CHECK_RETRIES
                ? 'UNHEALTHY'
                : task.healthStatus;
            if (status !== task.healthStatus) {
              task.healthStatus = status;
              this.changed(task);
            }
            check();
          });
        }),
      );
    };
    if (task.definition.healthCheck) check();
  }

  /** Counts real work in flight (stand-in servers starting, stopping, answering checks). */
  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    return work.finally(() => {
      this.inFlight--;
    });
  }

  /** Real I/O the stand-in workloads are doing now; a virtual-clock test lets it finish before moving on. */
  workloadIoInFlight(): number {
    return this.inFlight;
  }

  /** Where the stand-in of each live task listens, for the local endpoint. */
  async workloads(): Promise<
    { taskArn: string; instanceId: string | null; healthStatus: string; url: string }[]
  > {
    const live = this.tasks.filter((t) => t.lastStatus === 'RUNNING' && t.workload);
    const urls = await Promise.all(
      live.map((t) =>
        (t.workload as Promise<{ url: string }>).then(
          (w) => w.url,
          () => null,
        ),
      ),
    );
    return live.flatMap((t, i) => {
      const url = urls[i];
      return url ? [{ taskArn: t.arn, instanceId: t.instanceId, healthStatus: t.healthStatus, url }] : [];
    });
  }

  /**
   * A host fault (a GPU that fails, as NVIDIA Xid errors do): the task running on `instanceId` exits now, and every
   * container placed there later exits as it starts (stop code EssentialContainerExited), while EC2 and the ECS
   * agent keep reporting the instance healthy. Returns the tasks stopped.
   */
  breakHost(instanceId: string): string[] {
    this.brokenHosts.add(instanceId);
    const live = this.tasks.filter((t) => t.instanceId === instanceId && t.lastStatus !== 'STOPPED');
    for (const task of live)
      this.stopNow(task, 'EssentialContainerExited', 'Essential container in task exited');
    return live.map((t) => t.arn);
  }

  private stopNow(task: LocalTask, stopCode: TaskStopCode, reason: string): void {
    if (task.lastStatus === 'STOPPED') return;
    for (const cancel of task.timers.splice(0)) cancel();
    const now = this.ctx.clock.now();
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.healthStatus = 'UNKNOWN';
    task.stoppingAt ??= now;
    task.stoppedAt = now;
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    if (task.workload) {
      // The container's process ends with the task: a stopped stand-in closes every connection.
      void this.track(task.workload.then((w) => w.stop()).catch(() => undefined));
      task.workload = undefined;
    }
    this.changed(task);
  }

  /** Tells the listeners (LocalCloud's Global Accelerator health checks) that a task moved on. */
  private changed(task: LocalTask): void {
    const view = {
      taskArn: task.arn,
      instanceId: task.instanceId,
      lastStatus: task.lastStatus,
      healthStatus: task.healthStatus,
    };
    for (const listener of this.taskListeners) listener(view);
  }

  private onInstanceState(instance: LocalInstance): void {
    for (const cluster of this.clusters.values()) {
      if (
        !instance.autoScalingGroupName ||
        !cluster.autoScalingGroups.includes(instance.autoScalingGroupName)
      ) {
        continue;
      }
      if (instance.state === 'running') {
        // The agent registers the instance only after it started (restore unit first, then ecs.service).
        this.ctx.clock.setTimer(this.ctx.market.agentRegistrationMs(), () =>
          this.register(cluster, instance),
        );
      } else if (instance.state === 'shutting-down' || instance.state === 'terminated') {
        const ci = cluster.containerInstances.get(instance.instanceId);
        if (ci) {
          // The agent goes down with the instance; a terminated instance is deregistered (INACTIVE).
          ci.agentConnected = false;
          if (instance.state === 'terminated') {
            ci.status = 'INACTIVE';
            ci.deregisteredAt = this.ctx.clock.now();
          }
        }
        for (const task of this.tasks) {
          if (task.instanceId === instance.instanceId) {
            this.stopNow(task, 'TerminationNotice', `Host EC2 (instance ${instance.instanceId}) terminated.`);
          }
        }
      }
    }
  }

  private register(cluster: LocalCluster, instance: LocalInstance): void {
    if (instance.state !== 'running' || cluster.containerInstances.has(instance.instanceId)) return;
    const now = this.ctx.clock.now();
    for (const [id, old] of cluster.containerInstances) {
      if (old.deregisteredAt && now.getTime() - old.deregisteredAt.getTime() > INACTIVE_RETENTION_MS) {
        cluster.containerInstances.delete(id);
      }
    }
    const ci: LocalContainerInstance = {
      arn: `arn:aws:ecs:${this.ctx.region}:${this.ctx.accountId}:container-instance/${cluster.name}/${this.ctx.ids.hex(32)}`,
      instanceId: instance.instanceId,
      status: 'ACTIVE',
      agentConnected: true,
      registeredAt: now,
      deregisteredAt: null,
      gpuIds: Array.from({ length: gpusOf(instance.instanceType) }, () => `GPU-${this.ctx.ids.uuid()}`),
    };
    cluster.containerInstances.set(instance.instanceId, ci);
    // Tasks waiting for capacity (a managed-scaling provider) get the new instance, as many as fit.
    for (const waiting of this.tasks.filter(
      (t) => t.cluster === cluster && t.lastStatus === 'PROVISIONING',
    )) {
      const gpus = waiting.definition.gpus ?? 1;
      if (this.placeable(cluster, gpus, false) !== ci) break;
      this.place(waiting, ci, gpus);
    }
  }

  private toSdk(t: LocalTask): Task {
    const containers: Container[] = [
      {
        containerArn: `${t.arn.replace(':task/', ':container/')}/${t.definition.containerName}`,
        taskArn: t.arn,
        name: t.definition.containerName,
        image: t.definition.image,
        lastStatus: t.lastStatus === 'PROVISIONING' ? 'PENDING' : t.lastStatus,
        healthStatus: t.healthStatus,
        ...(t.lastStatus === 'STOPPED' ? { exitCode: t.stopCode === 'UserInitiated' ? 0 : 137 } : {}),
      },
    ];
    const instance = t.instanceId ? this.ec2.get(t.instanceId) : undefined;
    return {
      taskArn: t.arn,
      clusterArn: t.cluster.arn,
      taskDefinitionArn: t.definition.arn,
      containerInstanceArn: t.containerInstanceArn ?? undefined,
      lastStatus: t.lastStatus,
      desiredStatus: t.desiredStatus,
      healthStatus: t.healthStatus,
      containers,
      createdAt: t.createdAt,
      pullStartedAt: t.pullStartedAt,
      pullStoppedAt: t.pullStoppedAt,
      startedAt: t.startedAt,
      stoppingAt: t.stoppingAt,
      stoppedAt: t.stoppedAt,
      executionStoppedAt: t.stoppedAt,
      stopCode: t.stopCode,
      stoppedReason: t.stoppedReason,
      startedBy: t.startedBy,
      group: t.group,
      launchType: t.launchType,
      capacityProviderName: t.capacityProviderName,
      availabilityZone: instance?.zone,
      attachments: [],
      tags: [],
      version: 1,
    };
  }
}
