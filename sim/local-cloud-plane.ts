/**
 * spotplane on LocalCloud as the simulator's control plane: `LocalControlPlane` (emulator/, local/deployment.ts) wires
 * the real state machine files and Lambda handlers onto LocalCloud; this adapter gives the driver the
 * `SimulatedControlPlane` view of it, on a virtual clock that starts at the trace's start.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Config, parseConfig } from '../core/config.ts';
import { type VirtualClock, virtualClock } from '../emulator/clock.ts';
import type { LaunchTiming, MarketInputs } from '../emulator/index.ts';
import { LocalControlPlane } from '../local/deployment.ts';
import { SimRunError } from './errors.ts';
import type { ControlPlaneFactory, SimulateOptions } from './simulate.ts';
import type { ObservedInstance, SimulatedControlPlane } from './simulated-plane.ts';
import type { ControlPlaneUsage } from './timeline.ts';
import { type MarketState, marketAt, type Trace } from './trace.ts';

export interface LocalCloudPlaneOptions {
  hubRegion?: string;
  /** Fixed launch durations for a scenario (e.g. boot + ready = 90 s); LocalCloud's seeded ranges otherwise. */
  launchTiming?: Partial<LaunchTiming>;
}

/**
 * Splits a fixed "boot + container healthy" time over LocalCloud's launch phases in the proportions of its
 * defaults: boot 1/2, ECS agent registration 1/6, container start 2/9, health check 1/9 (120 s: 60 / 20 /
 * 26.7 / 13.3 s).
 */
export function launchTimingOf(seconds: number): LaunchTiming {
  const totalMs = Math.round(seconds * 1000);
  const agentRegistrationMs = Math.round(totalMs / 6);
  const containerStartMs = Math.round((totalMs * 2) / 9);
  const healthyAfterMs = Math.round(totalMs / 9);
  return {
    bootMs: totalMs - agentRegistrationMs - containerStartMs - healthyAfterMs,
    agentRegistrationMs,
    containerStartMs,
    healthyAfterMs,
  };
}

function apiEvent(method: string, path: string, body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'spotplane-simulate' },
      requestId: 'simulate',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Counts what AWS would bill the control plane for, from LocalCloud's own records. */
export function usageOf(plane: LocalControlPlane, apiRequests: number, hours: number): ControlPlaneUsage {
  let stateTransitions = 0;
  let executionLogBytes = 0;
  let customEvents = 0;
  for (const region of plane.regions()) {
    const cloud = plane.cloud.region(region);
    const bill = cloud.sfn.runtime.bill();
    stateTransitions += bill.stateTransitions;
    executionLogBytes += bill.logBytes;
    // Entries put on any bus, by the state machines or the Lambdas, plus forwards another region received.
    customEvents += cloud.events.billedEvents();
  }
  const units = plane.cloud.region(plane.config.hubRegion).dynamodb.requestUnits();
  const lambdaInvocations = plane.cloud.lambdas.stats().reduce((n, s) => n + s.invocations, 0);
  return {
    stateTransitions,
    lambdaInvocations,
    customEvents,
    ssmApiCalls: null,
    apiRequests,
    // The stack creates the accelerator with the deployment: it exists (and bills) the whole run.
    acceleratorHours: plane.config.endpoint === 'global-accelerator' ? hours : 0,
    dynamodbReadUnits: units.read,
    dynamodbWriteUnits: units.write,
    executionLogBytes,
  };
}

class LocalCloudPlane implements SimulatedControlPlane {
  private apiRequests = 0;
  private readonly startMs: number;
  /** What each region's market was last set to, so only what changed is set again. */
  private readonly markets = new Map<string, MarketState>();

  constructor(
    readonly clock: VirtualClock,
    private readonly plane: LocalControlPlane,
  ) {
    this.startMs = clock.now().getTime();
  }

  setMarket(region: string, market: MarketState): string[] {
    const last = this.markets.get(region);
    this.markets.set(region, market);
    if (!last) return this.plane.cloud.setMarket(region, market);
    // Only what changed: a price entry per capacity tick would grow the market's price history for nothing.
    const changed: Partial<MarketInputs> = {};
    if (market.placementScore !== last.placementScore) changed.placementScore = market.placementScore;
    if (market.capacityAvailable !== last.capacityAvailable)
      changed.capacityAvailable = market.capacityAvailable;
    if (market.spotPrice !== last.spotPrice) changed.spotPrice = market.spotPrice;
    if (market.spotPrices && JSON.stringify(market.spotPrices) !== JSON.stringify(last.spotPrices)) {
      changed.spotPrices = market.spotPrices;
    }
    if (market.zoneCapacity) {
      const zones = Object.entries(market.zoneCapacity).filter(([z, n]) => last.zoneCapacity?.[z] !== n);
      if (zones.length > 0) changed.zoneCapacity = Object.fromEntries(zones);
    }
    return this.plane.cloud.setMarket(region, changed);
  }

  interrupt(region: string): string[] {
    return this.plane.cloud.interrupt(region);
  }

  async enableProvisioning(): Promise<void> {
    this.apiRequests++;
    const response = await this.plane.handleApi(apiEvent('POST', '/spot-provisioning', { action: 'enable' }));
    if (response.statusCode !== 200) {
      throw new SimRunError(
        `enabling provisioning answered ${response.statusCode}: ${String(response.body)}`,
      );
    }
  }

  instances(): ObservedInstance[] {
    const asg = this.plane.names.autoScalingGroup;
    const out: ObservedInstance[] = [];
    for (const region of this.plane.config.workerRegions) {
      const cloud = this.plane.cloud.region(region);
      const serving = new Set(
        cloud.ecs
          .liveTasks()
          .filter((t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY' && t.instanceId)
          .map((t) => t.instanceId!),
      );
      for (const i of cloud.ec2.all()) {
        if (i.autoScalingGroupName !== asg) continue;
        out.push({
          id: i.instanceId,
          region,
          zone: i.zone,
          instanceType: i.instanceType,
          lifecycle: i.lifecycle,
          state: i.state,
          launchMs: i.launchTime.getTime(),
          healthy: serving.has(i.instanceId),
        });
      }
    }
    return out;
  }

  desiredCapacity(): Record<string, number> {
    const asg = this.plane.names.autoScalingGroup;
    return Object.fromEntries(
      this.plane.config.workerRegions.map((r) => [
        r,
        this.plane.cloud.region(r).autoScaling.desiredCapacity(asg) ?? 0,
      ]),
    );
  }

  usage(): ControlPlaneUsage {
    return usageOf(this.plane, this.apiRequests, (this.clock.now().getTime() - this.startMs) / 3_600_000);
  }

  async shutdown(): Promise<void> {
    for (const region of this.plane.regions()) {
      const runtime = this.plane.cloud.region(region).sfn.runtime;
      for (const execution of runtime.executions() as { executionArn: string; status: string }[]) {
        if (execution.status === 'RUNNING') runtime.stopExecution({ executionArn: execution.executionArn });
      }
    }
    await this.clock.settle();
  }
}

type PlaneSettings = Pick<
  SimulateOptions,
  | 'targetCapacity'
  | 'spareCapacity'
  | 'maxPerRegion'
  | 'placementPolicy'
  | 'minPlacementScore'
  | 'onDemandFallback'
  | 'warningSeconds'
  | 'launchSeconds'
>;

/** The launch phases LocalCloud runs: the plane's fixed ones, else those of `--launch-seconds`, else its own. */
const launchTimingFor = (options: PlaneSettings, planeOptions: LocalCloudPlaneOptions) =>
  planeOptions.launchTiming ??
  (options.launchSeconds === undefined ? undefined : launchTimingOf(options.launchSeconds));

/** The configuration spotplane runs with on `trace`: the simulation's fleet settings on the trace's regions. */
export function simulatedConfig(
  trace: Trace,
  options: PlaneSettings,
  planeOptions: LocalCloudPlaneOptions = {},
): Config {
  const workerRegions = trace.regions.map((r) => r.region);
  // The workload's image pull as the configuration states it is what the planner expects a replacement to cost
  // (`core/plan/fleet.ts` coldStartSeconds); with a fixed launch it is that launch's container start, not the
  // 600 s default of a large image, or the planner would price every replacement several times too high.
  const containerStartMs = launchTimingFor(options, planeOptions)?.containerStartMs;
  const imagePullSeconds =
    containerStartMs === undefined
      ? undefined
      : Math.min(3600, Math.max(10, Math.round(containerStartMs / 1000)));
  return parseConfig({
    hubRegion:
      planeOptions.hubRegion ?? (workerRegions.includes('us-east-1') ? 'us-east-1' : workerRegions[0]),
    workerRegions,
    instanceTypes: [...trace.instanceTypes],
    targetCapacity: options.targetCapacity ?? 1,
    spareCapacity: options.spareCapacity ?? 0,
    ...(options.maxPerRegion === undefined ? {} : { maxPerRegion: options.maxPerRegion }),
    ...(options.placementPolicy === undefined ? {} : { placementPolicy: options.placementPolicy }),
    minPlacementScore: options.minPlacementScore ?? 3,
    onDemandFallback: options.onDemandFallback ?? false,
    ...(imagePullSeconds === undefined ? {} : { container: { imagePullSeconds } }),
  });
}

/**
 * Starts spotplane on LocalCloud for `trace`.
 * @throws {SimRunError} listing the parts of the control plane that are not built yet.
 */
export async function startLocalCloudPlane(
  trace: Trace,
  options: PlaneSettings,
  planeOptions: LocalCloudPlaneOptions = {},
): Promise<SimulatedControlPlane> {
  const clock = virtualClock(new Date(trace.startMs));
  const workerRegions = trace.regions.map((r) => r.region);
  const launchTiming = launchTimingFor(options, planeOptions);
  const config = simulatedConfig(trace, options, planeOptions);
  // Markets are set by the driver's first change; here only what LocalCloud must know before it starts.
  const markets = Object.fromEntries(
    workerRegions.map((r) => {
      const { zoneCapacity: _z, spotPrices: _p, ...initial } = marketAt(trace, r, trace.startMs);
      return [r, initial];
    }),
  );
  const zones = Object.fromEntries(
    trace.regions.flatMap((r) => (r.zones ? [[r.region, r.zones.map((z) => z.zone)]] : [])),
  );
  // The simulated Lambdas would print their EMF metrics on stdout, in between the simulator's output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const plane = await LocalControlPlane.create({
    config,
    clock,
    seed: trace.seed,
    markets,
    // A frozen walk: only the trace moves prices, so the run is billed on what the control plane saw.
    priceStepMs: Number.POSITIVE_INFINITY,
    launchTiming,
    interruptionNoticeMs: options.warningSeconds === undefined ? undefined : options.warningSeconds * 1000,
    zones,
    // Room for a whole fleet in one region (the market's default pool is a handful of instances).
    capacityPool: Math.max(4, 2 * config.maxPerRegion),
    logLevel: 'SILENT',
    // Nothing reads a closed execution's history here, and 45 days of it outgrow the heap; its bill stays.
    keepClosedHistory: false,
  });
  if (plane.missing.length > 0) {
    throw new SimRunError(
      `LocalCloud's control plane is not complete yet; missing: ${plane.missing.join(', ')}`,
    );
  }
  return new LocalCloudPlane(clock, plane);
}

export const localCloudControlPlane: ControlPlaneFactory = (trace, options) =>
  startLocalCloudPlane(trace, options);
