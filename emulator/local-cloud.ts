/**
 * LocalCloud: every region spotplane touches, emulated in-process on one clock. Services keep AWS's
 * action names and SDK v3 shapes; `clients()` hands out real SDK clients that are short-circuited to
 * them, and `dispatchTask` answers the Step Functions runtime's Task calls from the same table.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AWS_REGIONS } from '../core/regions.ts';
import type { AwsClients } from '../lambdas/shared/clients.ts';
import { AutoScalingService } from './autoscaling.ts';
import type { TimerClock, VirtualClock } from './clock.ts';
import { IdSource, type RegionContext } from './context.ts';
import { DynamoDbService } from './dynamodb/service.ts';
import { Ec2Service } from './ec2.ts';
import { EcsService, type WorkloadHooks } from './ecs.ts';
import { awsError, type FaultService, type ServiceName } from './errors.ts';
import { type BusEvent, type DeliveryFault, EventBridgeService } from './eventbridge.ts';
import {
  GLOBAL_ACCELERATOR_API_REGION,
  GlobalAcceleratorService,
  type HealthCheck,
} from './globalaccelerator.ts';
import { LambdaRegistry } from './lambda.ts';
import { LAMBDA_IDLE_RECYCLE_MS, type LatencyKind, type LatencyModel, noLatency } from './latency.ts';
import { type LaunchTiming, type MarketInputs, RegionMarket } from './market.ts';
import { localClients } from './sdk-clients.ts';
import { SfnService, type StepFunctionsRuntimeFactory } from './sfn.ts';
import { dispatchTask } from './sfn-dispatch.ts';
import { SsmService } from './ssm.ts';
import { startWorkloadServer } from './workload-server.ts';

export interface LocalCloudOptions {
  clock: TimerClock;
  /**
   * Run every ECS task's container as a real stand-in server on loopback (`workload-server.ts`) that
   * health checks really probe; off by default (the simulator must not start thousands of servers).
   */
  workloadServers?: { model: string; healthPath: string };
  /** Same seed, same market walk, ids and timings. */
  seed?: number | string;
  accountId?: string;
  /** Instance types the markets price (the first is what Auto Scaling launches by default). */
  instanceTypes?: readonly string[];
  /** Initial market per region; regions not listed get a seeded one when first used. */
  markets?: Record<string, Partial<MarketInputs>>;
  /** Instances each region can hold while capacity is available. */
  capacityPool?: number;
  /** Price walk step (default 15 min); `Infinity` freezes prices so only `setMarket` moves them. */
  priceStepMs?: number;
  /** Fixed launch durations instead of the seeded 60-90 s boot and 30-60 s container start + health. */
  launchTiming?: Partial<LaunchTiming>;
  /** Spot interruption warning to termination (default 120 s, as AWS); 0 = reclaimed without a warning. */
  interruptionNoticeMs?: number;
  /** Zone names per region where they differ from AWS's list (`core/zones.ts`), e.g. a trace's zones. */
  zones?: Record<string, readonly string[]>;
  stepFunctions: StepFunctionsRuntimeFactory;
  /** false: closed executions keep their bill, not their history (`emulator/sfn/runtime.ts`). */
  keepClosedHistory?: boolean;
  lambdas?: LambdaRegistry;
  /**
   * AWS's latencies (`emulator/latency.ts`), applied on the clock; none by default, so a test that calls
   * LocalCloud without moving a virtual clock gets its answer at once.
   */
  latency?: LatencyModel;
}

export interface RegionCloud {
  region: string;
  market: RegionMarket;
  ec2: Ec2Service;
  autoScaling: AutoScalingService;
  ecs: EcsService;
  ssm: SsmService;
  events: EventBridgeService;
  sfn: SfnService;
  dynamodb: DynamoDbService;
}

type Action = (input: never) => Promise<object>;
/** Services answered from a table of bound methods (DynamoDB goes through its SDK transport instead). */
type TabledService = Exclude<ServiceName, 'dynamodb' | 'globalaccelerator'>;

/**
 * One health check over HTTP (real time: the request is on loopback): passes on a 2xx/3xx answer, or for
 * a TCP check on any answer at all (the port accepted the connection).
 */
async function httpCheck(url: string, anyAnswer: boolean): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return anyAnswer || (res.status >= 200 && res.status < 400);
  } catch {
    return false;
  }
}

/** The Global Accelerator actions LocalCloud answers. */
const GLOBAL_ACCELERATOR_ACTIONS = [
  'createAccelerator',
  'describeAccelerator',
  'listAccelerators',
  'updateAccelerator',
  'deleteAccelerator',
  'createListener',
  'describeListener',
  'listListeners',
  'deleteListener',
  'createEndpointGroup',
  'describeEndpointGroup',
  'listEndpointGroups',
  'updateEndpointGroup',
  'deleteEndpointGroup',
  'addEndpoints',
  'removeEndpoints',
] as const;

/** Lambda retries a failed asynchronous invocation twice: about a minute, then two minutes later. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;

/** An AWS error LocalCloud throws instead of answering, for tests of how callers cope (throttling, outages). */
export interface Fault {
  service: FaultService;
  /** AWS's PascalCase action name, e.g. `DescribeSpotPriceHistory`. */
  action: string;
  /** Only in this region; every region when omitted. */
  region?: string;
  /**
   * AWS error code thrown, e.g. `ThrottlingException`, `RequestLimitExceeded`, `InternalError`. Two
   * special cases: `FailedEntry` on EventBridge `PutEvents` answers normally but with every entry failed
   * (see `FAILED_ENTRY`); on `lambda` `Invoke`, a name the Lambda API does not model is a function error
   * (see `LambdaRegistry`).
   */
  error: string;
  /** How many calls fail before the action answers again; every call when omitted. */
  times?: number;
}

/**
 * The fault that makes PutEvents answer with failed entries instead of an error (contract:
 * `/_local/fault` `"error": "FailedEntry"`). Each entry fails with `InternalFailure`, the retryable
 * code the PutEvents API reference lists for "an unknown error, exception or failure"
 * (PutEventsResultEntry.ErrorCode), with that description as ErrorMessage.
 */
export const FAILED_ENTRY = 'FailedEntry';
const FAILED_ENTRY_RESULT = {
  ErrorCode: 'InternalFailure',
  ErrorMessage: 'The request processing has failed because of an unknown error, exception or failure.',
} as const;

export class LocalCloud {
  readonly clock: TimerClock;
  readonly accountId: string;
  readonly lambdas: LambdaRegistry;
  readonly seed: number | string;
  private readonly instanceTypes: readonly string[];
  private readonly regions = new Map<string, RegionCloud>();
  private readonly tables = new Map<string, Record<TabledService, Record<string, Action>>>();
  private readonly faults: (Fault & { remaining: number })[] = [];
  private readonly deliveryFaults: (DeliveryFault & { remaining: number })[] = [];
  readonly latency: LatencyModel;
  /** Set while LocalCloud runs work that is itself on the clock (a Step Functions task, an async invocation). */
  private readonly onClock = new AsyncLocalStorage<true>();
  /** Per function ARN: when each idle execution environment was last used (warm for LAMBDA_IDLE_RECYCLE_MS). */
  private readonly idleEnvironments = new Map<string, number[]>();
  private ga: GlobalAcceleratorService | undefined;
  private io = 0;

  constructor(private readonly opts: LocalCloudOptions) {
    this.clock = opts.clock;
    this.seed = opts.seed ?? 1;
    this.accountId = opts.accountId ?? '123456789012';
    this.lambdas = opts.lambdas ?? new LambdaRegistry(this.accountId);
    this.lambdas.gate = (functionRegion) => this.takeFault(functionRegion, 'lambda', 'Invoke');
    this.instanceTypes = opts.instanceTypes ?? ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'];
    this.latency = opts.latency ?? noLatency();
    for (const region of Object.keys(opts.markets ?? {})) this.region(region);
    // A DynamoDB request spans event-loop turns: a virtual clock must not jump while one is answered.
    const virtual = opts.clock as Partial<Pick<VirtualClock, 'holdWhile'>>;
    virtual.holdWhile?.(() => [...this.regions.values()].some((r) => r.dynamodb.busy()));
  }

  /** The emulation of `region`, created on first use. */
  region(region: string): RegionCloud {
    let cloud = this.regions.get(region);
    if (!cloud) {
      cloud = this.createRegion(region);
      this.regions.set(region, cloud);
    }
    return cloud;
  }

  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** SDK v3 clients per region whose requests never leave the process. */
  clients(): AwsClients {
    return localClients(this);
  }

  /** Calls `service`'s `action` (AWS's PascalCase name) in `region` with an SDK v3 input. */
  async call(region: string, service: ServiceName, action: string, input: object): Promise<object> {
    // A call made on the clock (from a task or an async invocation) takes an AWS round trip; one from outside
    // (a test, the local HTTP API) is answered at once, since nothing would move a virtual clock meanwhile.
    if (this.onClock.getStore()) await this.pause('apiCall');
    const fault = this.takeFault(region, service, action);
    if (fault === FAILED_ENTRY && service === 'eventbridge' && action === 'PutEvents') {
      const entries = (input as { Entries?: unknown[] }).Entries ?? [];
      return { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ...FAILED_ENTRY_RESULT })) };
    }
    if (fault) throw awsError(service, fault, `${fault} injected by LocalCloud for ${service}:${action}`);
    // DynamoDB answers through the SDK's own protocol stack (see dynamodb/service.ts), by command name.
    if (service === 'dynamodb') return this.region(region).dynamodb.send(action, input);
    if (service === 'globalaccelerator') return this.callGlobalAccelerator(region, action, input);
    const table = this.table(region);
    const fn = table[service]?.[action];
    if (!fn) {
      throw awsError(service, 'UnsupportedOperation', `LocalCloud does not emulate ${service}:${action}`);
    }
    return fn(input as never);
  }

  /**
   * Global Accelerator, one for the whole account. Its API has one endpoint, in us-west-2: a client
   * configured for any other region fails the way the SDK does when the host does not resolve.
   */
  get globalAccelerator(): GlobalAcceleratorService {
    this.ga ??= new GlobalAcceleratorService({
      clock: this.clock,
      accountId: this.accountId,
      ids: new IdSource(`${this.seed}/globalaccelerator`),
      isRegion: (r) => (AWS_REGIONS as readonly string[]).includes(r),
      instanceState: (r, id) => (this.regions.has(r) ? this.region(r).ec2.get(id)?.state : undefined),
      probe: (check) => this.probeEndpoint(check),
    });
    return this.ga;
  }

  private async callGlobalAccelerator(region: string, action: string, input: object): Promise<object> {
    if (region !== GLOBAL_ACCELERATOR_API_REGION) {
      const host = `globalaccelerator.${region}.amazonaws.com`;
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
        hostname: host,
        $metadata: { attempts: 1, totalRetryDelay: 0 },
      });
    }
    const ga = this.globalAccelerator;
    const name = action[0]!.toLowerCase() + action.slice(1);
    const fn = GLOBAL_ACCELERATOR_ACTIONS.includes(name as never)
      ? ((ga[name as keyof GlobalAcceleratorService] as Action).bind(ga) as Action)
      : undefined;
    if (!fn) {
      throw awsError(
        'globalaccelerator',
        'UnsupportedOperation',
        `LocalCloud does not emulate globalaccelerator:${action}`,
      );
    }
    return fn(input as never);
  }

  /**
   * One GA health check of an EC2 instance endpoint: the instance must be running with a task of
   * ours on it; an HTTP/S check also needs the container's health check to pass (the same path).
   */
  private async probeEndpoint(check: HealthCheck): Promise<boolean> {
    if (!this.regions.has(check.region)) return false;
    const here = this.region(check.region);
    if (here.ec2.get(check.endpointId)?.state !== 'running') return false;
    if (this.opts.workloadServers) {
      // A real request to the stand-in on the instance, as GA's health checkers would send one.
      const server = (await here.ecs.workloads()).find((w) => w.instanceId === check.endpointId);
      if (!server) return false;
      const path = check.protocol === 'TCP' ? this.opts.workloadServers.healthPath : check.path;
      return this.trackIo(httpCheck(`${server.url}${path}`, check.protocol === 'TCP'));
    }
    const task = here.ecs
      .liveTasks()
      .find((t) => t.instanceId === check.endpointId && t.lastStatus === 'RUNNING');
    if (!task) return false;
    return check.protocol === 'TCP' || task.healthStatus === 'HEALTHY';
  }

  /** The stand-in servers' start / check hooks for ECS, when `workloadServers` is on. */
  private workloadHooks(): WorkloadHooks | undefined {
    const options = this.opts.workloadServers;
    if (!options) return undefined;
    return {
      start: ({ instanceId, region, readyAt }) =>
        startWorkloadServer({
          instanceId,
          region,
          readyAt,
          clock: this.clock,
          ...options,
          healthPath: options.healthPath,
        }),
      check: (url) => httpCheck(`${url}${options.healthPath}`, false),
    };
  }

  private trackIo<T>(work: Promise<T>): Promise<T> {
    this.io++;
    return work.finally(() => {
      this.io--;
    });
  }

  /**
   * Real I/O in flight (stand-in servers starting or stopping, health checks on the wire). A test on a
   * virtual clock waits for 0 before moving time, so a check's answer lands at the time it was asked.
   */
  ioInFlight(): number {
    return this.io + [...this.regions.values()].reduce((n, r) => n + r.ecs.workloadIoInFlight(), 0);
  }

  /** Makes matching calls fail with an AWS error (see `Fault`); `clearFaults()` undoes it. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.deliveryFaults.length = 0;
  }

  /**
   * Makes the next `times` (default 1) rule -> target deliveries that match the filter late (`delay`, so later
   * events overtake them), twice (`duplicate`, as at-least-once delivery allows) or never (`drop`).
   */
  injectDeliveryFault(fault: DeliveryFault): void {
    if (fault.kind === 'delay' && !(Number(fault.delayMs) > 0)) {
      throw new RangeError('a delay fault needs delayMs > 0');
    }
    this.deliveryFaults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /**
   * Invokes a function as an AWS service does on its own schedule (a Step Functions task, an async event):
   * a cold or warm start first, and its SDK calls pay API latency.
   */
  async invokeOnClock(arn: string, payload: unknown, callerRegion: string): Promise<unknown> {
    return this.onClock.run(true, async () => {
      const key = arn.startsWith('arn:') ? arn : `${callerRegion}/${arn}`;
      const now = this.clock.now().getTime();
      const idle = (this.idleEnvironments.get(key) ?? []).filter((t) => now - t < LAMBDA_IDLE_RECYCLE_MS);
      const warm = idle.pop() !== undefined;
      this.idleEnvironments.set(key, idle);
      await this.pause(warm ? 'lambdaWarmStart' : 'lambdaColdStart');
      try {
        return await this.lambdas.invoke(arn, payload, callerRegion);
      } finally {
        this.idleEnvironments.get(key)?.push(this.clock.now().getTime());
      }
    });
  }

  /** Waits one modelled occurrence of `kind` on the clock (nothing when the model says 0). */
  async pause(kind: LatencyKind, signal?: AbortSignal): Promise<void> {
    const ms = this.latency.sample(kind);
    if (ms > 0) await this.clock.sleep(ms, signal);
  }

  /** The AWS actions of `service` LocalCloud answers (what a fault can target), PascalCase. */
  actions(service: FaultService): string[] {
    if (service === 'lambda') return ['Invoke'];
    if (service === 'dynamodb') return DynamoDbService.operations();
    if (service === 'globalaccelerator')
      return GLOBAL_ACCELERATOR_ACTIONS.map((a) => a[0]!.toUpperCase() + a.slice(1));
    const region = this.regions.keys().next().value ?? 'us-east-1';
    return Object.keys(this.table(region)[service]);
  }

  /** Faults still armed (remaining > 0), for the local state view. */
  pendingFaults(): (Fault & { remaining: number })[] {
    return this.faults.filter((f) => f.remaining > 0).map((f) => ({ ...f }));
  }

  /**
   * Consumes one matching fault for a call about to be made, and returns the AWS error name it
   * injects (undefined when the call should go through).
   */
  takeFault(region: string, service: FaultService, action: string): string | undefined {
    const fault = this.faults.find(
      (f) =>
        f.service === service && f.action === action && (!f.region || f.region === region) && f.remaining > 0,
    );
    if (!fault) return undefined;
    fault.remaining--;
    return fault.error;
  }

  /** Ends every execution and frees every region's DynamoDB store (nothing stays open after a test). */
  async close(): Promise<void> {
    for (const r of this.regions.values()) {
      r.sfn.runtime.close?.();
      await r.dynamodb.close();
    }
  }

  /**
   * Sets any of a region's market inputs from now on (the simulator drives these from a trace). A zone whose
   * capacity drops below the Spot instances running in it interrupts the excess (newest first); returns the
   * instance ids warned. A zone that gets capacity back may leave a group unbalanced: Auto Scaling checks.
   */
  setMarket(region: string, inputs: Partial<MarketInputs>): string[] {
    const cloud = this.region(region);
    cloud.market.set(inputs);
    const warned = Object.keys(inputs.zoneCapacity ?? {}).flatMap((zone) => cloud.ec2.reclaimZone(zone));
    cloud.autoScaling.marketChanged();
    return warned;
  }

  /** Interruption warning for every Spot instance in `region`; they terminate two minutes later. */
  interrupt(region: string): string[] {
    return this.region(region).ec2.interruptAll();
  }

  /** A faulty GPU host in `region`: its containers exit, now and whenever one is placed there (`EcsService.breakHost`). */
  breakHost(region: string, instanceId: string): string[] {
    return this.region(region).ecs.breakHost(instanceId);
  }

  /** EC2 rebalance recommendation for every Spot instance in `region` (no termination follows by itself). */
  recommendRebalance(region: string): string[] {
    return this.region(region).ec2.recommendRebalance();
  }

  /** Event deliveries still running anywhere (0 once every rule target has been reached). */
  deliveriesInFlight(): number {
    return [...this.regions.values()].reduce((n, r) => n + r.events.inFlight(), 0);
  }

  private createRegion(region: string): RegionCloud {
    const market = new RegionMarket({
      region,
      seed: this.seed,
      clock: this.clock,
      instanceTypes: this.instanceTypes,
      initial: this.opts.markets?.[region],
      capacityPool: this.opts.capacityPool,
      priceStepMs: this.opts.priceStepMs,
      timing: this.opts.launchTiming,
      zones: this.opts.zones?.[region],
    });
    let events: EventBridgeService | undefined;
    const ctx: RegionContext = {
      region,
      accountId: this.accountId,
      clock: this.clock,
      market,
      ids: new IdSource(`${this.seed}/${region}`),
      interruptionNoticeMs: this.opts.interruptionNoticeMs,
      describeLagMs: () => this.latency.sample('ec2DescribeConsistency'),
      emitAwsEvent: (event) => events?.emitAwsEvent(event),
    };
    const ec2 = new Ec2Service(ctx, () => [...this.regions.values()].map((r) => r.market));
    events = new EventBridgeService(ctx, {
      deliver: (arn, input, event) => this.deliverToTarget(arn, input, event),
      latency: this.latency,
      takeFault: (rule, event) => this.takeDeliveryFault(region, rule, event),
    });
    const runtime = this.opts.stepFunctions({
      region,
      accountId: this.accountId,
      clock: this.clock,
      keepClosedHistory: this.opts.keepClosedHistory ?? true,
      // A state transition and the Task's dispatch take time; the integration's own call then pays API latency.
      dispatch: (call) =>
        this.onClock.run(true, async () => {
          await this.pause('stepFunctionsTransition', call.signal);
          return dispatchTask(this, call);
        }),
    });
    // An endpoint's health follows its instance and task: tell Global Accelerator to check again.
    const recheck = (instanceId: string | null) => {
      if (instanceId) this.ga?.recheck(region, instanceId);
    };
    ec2.onStateChange((instance) => recheck(instance.instanceId));
    const ecs = new EcsService(ctx, ec2, this.workloadHooks());
    ecs.onTaskChange((task) => recheck(task.instanceId));
    return {
      region,
      market,
      ec2,
      autoScaling: new AutoScalingService(ctx, ec2),
      ecs,
      ssm: new SsmService(ctx),
      events,
      sfn: new SfnService(runtime, this.clock),
      dynamodb: new DynamoDbService(ctx, (action) => this.takeFault(region, 'dynamodb', action)),
    };
  }

  private table(region: string): Record<TabledService, Record<string, Action>> {
    let table = this.tables.get(region);
    if (table) return table;
    const r = this.region(region);
    const bind = <T extends object>(service: T, actions: (keyof T & string)[]) =>
      Object.fromEntries(
        actions.map((a) => [a[0]!.toUpperCase() + a.slice(1), (service[a] as Action).bind(service)]),
      );
    table = {
      ec2: bind(r.ec2, ['describeInstances', 'getSpotPlacementScores', 'describeSpotPriceHistory']),
      autoscaling: bind(r.autoScaling, [
        'setDesiredCapacity',
        'createOrUpdateTags',
        'describeTags',
        'updateAutoScalingGroup',
        'describeAutoScalingGroups',
        'describeAutoScalingInstances',
        'describeScalingActivities',
        'suspendProcesses',
        'resumeProcesses',
        'terminateInstanceInAutoScalingGroup',
      ]),
      ecs: bind(r.ecs, [
        'runTask',
        'stopTask',
        'listTasks',
        'describeTasks',
        'listContainerInstances',
        'describeContainerInstances',
      ]),
      ssm: bind(r.ssm, ['getParameter', 'getParameters', 'putParameter', 'deleteParameter']),
      eventbridge: bind(r.events, [
        'putEvents',
        'putRule',
        'enableRule',
        'disableRule',
        'describeRule',
        'listRules',
        'putTargets',
        'listTargetsByRule',
      ]),
      sfn: bind(r.sfn, [
        'createStateMachine',
        'listStateMachines',
        'startExecution',
        'stopExecution',
        'describeExecution',
        'listExecutions',
        'sendTaskSuccess',
        'sendTaskFailure',
        'sendTaskHeartbeat',
      ]),
    };
    this.tables.set(region, table);
    return table;
  }

  /**
   * Lambda's asynchronous invocation, as EventBridge uses it: the result is dropped, and a function error
   * is retried twice, about one and two minutes later.
   */
  private async invokeAsync(arn: string, input: unknown, region: string): Promise<void> {
    await this.pause('lambdaAsyncQueue');
    for (let attempt = 0; ; attempt++) {
      try {
        await this.invokeOnClock(arn, input, region);
        return;
      } catch (error) {
        const delay = ASYNC_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || (error as Error).name === 'ResourceNotFoundException') throw error;
        await this.clock.sleep(delay);
      }
    }
  }

  private takeDeliveryFault(region: string, rule: string, event: BusEvent): DeliveryFault | undefined {
    const fault = this.deliveryFaults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.region || f.region === region) &&
        (!f.rule || f.rule === rule) &&
        (!f.source || f.source === event.source) &&
        (!f.detailType || f.detailType === event['detail-type']),
    );
    if (fault) fault.remaining--;
    return fault;
  }

  /** Rule targets: a bus in any region, a state machine, or a Lambda function. */
  private async deliverToTarget(arn: string, input: unknown, event: BusEvent): Promise<void> {
    const match = /^arn:aws:([a-z]+):([a-z0-9-]+):\d*:(.+)$/.exec(arn);
    if (!match) throw new Error(`Unsupported target ARN: ${arn}`);
    const [, service, region, resource] = match as unknown as [string, string, string, string];
    if (service === 'events' && resource.startsWith('event-bus/')) {
      if (region !== event.region) await this.pause('crossRegionBusToBus');
      this.region(region).events.receive(resource.slice('event-bus/'.length), event);
    } else if (service === 'states' && resource.startsWith('stateMachine:')) {
      await this.region(region).sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify(input) });
    } else if (service === 'lambda' && resource.startsWith('function:')) {
      await this.invokeAsync(arn, input, region);
    } else {
      throw new Error(`Unsupported target ARN: ${arn}`);
    }
  }
}
