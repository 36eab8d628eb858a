/**
 * A whole spotplane deployment inside LocalCloud, wired the way deploy.ts wires AWS (docs/DESIGN.md
 * "Events", "The hub's control loop"): the hub's bus, state table, rules and Lambdas; per worker region a
 * bus, a Spot Auto Scaling group, an ECS cluster, the worker Lambdas and rules; the real
 * `statemachines/*.asl.json` files and the real handlers (`lambdas/handlers.ts`) with LocalCloud clients
 * and the one clock. What runs where comes from the registry (`core/registry.ts`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceleratorFamily } from '../core/accelerator.ts';
import { type Config, groupMaxSize } from '../core/config.ts';
import { endpointGroupSettings, type StableEndpointRef } from '../core/endpoint.ts';
import { workerEventsPattern, workerPatterns } from '../core/event-patterns.ts';
import { INTENT_TAG, names, SCALE_IN_POLICIES, SUSPENDED_PROCESSES } from '../core/naming.ts';
import { ENDPOINT_WEIGHT } from '../core/plan/endpoints.ts';
import {
  HUB_LAMBDAS,
  type LambdaName,
  lambdaPlaceholders,
  type MachineKey,
  STATE_MACHINES,
  WORKER_LAMBDAS,
} from '../core/registry.ts';
import { DEFAULT_MODEL, WORKLOAD_CONTAINER, workload } from '../core/workload.ts';
import type { TimerClock } from '../emulator/clock.ts';
import { createLocalCloud } from '../emulator/index.ts';
import type { LocalFunction } from '../emulator/lambda.ts';
import { LatencyModel, noLatency } from '../emulator/latency.ts';
import type { LocalCloud } from '../emulator/local-cloud.ts';
import type { LaunchTiming, MarketInputs } from '../emulator/market.ts';
import { BACKSTOP_SCHEDULE } from '../lambdas/backstop/index.ts';
import { HANDLERS } from '../lambdas/handlers.ts';
import { makeObservability } from '../lambdas/shared/observability.ts';
import { createStateTableInput } from '../lambdas/shared/state-table.ts';
import { loadDefinition } from '../statemachines/load.ts';
import { orchestratorSettings, workerSettings } from '../statemachines/settings.ts';
import type { EndpointTarget } from './endpoint.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export { HUB_LAMBDAS, WORKER_LAMBDAS };

/** Default markets: distinct scores so the best region is obvious, prices in a realistic Spot band. */
const DEFAULT_MARKETS: Record<string, Partial<MarketInputs>> = {
  'us-east-1': { placementScore: 9, spotPrice: 0.32 },
  'us-west-2': { placementScore: 8, spotPrice: 0.3 },
  'eu-west-1': { placementScore: 7, spotPrice: 0.34 },
  'eu-central-1': { placementScore: 6, spotPrice: 0.36 },
};

export interface ControlPlaneOptions {
  config: Config;
  clock: TimerClock;
  seed?: number | string;
  /** Initial market per region (defaults above, else seeded). */
  markets?: Record<string, Partial<MarketInputs>>;
  capacityPool?: number;
  /** Price walk step (default 15 min); `Infinity` freezes prices so only `setMarket` moves them. */
  priceStepMs?: number;
  /** Fixed launch durations instead of the seeded ranges. */
  launchTiming?: Partial<LaunchTiming>;
  /** Spot interruption warning to termination (default 120 s); 0 = none. */
  interruptionNoticeMs?: number;
  /** Zone names per region where they differ from AWS's list (a trace's zones). */
  zones?: Record<string, readonly string[]>;
  /** false: closed executions keep their bill and drop their history (the simulator's long runs). */
  keepClosedHistory?: boolean;
  /** AWS's modelled latencies (`emulator/latency.ts`, seeded like the rest) unless `'none'`. */
  latency?: LatencyModel | 'none';
  /** Lambda log level; SILENT keeps tests and the server's console quiet. */
  logLevel?: 'SILENT' | 'INFO' | 'DEBUG';
  /** Where `statemachines/` is (the repository root). */
  rootDir?: string;
  /**
   * Run each ECS task's container as a real stand-in server (`npm start`, the endpoint e2e tests); off by
   * default, since the simulator would start thousands of them.
   */
  workloadServers?: boolean;
  /**
   * The URL `GET /spot-instances` shows as `endpoint` (`npm start`: its local endpoint); default the
   * emulated accelerator's DNS name on the container port, as on AWS.
   */
  endpointUrl?: string;
}

export class LocalControlPlane {
  readonly cloud: LocalCloud;
  readonly config: Config;
  readonly names: ReturnType<typeof names>;
  readonly orchestratorArn: string;
  /** State machines not wired because their file is missing or does not load. */
  readonly missing: string[] = [];
  /** The stable endpoint the hub manages (endpoint "global-accelerator"), as the hub stack creates it. */
  endpoint: StableEndpointRef | undefined;

  private constructor(
    private readonly opts: ControlPlaneOptions,
    private readonly rootDir: string,
  ) {
    this.config = opts.config;
    this.names = names(opts.config.prefix);
    const markets: Record<string, Partial<MarketInputs>> = {};
    for (const region of this.regions())
      markets[region] = { ...DEFAULT_MARKETS[region], ...opts.markets?.[region] };
    this.cloud = createLocalCloud({
      clock: opts.clock,
      seed: opts.seed ?? 1,
      instanceTypes: opts.config.instanceTypes,
      markets,
      capacityPool: opts.capacityPool,
      priceStepMs: opts.priceStepMs,
      launchTiming: opts.launchTiming,
      interruptionNoticeMs: opts.interruptionNoticeMs,
      zones: opts.zones,
      keepClosedHistory: opts.keepClosedHistory ?? true,
      latency: opts.latency === 'none' ? noLatency() : (opts.latency ?? new LatencyModel(opts.seed ?? 1)),
      ...(opts.workloadServers && {
        workloadServers: { model: DEFAULT_MODEL, healthPath: opts.config.container.healthCheckPath },
      }),
    });
    this.orchestratorArn = `arn:aws:states:${this.config.hubRegion}:${this.cloud.accountId}:stateMachine:${this.names.orchestratorStateMachine}`;
  }

  /** Builds the deployment; state machines whose files are missing are listed in `missing`, not faked. */
  static async create(opts: ControlPlaneOptions): Promise<LocalControlPlane> {
    const plane = new LocalControlPlane(opts, opts.rootDir ?? ROOT);
    await plane.build();
    return plane;
  }

  /** Hub region first, then the worker regions not already listed. */
  regions(): string[] {
    return [...new Set([this.config.hubRegion, ...this.config.workerRegions])];
  }

  /**
   * Where the local endpoint sends requests, each mapped to its stand-in server: with endpoint
   * "global-accelerator", exactly what Global Accelerator routes to (registered by the hub's plan,
   * weight > 0, HEALTHY); with "none" (no accelerator), every replica whose task is HEALTHY.
   */
  async endpointTargets(): Promise<EndpointTarget[]> {
    const servers = new Map<string, { url: string; healthStatus: string }>();
    for (const region of this.config.workerRegions) {
      for (const w of await this.cloud.region(region).ecs.workloads()) {
        if (w.instanceId) servers.set(`${region}/${w.instanceId}`, w);
      }
    }
    const candidates = this.endpoint
      ? this.cloud.globalAccelerator
          .routes()
          .map((r) => ({ region: r.region, instanceId: r.endpointId, weight: r.weight }))
      : [...servers]
          .filter(([, w]) => w.healthStatus === 'HEALTHY')
          .map(([key]) => {
            const [region = '', instanceId = ''] = key.split('/');
            return { region, instanceId, weight: ENDPOINT_WEIGHT };
          });
    return candidates.flatMap((c) => {
      const server = servers.get(`${c.region}/${c.instanceId}`);
      return server ? [{ ...c, url: server.url }] : [];
    });
  }

  /** The accelerator, its listener on the container port and one endpoint group per worker region (hub/endpoint.ts). */
  private async createEndpoint(): Promise<StableEndpointRef> {
    const ga = this.cloud.globalAccelerator;
    const { config } = this;
    const { Accelerator } = await ga.createAccelerator({
      Name: `${config.prefix}-endpoint`,
      IpAddressType: 'IPV4',
      Enabled: true,
    });
    const { Listener } = await ga.createListener({
      AcceleratorArn: Accelerator?.AcceleratorArn,
      Protocol: 'TCP',
      ClientAffinity: 'NONE',
      PortRanges: [{ FromPort: config.container.port, ToPort: config.container.port }],
    });
    const groups: Record<string, string> = {};
    for (const region of config.workerRegions) {
      const { EndpointGroup } = await ga.createEndpointGroup({
        ListenerArn: Listener?.ListenerArn,
        EndpointGroupRegion: region,
        ...endpointGroupSettings(config.container),
      });
      groups[region] = EndpointGroup?.EndpointGroupArn ?? '';
    }
    const url = this.opts.endpointUrl ?? `http://${Accelerator?.DnsName}:${config.container.port}/`;
    return { url, groups };
  }

  /** The product API, as API Gateway routes it: `/spot-provisioning` to ToggleProvisioning, the rest to GetInstanceDetails. */
  async handleApi(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const fn: LambdaName =
      event.rawPath === '/spot-provisioning' ? 'toggle-provisioning' : 'get-instance-details';
    const arn = this.cloud.lambdas.arn(this.config.hubRegion, this.names.lambda(fn));
    return (await this.cloud.lambdas.invoke(
      arn,
      event,
      this.config.hubRegion,
    )) as APIGatewayProxyStructuredResultV2;
  }

  private async build(): Promise<void> {
    const { cloud, config, names: n } = this;
    const hub = cloud.region(config.hubRegion);

    hub.events.createEventBus(n.hubBus);
    await hub.dynamodb.createTable(createStateTableInput(n.stateTable));
    if (config.endpoint === 'global-accelerator') this.endpoint = await this.createEndpoint();
    for (const fn of HUB_LAMBDAS) this.registerLambda(config.hubRegion, fn);

    for (const region of config.workerRegions) {
      const here = cloud.region(region);
      here.events.createEventBus(n.workerBus);
      here.autoScaling.createGroup({
        name: n.autoScalingGroup,
        instanceTypes: config.instanceTypes,
        minSize: 0,
        maxSize: groupMaxSize(config),
        desiredCapacity: 0,
        // As the worker stack creates it: no Capacity Rebalancing, AZRebalance suspended, the fence tag at 0, ECS's
        // managed tag.
        capacityRebalance: false,
        terminationPolicies: SCALE_IN_POLICIES,
        suspendedProcesses: SUSPENDED_PROCESSES,
        tags: { [INTENT_TAG]: '0', AmazonECSManaged: 'true' },
      });
      here.ecs.createCluster({
        name: n.ecsCluster,
        autoScalingGroups: [n.autoScalingGroup],
        capacityProviders: [n.ecsCapacityProvider],
      });
      here.ecs.registerTaskDefinition({
        family: n.ecsTaskDefinition,
        containerName: WORKLOAD_CONTAINER,
        image: workload(config).image,
        healthCheck: true,
        gpus: acceleratorFamily(config.instanceTypes) === 'nvidia' ? 1 : 0,
      });
      for (const fn of WORKER_LAMBDAS) this.registerLambda(region, fn);
    }

    await this.createMachine(config.hubRegion, 'orchestrator', {
      ...this.hubSubstitutions(),
      ...orchestratorSettings(config),
    });
    const workerMachines = new Map<string, Partial<Record<MachineKey, string>>>();
    for (const region of config.workerRegions) {
      const subs = { ...this.workerSubstitutions(region), ...workerSettings(config) };
      workerMachines.set(region, {
        launch: await this.createMachine(region, 'launch', subs),
        teardown: await this.createMachine(region, 'teardown', subs),
        capacityMonitor: await this.createMachine(region, 'capacityMonitor', subs),
      });
    }

    // Every rule is on from the start, as the stacks create them: nothing flows while disabled anyway.
    const waker = cloud.lambdas.arn(config.hubRegion, n.lambda('waker'));
    await this.rule(
      config.hubRegion,
      n.hubBus,
      n.workerEventsRule,
      workerEventsPattern(config.prefix),
      waker,
    );
    await hub.events.putDeployedRule({
      Name: n.backstopRule,
      ScheduleExpression: BACKSTOP_SCHEDULE,
      State: 'ENABLED',
    });
    await hub.events.putTargets({
      Rule: n.backstopRule,
      Targets: [{ Id: 'backstop', Arn: cloud.lambdas.arn(config.hubRegion, n.lambda('backstop')) }],
    });
    for (const region of config.workerRegions) {
      const p = workerPatterns(config.prefix, region, n.autoScalingGroup);
      const machines = workerMachines.get(region) ?? {};
      const workerBus = cloud.region(region).events.busArn(n.workerBus);
      await this.rule(config.hubRegion, n.hubBus, n.hubToWorkerRule(region), p.hubToWorker, workerBus);
      await this.rule(region, n.workerBus, n.launchRequestRule, p.launchRequested, machines.launch);
      await this.rule(region, n.workerBus, n.teardownRequestRule, p.teardownRequested, machines.teardown);
      await this.rule(region, 'default', n.interruptionRule, p.interruption, machines.capacityMonitor);
      if (config.useRebalanceRecommendation) {
        await this.rule(region, 'default', n.rebalanceRule, p.rebalance, machines.capacityMonitor);
      }
      await this.rule(region, 'default', n.stateChangeRule, p.stateChange, machines.capacityMonitor);
      await this.rule(
        region,
        'default',
        n.launchUnsuccessfulRule,
        p.launchUnsuccessful,
        machines.capacityMonitor,
      );
      await this.rule(region, n.workerBus, n.forwardToHubRule, p.toHub, hub.events.busArn(n.hubBus));
    }
  }

  private async rule(
    region: string,
    bus: string,
    name: string,
    pattern: object,
    targetArn: string | undefined,
  ) {
    const events = this.cloud.region(region).events;
    // Deployed with the stacks, long before anything is sent: matching from the start.
    await events.putDeployedRule({
      Name: name,
      EventBusName: bus,
      EventPattern: JSON.stringify(pattern),
      State: 'ENABLED',
    });
    // A rule whose target is not built (a missing state machine) still exists; `missing` names the machine.
    if (targetArn)
      await events.putTargets({ Rule: name, EventBusName: bus, Targets: [{ Id: 'target', Arn: targetArn }] });
  }

  private lambdaArn = (region: string) => (fn: LambdaName) =>
    this.cloud.lambdas.arn(region, this.names.lambda(fn));

  private hubSubstitutions(): Record<string, string> {
    const { config, names: n } = this;
    const hub = config.hubRegion;
    return {
      Prefix: config.prefix,
      Region: hub,
      HubRegion: hub,
      HubBusName: n.hubBus,
      HubBusArn: this.cloud.region(hub).events.busArn(n.hubBus),
      OrchestratorArn: this.orchestratorArn,
      ...lambdaPlaceholders('hub', this.lambdaArn(hub)),
    };
  }

  private workerSubstitutions(region: string): Record<string, string> {
    const { config, names: n } = this;
    return {
      Prefix: config.prefix,
      Region: region,
      HubRegion: config.hubRegion,
      HubBusName: n.hubBus,
      HubBusArn: this.cloud.region(config.hubRegion).events.busArn(n.hubBus),
      WorkerBusName: n.workerBus,
      AsgName: n.autoScalingGroup,
      ClusterName: n.ecsCluster,
      CapacityProviderName: n.ecsCapacityProvider,
      TaskDefinition: `arn:aws:ecs:${region}:${this.cloud.accountId}:task-definition/${n.ecsTaskDefinition}:1`,
      TaskDefinitionFamily: n.ecsTaskDefinition,
      ContainerName: WORKLOAD_CONTAINER,
      Subnets: 'subnet-0local',
      ...lambdaPlaceholders('worker', this.lambdaArn(region)),
    };
  }

  /** Returns the machine's ARN, or undefined (and records it as missing) when its file is absent or invalid. */
  private async createMachine(
    region: string,
    key: MachineKey,
    substitutions: Record<string, string>,
  ): Promise<string | undefined> {
    const file = STATE_MACHINES[key].file;
    const path = join(this.rootDir, 'statemachines', file);
    if (!existsSync(path)) {
      if (!this.missing.includes(`statemachines/${file}`)) this.missing.push(`statemachines/${file}`);
      return undefined;
    }
    const n = this.names;
    const name = {
      orchestrator: n.orchestratorStateMachine,
      launch: n.launchStateMachine,
      teardown: n.teardownStateMachine,
      capacityMonitor: n.capacityMonitorStateMachine,
    }[key];
    let definition: unknown;
    try {
      // One substitution set serves several files, so each file may leave some of it unused.
      definition = loadDefinition(path, substitutions, { allowUnused: true });
    } catch (error) {
      const problems = (error as { problems?: string[] }).problems;
      this.missing.push(`statemachines/${file} (${problems?.join('; ') ?? (error as Error).message})`);
      return undefined;
    }
    const { stateMachineArn } = await this.cloud.region(region).sfn.createStateMachine({
      name,
      roleArn: `arn:aws:iam::${this.cloud.accountId}:role/${name}`,
      definition: JSON.stringify(definition),
    });
    return stateMachineArn;
  }

  private registerLambda(region: string, fn: LambdaName): void {
    const observability = makeObservability(fn, { logLevel: this.opts.logLevel ?? 'SILENT' });
    // The union of what the handler factories take (lambdas/handlers.ts): each reads the keys it needs.
    const handler = HANDLERS[fn]({
      clients: this.cloud.clients(),
      config: this.config,
      clock: this.opts.clock,
      observability,
      region,
      orchestratorArn: this.orchestratorArn,
      asgName: this.names.autoScalingGroup,
      sleep: (ms, signal) => this.opts.clock.sleep(ms, signal),
      ...(this.endpoint && { endpoint: this.endpoint }),
    });
    this.cloud.lambdas.register(region, this.names.lambda(fn), handler as LocalFunction);
  }
}
