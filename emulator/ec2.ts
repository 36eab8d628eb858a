/**
 * EC2 of one region: the instances Auto Scaling launches, Spot placement scores and Spot price history
 * (from every region's market, since GetSpotPlacementScores answers for many regions from one endpoint).
 */
import type {
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeSpotPriceHistoryCommandInput,
  DescribeSpotPriceHistoryCommandOutput,
  GetSpotPlacementScoresCommandInput,
  GetSpotPlacementScoresCommandOutput,
  Instance,
  StateReason,
} from '@aws-sdk/client-ec2';
import type { RegionContext } from './context.ts';
import { paginate } from './context.ts';
import { awsError } from './errors.ts';
import { availabilityZoneId, type RegionMarket } from './market.ts';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';
const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

export interface LocalInstance {
  instanceId: string;
  instanceType: string;
  zone: string;
  state: InstanceStateName;
  launchTime: Date;
  privateIp: string;
  publicIp: string;
  lifecycle: 'spot' | 'on-demand';
  autoScalingGroupName: string | null;
  /** When an interruption warning was sent: termination follows two minutes later. */
  interruptionAt: Date | null;
  /** Why it is shutting down or terminated (EC2's `StateReason`); unset while it runs. */
  stateReason?: StateReason;
}

/**
 * EC2's `StateReason` of a termination (EC2 API Reference, StateReason): Spot taking its capacity back, or a call
 * of the EC2 API (TerminateInstances, which Auto Scaling's scale-in also uses).
 */
export const STATE_REASONS = {
  spot: {
    Code: 'Server.SpotInstanceTermination',
    Message: 'Server.SpotInstanceTermination: Spot instance termination',
  },
  user: {
    Code: 'Client.UserInitiatedShutdown',
    Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
  },
} as const satisfies Record<string, StateReason>;

type Output<T> = Omit<T, '$metadata'>;
type StateListener = (instance: LocalInstance) => void;

/** How long `shutting-down` lasts before `terminated`. */
const SHUTDOWN_MS = 20_000;
/**
 * How long a terminated instance stays visible before EC2 deletes its entry: "Terminated instances remain visible
 * after termination (for approximately one hour)" (EC2 API Reference, TerminateInstances). Kept forever, each
 * Observe's DescribeInstances would list every instance a long simulation ever ran.
 */
export const TERMINATED_VISIBLE_MS = 3_600_000;
/** How long an interruption warning precedes the termination (AWS: two minutes). */
export const INTERRUPTION_NOTICE_MS = 120_000;

const EC2_DESCRIBE_MAX = 1000;

/** One state of an instance as DescribeInstances will show it, from `visibleAt` on. */
interface Version {
  view: LocalInstance;
  visibleAt: number;
}

export class Ec2Service {
  private readonly instances = new Map<string, LocalInstance>();
  /** When each terminated instance's entry goes (TERMINATED_VISIBLE_MS after it terminated). */
  private readonly forgetAt = new Map<string, number>();
  /**
   * What DescribeInstances shows of each instance: its newest propagated state and the changes still
   * propagating, oldest first. Empty when `describeLagMs` gives 0 (a test's zero model): the API then shows
   * every change at once.
   */
  private readonly versions = new Map<string, Version[]>();
  private readonly listeners: StateListener[] = [];
  private readonly rebalanceListeners: StateListener[] = [];

  constructor(
    private readonly ctx: RegionContext,
    /** Every region's market, for GetSpotPlacementScores. */
    private readonly markets: () => RegionMarket[],
  ) {}

  onStateChange(listener: StateListener): void {
    this.listeners.push(listener);
  }

  /** Called for every instance that gets an EC2 rebalance recommendation (Auto Scaling's Capacity Rebalancing). */
  onRebalanceRecommendation(listener: StateListener): void {
    this.rebalanceListeners.push(listener);
  }

  /**
   * Sends `EC2 Instance Rebalance Recommendation` for every live Spot instance (an elevated risk of
   * interruption, usually before the two-minute warning; EC2 User Guide, "EC2 instance rebalance
   * recommendations"); returns the instance ids.
   */
  recommendRebalance(): string[] {
    const ids: string[] = [];
    // A snapshot: replacements launched in response are not recommended themselves.
    for (const instance of [...this.instances.values()]) {
      if (instance.lifecycle !== 'spot' || instance.interruptionAt) continue;
      if (instance.state !== 'pending' && instance.state !== 'running') continue;
      ids.push(instance.instanceId);
      this.ctx.emitAwsEvent({
        source: 'aws.ec2',
        detailType: 'EC2 Instance Rebalance Recommendation',
        detail: { 'instance-id': instance.instanceId },
        resources: [`arn:aws:ec2:${instance.zone}:instance/${instance.instanceId}`],
      });
      for (const listener of this.rebalanceListeners) listener(instance);
    }
    return ids;
  }

  all(): LocalInstance[] {
    this.forgetTerminated();
    return [...this.instances.values()];
  }

  get(instanceId: string): LocalInstance | undefined {
    this.forgetTerminated();
    return this.instances.get(instanceId);
  }

  /** Deletes the entries of instances terminated longer than TERMINATED_VISIBLE_MS ago. */
  private forgetTerminated(): void {
    const now = this.ctx.clock.now().getTime();
    for (const [id, at] of this.forgetAt) {
      if (at > now) continue;
      this.forgetAt.delete(id);
      this.instances.delete(id);
      this.versions.delete(id);
    }
  }

  /** Starts an instance in `pending`; the caller (Auto Scaling) decides when it is running. */
  launch(opts: {
    instanceType: string;
    zone: string;
    autoScalingGroupName: string | null;
    lifecycle: 'spot' | 'on-demand';
  }): LocalInstance {
    const n = this.ctx.ids.sequence();
    const instance: LocalInstance = {
      instanceId: `i-0${this.ctx.ids.hex(16)}`,
      instanceType: opts.instanceType,
      zone: opts.zone,
      state: 'pending',
      launchTime: this.ctx.clock.now(),
      privateIp: `10.0.${(n >> 8) & 255}.${n & 255 || 1}`,
      publicIp: `54.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`,
      lifecycle: opts.lifecycle,
      autoScalingGroupName: opts.autoScalingGroupName,
      interruptionAt: null,
    };
    this.instances.set(instance.instanceId, instance);
    this.setState(instance, 'pending');
    return instance;
  }

  markRunning(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (instance?.state === 'pending') this.setState(instance, 'running');
  }

  /**
   * shutting-down now, terminated shortly after; a no-op for an instance already on its way out. `by`: an API call
   * (TerminateInstances, an Auto Scaling scale-in) or Spot reclaiming the capacity, as its `StateReason` says.
   */
  terminate(instanceId: string, by: keyof typeof STATE_REASONS = 'user'): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.state === 'shutting-down' || instance.state === 'terminated') return;
    instance.stateReason = STATE_REASONS[by];
    this.setState(instance, 'shutting-down');
    this.ctx.clock.setTimer(SHUTDOWN_MS, () => {
      this.setState(instance, 'terminated');
      // Spot instances took Spot capacity from their zone; on-demand ones the region's on-demand pool.
      if (instance.lifecycle === 'spot') this.ctx.market.release(instance.zone);
      else this.ctx.market.releaseOnDemand();
    });
  }

  /**
   * Sends the Spot interruption warning for every live Spot instance and terminates them when the notice
   * runs out (two minutes on AWS); returns the instance ids warned.
   */
  interruptAll(): string[] {
    return this.interrupt([...this.instances.values()]);
  }

  /**
   * Reclaims Spot capacity a zone no longer has: while more live Spot instances run in `zone` than its
   * capacity, the newest are interrupted (a zone that drops to 0 interrupts every Spot instance in it).
   * Returns the instance ids warned.
   */
  reclaimZone(zone: string): string[] {
    const capacity = this.ctx.market.capacityOf(zone);
    const live = [...this.instances.values()]
      .filter((i) => i.zone === zone && i.lifecycle === 'spot' && !i.interruptionAt)
      .filter((i) => i.state === 'pending' || i.state === 'running')
      .sort((a, b) => b.launchTime.getTime() - a.launchTime.getTime());
    const excess = live.length - capacity;
    return excess > 0 ? this.interrupt(live.slice(0, excess)) : [];
  }

  private interrupt(candidates: readonly LocalInstance[]): string[] {
    const notice = this.ctx.interruptionNoticeMs ?? INTERRUPTION_NOTICE_MS;
    const warned: string[] = [];
    for (const instance of candidates) {
      if (instance.lifecycle !== 'spot' || instance.interruptionAt) continue;
      if (instance.state !== 'pending' && instance.state !== 'running') continue;
      instance.interruptionAt = this.ctx.clock.now();
      warned.push(instance.instanceId);
      if (notice <= 0) {
        // No notice: EC2 reclaims the instance at once; only its state change tells anyone.
        this.terminate(instance.instanceId, 'spot');
        continue;
      }
      this.ctx.emitAwsEvent({
        source: 'aws.ec2',
        detailType: 'EC2 Spot Instance Interruption Warning',
        detail: { 'instance-id': instance.instanceId, 'instance-action': 'terminate' },
        resources: [`arn:aws:ec2:${instance.zone}:instance/${instance.instanceId}`],
      });
      this.ctx.clock.setTimer(notice, () => this.terminate(instance.instanceId, 'spot'));
    }
    return warned;
  }

  async describeInstances(
    input: DescribeInstancesCommandInput,
  ): Promise<Output<DescribeInstancesCommandOutput>> {
    this.forgetTerminated();
    const now = this.ctx.clock.now().getTime();
    const shown = new Map<string, LocalInstance>();
    for (const instance of this.instances.values()) {
      const view = this.visible(instance, now);
      if (view) shown.set(instance.instanceId, view);
    }
    const ids = input.InstanceIds ?? [];
    // A just-launched instance EC2's API does not know yet is "not found", as AWS warns it may be.
    const missing = ids.filter((id) => !shown.has(id));
    if (missing.length > 0) {
      throw awsError(
        'ec2',
        'InvalidInstanceID.NotFound',
        `The instance IDs '${missing.join(', ')}' do not exist`,
      );
    }
    if (input.MaxResults !== undefined && ids.length > 0) {
      throw awsError(
        'ec2',
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    }
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw awsError(
        'ec2',
        'InvalidParameterValue',
        `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
    let selected = ids.length > 0 ? ids.map((id) => shown.get(id)!) : [...shown.values()];
    for (const filter of input.Filters ?? []) {
      const values = filter.Values ?? [];
      selected = selected.filter((i) =>
        values.some((v) => matchesWildcard(filterValue(i, filter.Name ?? ''), v)),
      );
    }
    const { page, nextToken } = paginate(selected, input.MaxResults, input.NextToken, EC2_DESCRIBE_MAX, (t) =>
      awsError('ec2', 'InvalidParameterValue', `Invalid value '${t}' for nextToken`),
    );
    return {
      Reservations: page.map((i) => ({
        ReservationId: `r-0${i.instanceId.slice(3)}`,
        OwnerId: this.ctx.accountId,
        Groups: [],
        Instances: [this.toSdk(i)],
      })),
      NextToken: nextToken,
    };
  }

  async getSpotPlacementScores(
    input: GetSpotPlacementScoresCommandInput,
  ): Promise<Output<GetSpotPlacementScoresCommandOutput>> {
    if (input.TargetCapacity === undefined || input.TargetCapacity === null) {
      throw awsError('ec2', 'MissingParameter', 'The request must contain the parameter TargetCapacity');
    }
    if (
      !Number.isInteger(input.TargetCapacity) ||
      input.TargetCapacity < 1 ||
      input.TargetCapacity > 2_000_000_000
    ) {
      throw awsError('ec2', 'InvalidParameterValue', 'TargetCapacity must be between 1 and 2000000000');
    }
    const types = input.InstanceTypes ?? [];
    if (types.length === 0 && !input.InstanceRequirementsWithMetadata) {
      throw awsError(
        'ec2',
        'InvalidParameterValue',
        'Specify either InstanceTypes or InstanceRequirementsWithMetadata',
      );
    }
    if (input.MaxResults !== undefined && (input.MaxResults < 10 || input.MaxResults > 1000)) {
      throw awsError('ec2', 'InvalidParameterValue', 'MaxResults must be between 10 and 1000');
    }
    const wanted = new Set(input.RegionNames ?? []);
    const markets = this.markets().filter((m) => wanted.size === 0 || wanted.has(m.region));
    const scores = markets.flatMap((m) =>
      input.SingleAvailabilityZone
        ? m.zones.map((zone) => ({
            Region: m.region,
            AvailabilityZoneId: availabilityZoneId(zone),
            Score: m.placementScore(),
          }))
        : [{ Region: m.region, Score: m.placementScore() }],
    );
    scores.sort((a, b) => b.Score - a.Score);
    const { page, nextToken } = paginate(scores, input.MaxResults, input.NextToken, 1000, (t) =>
      awsError('ec2', 'InvalidParameterValue', `Invalid value '${t}' for nextToken`),
    );
    return { SpotPlacementScores: page, NextToken: nextToken };
  }

  async describeSpotPriceHistory(
    input: DescribeSpotPriceHistoryCommandInput,
  ): Promise<Output<DescribeSpotPriceHistoryCommandOutput>> {
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw awsError('ec2', 'InvalidParameterValue', 'MaxResults must be between 5 and 1000');
    }
    const now = this.ctx.clock.now();
    const end = input.EndTime ? new Date(input.EndTime) : now;
    const start = input.StartTime ? new Date(input.StartTime) : end;
    if (start.getTime() > end.getTime()) {
      throw awsError('ec2', 'InvalidParameterValue', 'StartTime must be before EndTime');
    }
    const types = new Set<string>(input.InstanceTypes ?? []);
    const products = new Set(input.ProductDescriptions ?? []);
    const zone = input.AvailabilityZone;
    const records = this.ctx.market
      .history(start, end)
      .filter((r) => types.size === 0 || types.has(r.instanceType))
      .filter((r) => !zone || r.availabilityZone === zone)
      .flatMap((r) =>
        // AWS keeps one series per product; the Windows one is dearer and must never be mixed in.
        (['Linux/UNIX', 'Windows'] as const)
          .filter((p) => products.size === 0 || products.has(p))
          .map((p) => ({
            AvailabilityZone: r.availabilityZone,
            InstanceType: r.instanceType as Instance['InstanceType'],
            ProductDescription: p,
            SpotPrice: (p === 'Windows' ? r.price * 1.6 + 0.092 : r.price).toFixed(6),
            Timestamp: r.timestamp,
          })),
      );
    const { page, nextToken } = paginate(records, input.MaxResults, input.NextToken, 1000, (t) =>
      awsError('ec2', 'InvalidParameterValue', `Invalid value '${t}' for nextToken`),
    );
    // AWS returns an empty-string token on the last page of this call.
    return { SpotPriceHistory: page, NextToken: nextToken ?? '' };
  }

  /**
   * The instance as DescribeInstances shows it now: the newest state that has propagated (undefined while none
   * has: a launch not yet visible). Earlier states are dropped once a later one shows.
   */
  private visible(instance: LocalInstance, now: number): LocalInstance | undefined {
    const versions = this.versions.get(instance.instanceId);
    if (!versions) return instance;
    let shown = -1;
    while (shown + 1 < versions.length && versions[shown + 1]!.visibleAt <= now) shown++;
    // The newest visible state stays: it is what shows while the next change propagates.
    if (shown > 0) versions.splice(0, shown);
    return shown >= 0 ? versions[0]!.view : undefined;
  }

  /**
   * Records a change for the API to show after EC2's propagation delay. "The Amazon EC2 API follows an eventual
   * consistency model": a change "might not be immediately visible" to the commands that follow, and a resource
   * just created may be reported as not existing (EC2 Developer Guide, "Eventual consistency in the Amazon EC2
   * API"). Changes show in the order they happened.
   */
  private propagate(instance: LocalInstance): void {
    const lag = this.ctx.describeLagMs?.() ?? 0;
    const versions = this.versions.get(instance.instanceId);
    if (lag <= 0 && !versions) return;
    const now = this.ctx.clock.now().getTime();
    const list = versions ?? [];
    const visibleAt = Math.max(now + lag, list.at(-1)?.visibleAt ?? 0);
    list.push({
      view: { ...instance, stateReason: instance.stateReason && { ...instance.stateReason } },
      visibleAt,
    });
    this.versions.set(instance.instanceId, list);
  }

  private setState(instance: LocalInstance, state: InstanceStateName): void {
    instance.state = state;
    this.propagate(instance);
    if (state === 'terminated') {
      this.forgetAt.set(instance.instanceId, this.ctx.clock.now().getTime() + TERMINATED_VISIBLE_MS);
    }
    this.ctx.emitAwsEvent({
      source: 'aws.ec2',
      detailType: 'EC2 Instance State-change Notification',
      detail: { 'instance-id': instance.instanceId, state },
      resources: [`arn:aws:ec2:${this.ctx.region}:${this.ctx.accountId}:instance/${instance.instanceId}`],
    });
    for (const listener of this.listeners) listener(instance);
  }

  private toSdk(i: LocalInstance): Instance {
    const live = i.state === 'pending' || i.state === 'running';
    return {
      InstanceId: i.instanceId,
      InstanceType: i.instanceType as Instance['InstanceType'],
      ImageId: 'ami-0spotplanelocal',
      LaunchTime: i.launchTime,
      Placement: { AvailabilityZone: i.zone, Tenancy: 'default' },
      PrivateIpAddress: live ? i.privateIp : undefined,
      PublicIpAddress: i.state === 'running' ? i.publicIp : undefined,
      State: { Code: STATE_CODES[i.state], Name: i.state },
      ...(i.stateReason ? { StateReason: { ...i.stateReason } } : {}),
      InstanceLifecycle: i.lifecycle === 'spot' ? 'spot' : undefined,
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', State: 'applied' },
      Tags: i.autoScalingGroupName
        ? [{ Key: 'aws:autoscaling:groupName', Value: i.autoScalingGroupName }]
        : [],
    };
  }
}

function filterValue(i: LocalInstance, name: string): string {
  if (name === 'instance-state-name') return i.state;
  if (name === 'instance-id') return i.instanceId;
  if (name === 'instance-type') return i.instanceType;
  if (name === 'availability-zone') return i.zone;
  if (name === 'instance-lifecycle') return i.lifecycle === 'spot' ? 'spot' : '';
  if (name === 'tag:aws:autoscaling:groupName') return i.autoScalingGroupName ?? '';
  // Unknown filters match nothing rather than everything: a typo must not widen a query.
  return '\u0000';
}

function matchesWildcard(value: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return value === pattern;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}
