/**
 * EC2 Auto Scaling of one region. A group keeps its instance count at DesiredCapacity: it launches
 * through EC2 while the market has Spot capacity (records a Failed `InsufficientInstanceCapacity`
 * activity and retries with backoff when it has none), and replaces instances that die.
 *
 * A group spans the region's Availability Zones. Each launch goes where AWS's defaults put it:
 * - zone: "balanced best effort" (the default `CapacityDistributionStrategy`, EC2 Auto Scaling User Guide,
 *   "Auto Scaling group Availability Zone distribution"): the zone holding fewest of the group's instances;
 *   a zone without Spot capacity is skipped for another healthy zone;
 * - instance type (Spot): `price-capacity-optimized` picks the pools with the most capacity, then the
 *   cheapest of them (EC2 Auto Scaling User Guide, "Allocation strategies for multiple instance types"); a
 *   zone's capacity is the same for every type here, so that is the cheapest type in the chosen zone (ties
 *   keep the override order). On-demand keeps the override order ("prioritized").
 *
 * Unless its `AZRebalance` process is suspended, a group also rebalances its zones (EC2 Auto Scaling User Guide,
 * "Suspend and resume Amazon EC2 Auto Scaling processes"; "Control which Auto Scaling instances terminate during
 * scale in", Rebalance Availability Zones; API Reference, TerminateInstanceInAutoScalingGroup): when the zones hold
 * unequal counts — after a zone that had no capacity recovers, or after terminations left one zone fuller — it
 * launches an instance in the zone with fewest, and terminates one in the zone with most once the new one is
 * InService (launch before terminate, so the group may run one above MaxSize meanwhile: AWS allows 10 % or one
 * instance above it while rebalancing, "How suspended processes affect other processes"). See `rebalanceZones`.
 */
import type {
  Activity,
  AutoScalingGroup,
  AutoScalingInstanceDetails,
  CreateOrUpdateTagsCommandInput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeAutoScalingInstancesCommandInput,
  DescribeAutoScalingInstancesCommandOutput,
  DescribeScalingActivitiesCommandInput,
  DescribeScalingActivitiesCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  LifecycleState,
  ResumeProcessesCommandInput,
  SetDesiredCapacityCommandInput,
  SuspendProcessesCommandInput,
  TagDescription,
  TerminateInstanceInAutoScalingGroupCommandInput,
  TerminateInstanceInAutoScalingGroupCommandOutput,
  UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type { RegionContext } from './context.ts';
import { paginate } from './context.ts';
import type { Ec2Service, LocalInstance } from './ec2.ts';
import { awsError } from './errors.ts';
import { hash32 } from './random.ts';

type Output<T> = Omit<T, '$metadata'>;

export interface GroupOptions {
  name: string;
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
  /** Mixed-instances overrides, in priority order; the first is launched. */
  instanceTypes: string[];
  /** Shorthand for a distribution: all Spot (`OnDemandPercentageAboveBaseCapacity` 0) or all on-demand. */
  lifecycle?: 'spot' | 'on-demand';
  distribution?: Partial<InstancesDistribution>;
  /** Capacity Rebalancing: replace a Spot instance that gets a rebalance recommendation, by itself. */
  capacityRebalance?: boolean;
  tags?: Record<string, string>;
  /** `TerminationPolicies`, applied in order after the purchase option and zone steps (default `['Default']`). */
  terminationPolicies?: string[];
  /**
   * Processes suspended from the start (as Terraform's `suspended_processes` calls SuspendProcesses after creating
   * the group); default none, as AWS. Of them LocalCloud models `AZRebalance`; the others are validated and
   * reported by DescribeAutoScalingGroups but change nothing here.
   */
  suspendedProcesses?: string[];
}

/**
 * `MixedInstancesPolicy.InstancesDistribution` (Auto Scaling API Reference, InstancesDistribution): the first
 * `onDemandBaseCapacity` instances are on-demand, and `onDemandPercentageAboveBaseCapacity` % of the rest.
 */
export interface InstancesDistribution {
  onDemandBaseCapacity: number;
  onDemandPercentageAboveBaseCapacity: number;
  spotAllocationStrategy: string;
}

/** AWS's defaults when a field is not given: base 0, 100 % on-demand above it, price-capacity-optimized. */
const DEFAULT_DISTRIBUTION: InstancesDistribution = {
  onDemandBaseCapacity: 0,
  onDemandPercentageAboveBaseCapacity: 100,
  spotAllocationStrategy: 'price-capacity-optimized',
};

const SPOT_ALLOCATION_STRATEGIES = [
  'lowest-price',
  'capacity-optimized',
  'capacity-optimized-prioritized',
  'price-capacity-optimized',
];

const HOUR_MS = 3_600_000;

/** `TerminationPolicies` Auto Scaling accepts (API Reference, UpdateAutoScalingGroup; the Lambda-function policy is not modelled). */
const TERMINATION_POLICIES = [
  'Default',
  'AllocationStrategy',
  'OldestLaunchTemplate',
  'OldestLaunchConfiguration',
  'ClosestToNextInstanceHour',
  'NewestInstance',
  'OldestInstance',
];

/** The processes SuspendProcesses and ResumeProcesses accept (User Guide, "Suspend and resume Amazon EC2 Auto Scaling processes"). */
export const SCALING_PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
];

/** AWS answers an unknown process with a ValidationError; its exact wording is not documented, so this one names it. */
function checkScalingProcesses(processes: readonly string[]): string[] {
  for (const process of processes) {
    if (!SCALING_PROCESSES.includes(process)) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `Unknown scaling process: ${process}. Valid processes: ${SCALING_PROCESSES.join(', ')}`,
      );
    }
  }
  return [...processes];
}

function checkTerminationPolicies(policies: readonly string[]): string[] {
  for (const policy of policies) {
    if (!TERMINATION_POLICIES.includes(policy)) {
      throw awsError('autoscaling', 'ValidationError', `Unsupported termination policy: ${policy}`);
    }
  }
  return [...policies];
}

/** The instance count a distribution puts on-demand for a desired capacity (rounding in favour of on-demand). */
export function onDemandTarget(desired: number, d: InstancesDistribution): number {
  const base = Math.min(desired, d.onDemandBaseCapacity);
  return base + Math.ceil(((desired - base) * d.onDemandPercentageAboveBaseCapacity) / 100);
}

/**
 * Why the group replaces an instance (launch first, terminate once the replacement is InService): Capacity
 * Rebalancing after a rebalance recommendation, or AZRebalance moving it out of the fullest zone.
 */
type LeaveReason = 'rebalance-recommendation' | 'az-rebalance';

interface GroupMember {
  instanceId: string;
  lifecycleState: LifecycleState;
  activityId: string;
  lifecycle: 'spot' | 'on-demand';
  /** Being replaced: no longer counts toward the desired capacity, terminated once its replacement is InService. */
  leaving: LeaveReason | null;
}

interface LocalGroup {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desired: number;
  instanceTypes: string[];
  distribution: InstancesDistribution;
  capacityRebalance: boolean;
  terminationPolicies: string[];
  /** Suspended process -> its SuspensionReason. */
  suspended: Map<string, string>;
  tags: Map<string, { value: string; propagateAtLaunch: boolean }>;
  createdTime: Date;
  members: Map<string, GroupMember>;
  /** Newest first, like DescribeScalingActivities. */
  activities: Activity[];
  retryTimer: (() => void) | null;
  failedAttempts: number;
}

/** ASG retries failed launches with growing delays; these bound them. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 300_000;
const ACTIVITY_LIMIT = 500;

export const INSUFFICIENT_CAPACITY_MESSAGE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';

/** EC2's message when on-demand capacity is short in a zone (RunInstances InsufficientInstanceCapacity). */
export const insufficientOnDemandMessage = (instanceType: string, zone: string) =>
  `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity. You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing a different Availability Zone. Launching EC2 instance failed.`;

export class AutoScalingService {
  private readonly groups = new Map<string, LocalGroup>();

  constructor(
    private readonly ctx: RegionContext,
    private readonly ec2: Ec2Service,
  ) {
    ec2.onStateChange((instance) => this.onInstanceState(instance));
    ec2.onRebalanceRecommendation((instance) => this.onRebalanceRecommendation(instance));
  }

  createGroup(opts: GroupOptions): void {
    if (this.groups.has(opts.name)) {
      throw awsError(
        'autoscaling',
        'AlreadyExists',
        `AutoScalingGroup by this name already exists - A group with the name ${opts.name} already exists`,
      );
    }
    this.groups.set(opts.name, {
      name: opts.name,
      arn: `arn:aws:autoscaling:${this.ctx.region}:${this.ctx.accountId}:autoScalingGroup:${this.ctx.ids.uuid()}:autoScalingGroupName/${opts.name}`,
      minSize: opts.minSize ?? 0,
      maxSize: opts.maxSize ?? 2,
      desired: opts.desiredCapacity ?? 0,
      instanceTypes: opts.instanceTypes,
      distribution: {
        ...DEFAULT_DISTRIBUTION,
        onDemandPercentageAboveBaseCapacity: opts.lifecycle === 'on-demand' ? 100 : 0,
        ...opts.distribution,
      },
      capacityRebalance: opts.capacityRebalance ?? false,
      terminationPolicies: checkTerminationPolicies(opts.terminationPolicies ?? ['Default']),
      suspended: new Map(
        checkScalingProcesses(opts.suspendedProcesses ?? []).map((p) => [p, this.suspensionReason()]),
      ),
      tags: new Map(
        Object.entries(opts.tags ?? {}).map(([k, value]) => [k, { value, propagateAtLaunch: false }]),
      ),
      createdTime: this.ctx.clock.now(),
      members: new Map(),
      activities: [],
      retryTimer: null,
      failedAttempts: 0,
    });
    this.reconcile(opts.name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  desiredCapacity(name: string): number | undefined {
    return this.groups.get(name)?.desired;
  }

  async setDesiredCapacity(input: SetDesiredCapacityCommandInput): Promise<Record<string, never>> {
    const group = this.require(input.AutoScalingGroupName);
    const desired = input.DesiredCapacity;
    if (desired === undefined || !Number.isInteger(desired) || desired < 0) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        "1 validation error detected: Value at 'desiredCapacity' failed to satisfy constraint: Member must not be null",
      );
    }
    if (desired > group.maxSize) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
      );
    }
    if (desired < group.minSize) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
      );
    }
    this.changeDesired(group, desired);
    return {};
  }

  async updateAutoScalingGroup(input: UpdateAutoScalingGroupCommandInput): Promise<Record<string, never>> {
    const group = this.require(input.AutoScalingGroupName);
    const min = input.MinSize ?? group.minSize;
    const max = input.MaxSize ?? group.maxSize;
    let desired = input.DesiredCapacity ?? group.desired;
    if (min > max) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `Max bound, ${max}, must be greater than or equal to min bound, ${min}`,
      );
    }
    if (input.DesiredCapacity !== undefined && (desired < min || desired > max)) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
      );
    }
    const distribution = this.distributionUpdate(group, input);
    // Without an explicit desired capacity, AWS clamps the current one into the new bounds.
    desired = Math.min(max, Math.max(min, desired));
    group.minSize = min;
    group.maxSize = max;
    group.distribution = distribution;
    if (input.CapacityRebalance !== undefined) group.capacityRebalance = input.CapacityRebalance;
    if (input.TerminationPolicies !== undefined)
      group.terminationPolicies = checkTerminationPolicies(input.TerminationPolicies);
    this.changeDesired(group, desired);
    return {};
  }

  /**
   * Suspends the named processes, every process when none is named (Auto Scaling API Reference, SuspendProcesses).
   * A process already suspended keeps its SuspensionReason.
   */
  async suspendProcesses(input: SuspendProcessesCommandInput): Promise<Record<string, never>> {
    const group = this.require(input.AutoScalingGroupName);
    const named = input.ScalingProcesses ?? [];
    for (const process of checkScalingProcesses(named.length > 0 ? named : SCALING_PROCESSES)) {
      if (!group.suspended.has(process)) group.suspended.set(process, this.suspensionReason());
    }
    return {};
  }

  /**
   * Resumes the named processes, every process when none is named (API Reference, ResumeProcesses). A group left
   * unbalanced while AZRebalance was suspended is rebalanced once it resumes ("Considerations for suspending
   * processes", User Guide).
   */
  async resumeProcesses(input: ResumeProcessesCommandInput): Promise<Record<string, never>> {
    const group = this.require(input.AutoScalingGroupName);
    const named = input.ScalingProcesses ?? [];
    for (const process of checkScalingProcesses(named.length > 0 ? named : SCALING_PROCESSES)) {
      group.suspended.delete(process);
    }
    this.rebalanceZones(group);
    return {};
  }

  /**
   * The region's Spot or on-demand capacity changed (`LocalCloud.setMarket`): a zone that had none may have room
   * again, so every group checks its zones' balance.
   */
  marketChanged(): void {
    for (const group of this.groups.values()) this.rebalanceZones(group);
  }

  /** The group's distribution with the request's InstancesDistribution fields over it, validated like AWS. */
  private distributionUpdate(
    group: LocalGroup,
    input: UpdateAutoScalingGroupCommandInput,
  ): InstancesDistribution {
    const given = input.MixedInstancesPolicy?.InstancesDistribution;
    if (!given) return group.distribution;
    const next: InstancesDistribution = {
      onDemandBaseCapacity: given.OnDemandBaseCapacity ?? group.distribution.onDemandBaseCapacity,
      onDemandPercentageAboveBaseCapacity:
        given.OnDemandPercentageAboveBaseCapacity ?? group.distribution.onDemandPercentageAboveBaseCapacity,
      spotAllocationStrategy: given.SpotAllocationStrategy ?? group.distribution.spotAllocationStrategy,
    };
    const invalid = (field: string, constraint: string, value: unknown) =>
      awsError(
        'autoscaling',
        'ValidationError',
        `1 validation error detected: Value '${value}' at 'mixedInstancesPolicy.instancesDistribution.${field}' failed to satisfy constraint: ${constraint}`,
      );
    if (!Number.isInteger(next.onDemandBaseCapacity) || next.onDemandBaseCapacity < 0)
      throw invalid(
        'onDemandBaseCapacity',
        'Member must be greater than or equal to 0',
        next.onDemandBaseCapacity,
      );
    const pct = next.onDemandPercentageAboveBaseCapacity;
    if (!Number.isInteger(pct) || pct < 0 || pct > 100)
      throw invalid('onDemandPercentageAboveBaseCapacity', 'Member must be between 0 and 100', pct);
    if (!SPOT_ALLOCATION_STRATEGIES.includes(next.spotAllocationStrategy))
      throw invalid(
        'spotAllocationStrategy',
        `Member must satisfy enum value set: [${SPOT_ALLOCATION_STRATEGIES.join(', ')}]`,
        next.spotAllocationStrategy,
      );
    return next;
  }

  /**
   * Tags of groups (Auto Scaling API Reference, DescribeTags): filters `auto-scaling-group`, `key`, `value`
   * and `propagate-at-launch`, values of one filter or-ed, filters and-ed; in pages of at most 100.
   */
  async describeTags(input: DescribeTagsCommandInput): Promise<Output<DescribeTagsCommandOutput>> {
    const filters = input.Filters ?? [];
    const known = ['auto-scaling-group', 'key', 'value', 'propagate-at-launch'];
    for (const f of filters) {
      if (!known.includes(f.Name ?? '')) {
        throw awsError('autoscaling', 'ValidationError', `Filter name ${f.Name} is invalid.`);
      }
    }
    const matches = (name: string, value: string) => {
      const f = filters.find((x) => x.Name === name);
      return !f || (f.Values ?? []).includes(value);
    };
    const tags: TagDescription[] = [];
    for (const g of this.groups.values()) {
      for (const [key, tag] of g.tags) {
        if (!matches('auto-scaling-group', g.name) || !matches('key', key) || !matches('value', tag.value))
          continue;
        if (!matches('propagate-at-launch', String(tag.propagateAtLaunch))) continue;
        tags.push({
          ResourceId: g.name,
          ResourceType: 'auto-scaling-group',
          Key: key,
          Value: tag.value,
          PropagateAtLaunch: tag.propagateAtLaunch,
        });
      }
    }
    const { page, nextToken } = paginate(tags, input.MaxRecords, input.NextToken, 100, (t) =>
      awsError('autoscaling', 'InvalidNextToken', `The token '${t}' is invalid.`),
    );
    return { Tags: page, NextToken: nextToken };
  }

  /**
   * Adds or replaces tags of groups (Auto Scaling API Reference, CreateOrUpdateTags): `ResourceType` must be
   * `auto-scaling-group`, the group must exist, a key's value is overwritten.
   */
  async createOrUpdateTags(input: CreateOrUpdateTagsCommandInput): Promise<Record<string, never>> {
    const tags = input.Tags ?? [];
    if (tags.length === 0) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
      );
    }
    for (const tag of tags) {
      if (tag.ResourceType !== 'auto-scaling-group') {
        throw awsError('autoscaling', 'ValidationError', `Invalid resource type: ${tag.ResourceType}`);
      }
      if (!tag.Key || tag.Key.length > 128) {
        throw awsError('autoscaling', 'ValidationError', 'Tag key must be 1 to 128 characters long.');
      }
      if ((tag.Value ?? '').length > 256) {
        throw awsError('autoscaling', 'ValidationError', 'Tag value must be at most 256 characters long.');
      }
      this.require(tag.ResourceId);
    }
    for (const tag of tags) {
      this.require(tag.ResourceId).tags.set(tag.Key!, {
        value: tag.Value ?? '',
        propagateAtLaunch: tag.PropagateAtLaunch ?? false,
      });
    }
    return {};
  }

  async describeAutoScalingGroups(
    input: DescribeAutoScalingGroupsCommandInput,
  ): Promise<Output<DescribeAutoScalingGroupsCommandOutput>> {
    const names = input.AutoScalingGroupNames ?? [];
    const selected = [...this.groups.values()].filter((g) => names.length === 0 || names.includes(g.name));
    const { page, nextToken } = paginate(selected, input.MaxRecords, input.NextToken, 50, (t) =>
      awsError('autoscaling', 'InvalidNextToken', `The token '${t}' is invalid.`),
    );
    return { AutoScalingGroups: page.map((g) => this.toSdk(g)), NextToken: nextToken };
  }

  async describeAutoScalingInstances(
    input: DescribeAutoScalingInstancesCommandInput,
  ): Promise<Output<DescribeAutoScalingInstancesCommandOutput>> {
    const ids = input.InstanceIds;
    const details: AutoScalingInstanceDetails[] = [];
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) {
        if (ids && ids.length > 0 && !ids.includes(member.instanceId)) continue;
        const instance = this.ec2.get(member.instanceId)!;
        details.push({
          InstanceId: member.instanceId,
          InstanceType: instance.instanceType,
          AutoScalingGroupName: group.name,
          AvailabilityZone: instance.zone,
          LifecycleState: member.lifecycleState,
          HealthStatus: 'HEALTHY',
          ProtectedFromScaleIn: false,
        });
      }
    }
    const { page, nextToken } = paginate(details, input.MaxRecords, input.NextToken, 50, (t) =>
      awsError('autoscaling', 'InvalidNextToken', `The token '${t}' is invalid.`),
    );
    return { AutoScalingInstances: page, NextToken: nextToken };
  }

  async describeScalingActivities(
    input: DescribeScalingActivitiesCommandInput,
  ): Promise<Output<DescribeScalingActivitiesCommandOutput>> {
    let activities: Activity[];
    if (input.AutoScalingGroupName) {
      const group = this.groups.get(input.AutoScalingGroupName);
      // AWS answers an unknown group with an empty list here, not an error.
      activities = group ? group.activities : [];
    } else {
      activities = [...this.groups.values()]
        .flatMap((g) => g.activities)
        .sort((a, b) => b.StartTime!.getTime() - a.StartTime!.getTime());
    }
    const ids = input.ActivityIds ?? [];
    if (ids.length > 0) activities = activities.filter((a) => ids.includes(a.ActivityId!));
    const { page, nextToken } = paginate(activities, input.MaxRecords, input.NextToken, 100, (t) =>
      awsError('autoscaling', 'InvalidNextToken', `The token '${t}' is invalid.`),
    );
    return { Activities: page.map((a) => ({ ...a })), NextToken: nextToken };
  }

  /**
   * Terminates one member of a group (Auto Scaling API Reference, TerminateInstanceInAutoScalingGroup): both
   * fields are required; an instance that is not a live member of a group is a ValidationError; with
   * `ShouldDecrementDesiredCapacity` the desired capacity drops by one (refused below the group's minimum, as AWS
   * refuses it), without it the group launches a replacement. The answer is the termination activity, whose cause
   * reads like AWS's ("... taken out of service in response to a user request, shrinking the capacity from 3 to 2.").
   */
  async terminateInstanceInAutoScalingGroup(
    input: TerminateInstanceInAutoScalingGroupCommandInput,
  ): Promise<Output<TerminateInstanceInAutoScalingGroupCommandOutput>> {
    const missing = !input.InstanceId
      ? 'instanceId'
      : input.ShouldDecrementDesiredCapacity === undefined
        ? 'shouldDecrementDesiredCapacity'
        : null;
    if (missing) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `1 validation error detected: Value null at '${missing}' failed to satisfy constraint: Member must not be null`,
      );
    }
    const id = input.InstanceId!;
    // A member already leaving (Terminating) is no longer the group's to terminate.
    const group = [...this.groups.values()].find((g) => this.live(g).some((m) => m.instanceId === id));
    if (!group) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `Instance Id not found - No managed instance found for instance ID: ${id}`,
      );
    }
    const member = group.members.get(id)!;
    const decrement = input.ShouldDecrementDesiredCapacity === true;
    if (decrement && group.desired - 1 < group.minSize) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    const before = group.desired;
    const now = this.ctx.clock.now().toISOString();
    const activity = this.takeOut(
      group,
      member,
      decrement
        ? `At ${now} instance ${id} was taken out of service in response to a user request, shrinking the capacity from ${before} to ${before - 1}.`
        : `At ${now} instance ${id} was taken out of service in response to a user request.`,
    );
    // Without the decrement the group is below its desired capacity now and launches a replacement.
    if (decrement) this.changeDesired(group, before - 1);
    else this.reconcile(group.name);
    return { Activity: { ...activity } };
  }

  private require(name: string | undefined): LocalGroup {
    const group = name ? this.groups.get(name) : undefined;
    if (!group) {
      throw awsError(
        'autoscaling',
        'ValidationError',
        `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`,
      );
    }
    return group;
  }

  private changeDesired(group: LocalGroup, desired: number): void {
    if (desired !== group.desired) group.failedAttempts = 0;
    group.desired = desired;
    this.reconcile(group.name);
  }

  private live(group: LocalGroup): GroupMember[] {
    return [...group.members.values()].filter(
      (m) => m.lifecycleState !== 'Terminating' && m.lifecycleState !== 'Terminated',
    );
  }

  private reconcile(name: string): void {
    const group = this.groups.get(name);
    if (!group) return;
    group.retryTimer?.();
    group.retryTimer = null;
    const live = this.live(group);
    const kept = live.filter((m) => !m.leaving);
    // An instance being replaced (Capacity Rebalancing, AZRebalance) goes once its replacement is InService.
    if (kept.filter((m) => m.lifecycleState === 'InService').length >= group.desired) {
      for (const member of live) if (member.leaving) this.scaleIn(group, member, member.leaving);
    }
    if (kept.length > group.desired) {
      for (const member of this.scaleInOrder(group, kept)) this.scaleIn(group, member, 'desired');
      return;
    }
    for (let i = kept.length; i < group.desired; i++) {
      if (!this.launchOne(group)) {
        group.failedAttempts++;
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (group.failedAttempts - 1));
        group.retryTimer = this.ctx.clock.setTimer(delay, () => {
          group.retryTimer = null;
          this.reconcile(name);
        });
        return;
      }
    }
    this.rebalanceZones(group);
  }

  /**
   * One AZRebalance step (see the file header), taken only when the group is settled — as many instances as
   * desired, all InService, none leaving or terminating — so that it never races a scale-in, a launch or a retry
   * of its own. Balanced means the most and fewest instances among the region's zones differ by at most one.
   * Otherwise the instance to move is the first, in termination-policy order, of the zone(s) holding most; it is
   * marked leaving (so it no longer counts toward desired) and its replacement launched where a launch goes
   * (`placement`: the zone with fewest that has room). The step is taken only if that zone holds at least two
   * fewer than the fullest, so each step evens the zones; the instance is terminated once the replacement is
   * InService (`reconcile`), and the next step follows its termination.
   */
  private rebalanceZones(group: LocalGroup): void {
    if (group.suspended.has('AZRebalance')) return;
    const live = this.live(group);
    const settled =
      live.length === group.desired &&
      live.length === group.members.size &&
      live.every((m) => m.lifecycleState === 'InService' && !m.leaving);
    if (!settled || live.length === 0) return;
    const market = this.ctx.market;
    const { zoneOf, compare } = this.terminationOrder(group, live);
    const perZone = new Map(market.zones.map((zone) => [zone, 0]));
    for (const m of live) perZone.set(zoneOf(m), (perZone.get(zoneOf(m)) ?? 0) + 1);
    const most = Math.max(...perZone.values());
    if (most - Math.min(...perZone.values()) <= 1) return;
    const moved = live.filter((m) => perZone.get(zoneOf(m)) === most).sort(compare)[0]!;
    moved.leaving = 'az-rebalance';
    const lifecycle = this.nextLifecycle(group);
    const { zone } = this.placement(group, lifecycle);
    const room = lifecycle === 'spot' ? market.hasRoom(zone) : market.hasOnDemandRoom();
    if (!room || (perZone.get(zone) ?? 0) > most - 2 || !this.launchOne(group, 'az-rebalance')) {
      moved.leaving = null;
    }
  }

  /**
   * Members to terminate so that `desired` remain, in Auto Scaling's order for a mixed instances group
   * ("Configure termination policies for Amazon EC2 Auto Scaling", User Guide): first the purchase option above
   * its share (On-Demand or Spot), then, within it, the Availability Zone holding the most of them (keeping the
   * zones balanced takes precedence over termination policies), then the group's `TerminationPolicies` in order,
   * ties at random. `Default` ends with the instance closest to its next billing hour; the launch-template and
   * allocation-strategy steps never decide here (one template, one allocation strategy per group). So under
   * `Default` a ready instance may well go before the pending one beside it.
   */
  private scaleInOrder(group: LocalGroup, kept: GroupMember[]): GroupMember[] {
    const odTarget = onDemandTarget(group.desired, group.distribution);
    const { zoneOf, compare } = this.terminationOrder(group, kept);
    const order: GroupMember[] = [];
    let left = [...kept];
    while (left.length > group.desired) {
      const od = left.filter((m) => m.lifecycle === 'on-demand');
      const ofKind = od.length > odTarget ? od : left.filter((m) => m.lifecycle === 'spot');
      const candidates = ofKind.length > 0 ? ofKind : left;
      const perZone = new Map<string, number>();
      for (const m of candidates) perZone.set(zoneOf(m), (perZone.get(zoneOf(m)) ?? 0) + 1);
      const most = Math.max(...perZone.values());
      const victim = candidates.filter((m) => perZone.get(zoneOf(m)) === most).sort(compare)[0]!;
      order.push(victim);
      left = left.filter((m) => m !== victim);
    }
    return order;
  }

  /**
   * The zone of each of `members` and the group's `TerminationPolicies` as one comparison (lower goes first; ties
   * at random, by a stable draw from the instance id), read once at the current time.
   */
  private terminationOrder(
    group: LocalGroup,
    members: GroupMember[],
  ): { zoneOf: (m: GroupMember) => string; compare: (a: GroupMember, b: GroupMember) => number } {
    const now = this.ctx.clock.now().getTime();
    const facts = new Map(
      members.map((m) => {
        const instance = this.ec2.get(m.instanceId);
        const launched = instance?.launchTime.getTime() ?? now;
        return [m, { zone: instance?.zone ?? '', launched, draw: hash32(m.instanceId) }] as const;
      }),
    );
    const fact = (m: GroupMember) => facts.get(m)!;
    const closestToNextHour = (m: GroupMember) => -((now - fact(m).launched) % HOUR_MS);
    /** Each policy step as a sort key: lower goes first. */
    const keys: Record<string, (m: GroupMember) => number> = {
      NewestInstance: (m) => -fact(m).launched,
      OldestInstance: (m) => fact(m).launched,
      ClosestToNextInstanceHour: closestToNextHour,
      Default: closestToNextHour,
    };
    const steps = group.terminationPolicies.flatMap((p) => (keys[p] ? [keys[p]] : []));
    const compare = (a: GroupMember, b: GroupMember) => {
      for (const key of steps) {
        const d = key(a) - key(b);
        if (d !== 0) return d;
      }
      return fact(a).draw - fact(b).draw;
    };
    return { zoneOf: (m) => fact(m).zone, compare };
  }

  /** On-demand while the instances that stay hold fewer than the distribution's on-demand share, else Spot. */
  private nextLifecycle(group: LocalGroup): 'spot' | 'on-demand' {
    const kept = this.live(group).filter((m) => !m.leaving);
    const liveOnDemand = kept.filter((m) => m.lifecycle === 'on-demand').length;
    return liveOnDemand < onDemandTarget(group.desired, group.distribution) ? 'on-demand' : 'spot';
  }

  /**
   * Launches one instance toward the desired capacity, or (`az-rebalance`) the replacement of an instance that
   * AZRebalance moves; the Cause is what AWS records for each (the rebalance one as activity histories show it,
   * e.g. aws/containers-roadmap#1453: the group runs one above desired until the moved instance goes).
   */
  private launchOne(group: LocalGroup, why: 'capacity' | 'az-rebalance' = 'capacity'): boolean {
    const market = this.ctx.market;
    const now = this.ctx.clock.now();
    const activityId = this.ctx.ids.uuid();
    const kept = this.live(group).filter((m) => !m.leaving);
    const lifecycle = this.nextLifecycle(group);
    const { zone, instanceType } = this.placement(group, lifecycle);
    const cause =
      why === 'az-rebalance'
        ? `At ${now.toISOString()} instances were launched to balance instances in zones ${zone} with other zones resulting in more than desired number of instances in the group.`
        : `At ${now.toISOString()} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${kept.length} to ${group.desired}.`;
    // On-demand capacity is a pool of its own: a region out of Spot capacity can still have on-demand.
    const took = lifecycle === 'spot' ? market.take(zone) : market.takeOnDemand();
    if (!took) {
      const message =
        lifecycle === 'spot'
          ? INSUFFICIENT_CAPACITY_MESSAGE
          : insufficientOnDemandMessage(instanceType, zone);
      const activity: Activity = {
        ActivityId: activityId,
        AutoScalingGroupName: group.name,
        AutoScalingGroupARN: group.arn,
        Description: `Launching a new EC2 instance.  Status Reason: ${message}`,
        Cause: cause,
        StartTime: now,
        EndTime: now,
        StatusCode: 'Failed',
        StatusMessage: message,
        Progress: 100,
        Details: JSON.stringify({ 'Subnet ID': 'subnet-0local', 'Availability Zone': zone }),
      };
      this.record(group, activity);
      this.ctx.emitAwsEvent({
        source: 'aws.autoscaling',
        detailType: 'EC2 Instance Launch Unsuccessful',
        detail: {
          StatusCode: 'Failed',
          AutoScalingGroupName: group.name,
          ActivityId: activityId,
          Details: { 'Availability Zone': zone, 'Subnet ID': 'subnet-0local' },
          RequestId: this.ctx.ids.uuid(),
          StatusMessage: message,
          EndTime: now.toISOString(),
          EC2InstanceId: '',
          StartTime: now.toISOString(),
          Cause: cause,
        },
        resources: [group.arn],
      });
      return false;
    }
    group.failedAttempts = 0;
    const instance = this.ec2.launch({
      instanceType,
      zone,
      autoScalingGroupName: group.name,
      lifecycle,
    });
    group.members.set(instance.instanceId, {
      instanceId: instance.instanceId,
      lifecycleState: 'Pending',
      activityId,
      lifecycle,
      leaving: null,
    });
    this.record(group, {
      ActivityId: activityId,
      AutoScalingGroupName: group.name,
      AutoScalingGroupARN: group.arn,
      Description: `Launching a new EC2 instance: ${instance.instanceId}`,
      Cause: cause,
      StartTime: now,
      StatusCode: 'InProgress',
      Progress: 30,
      Details: JSON.stringify({ 'Subnet ID': 'subnet-0local', 'Availability Zone': zone }),
    });
    this.ctx.clock.setTimer(market.bootMs(), () => this.ec2.markRunning(instance.instanceId));
    return true;
  }

  /** Where the next instance of `group` goes: see the file header (balanced zones, price-capacity-optimized). */
  private placement(
    group: LocalGroup,
    lifecycle: 'spot' | 'on-demand',
  ): { zone: string; instanceType: string } {
    const market = this.ctx.market;
    const types = group.instanceTypes.length > 0 ? group.instanceTypes : [market.instanceTypes[0]!];
    const perZone = new Map<string, number>();
    for (const member of this.live(group)) {
      const zone = this.ec2.get(member.instanceId)?.zone;
      if (zone) perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    const cheapest = (zone: string) =>
      types.reduce((best, t) => (market.price(t, zone) < market.price(best, zone) ? t : best), types[0]!);
    const spot = lifecycle === 'spot';
    // Zones with Spot capacity first (balanced best effort), then fewest of ours, then the cheapest price.
    const zones = [...market.zones].sort(
      (a, b) =>
        (spot ? Number(market.hasRoom(b)) - Number(market.hasRoom(a)) : 0) ||
        (perZone.get(a) ?? 0) - (perZone.get(b) ?? 0) ||
        (spot ? market.price(cheapest(a), a) - market.price(cheapest(b), b) : 0),
    );
    const zone = zones[0]!;
    return { zone, instanceType: spot ? cheapest(zone) : types[0]! };
  }

  private scaleIn(group: LocalGroup, member: GroupMember, why: 'desired' | LeaveReason): void {
    this.takeOut(
      group,
      member,
      this.terminationCause(group, member, why, this.ctx.clock.now().toISOString()),
    );
  }

  /** Records the termination activity and terminates the instance (Terminating until EC2 says terminated). */
  private takeOut(group: LocalGroup, member: GroupMember, cause: string): Activity {
    member.lifecycleState = 'Terminating';
    member.activityId = this.ctx.ids.uuid();
    const zone = this.ec2.get(member.instanceId)?.zone;
    const activity: Activity = {
      ActivityId: member.activityId,
      AutoScalingGroupName: group.name,
      AutoScalingGroupARN: group.arn,
      Description: `Terminating EC2 instance: ${member.instanceId}`,
      Cause: cause,
      StartTime: this.ctx.clock.now(),
      StatusCode: 'InProgress',
      Progress: 0,
      ...(zone
        ? { Details: JSON.stringify({ 'Subnet ID': 'subnet-0local', 'Availability Zone': zone }) }
        : {}),
    };
    this.record(group, activity);
    this.ec2.terminate(member.instanceId);
    return activity;
  }

  /** The Cause AWS records for a termination the group decides (`member` still counted live). */
  private terminationCause(
    group: LocalGroup,
    member: GroupMember,
    why: 'desired' | LeaveReason,
    at: string,
  ): string {
    switch (why) {
      case 'rebalance-recommendation':
        return `At ${at} an instance was taken out of service in response to an EC2 instance rebalance recommendation.`;
      case 'az-rebalance':
        // AWS words the end of a rebalance step as a capacity difference (the group ran one above desired) and
        // names the instance, as activity histories show it (e.g. aws/containers-roadmap#1453).
        return `At ${at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${this.live(group).length} to ${group.desired}. At ${at} instance ${member.instanceId} was selected for termination.`;
      case 'desired':
        return `At ${at} a user request explicitly set group desired capacity changing the desired capacity to ${group.desired}.`;
    }
  }

  private onInstanceState(instance: LocalInstance): void {
    const name = instance.autoScalingGroupName;
    const group = name ? this.groups.get(name) : undefined;
    const member = group?.members.get(instance.instanceId);
    if (!group || !member) return;
    const now = this.ctx.clock.now();
    if (instance.state === 'running' && member.lifecycleState === 'Pending') {
      member.lifecycleState = 'InService';
      this.finish(group, member.activityId, now);
      if ([...group.members.values()].some((m) => m.leaving)) this.reconcile(group.name);
      this.ctx.emitAwsEvent({
        source: 'aws.autoscaling',
        detailType: 'EC2 Instance Launch Successful',
        detail: {
          StatusCode: 'InProgress',
          AutoScalingGroupName: group.name,
          ActivityId: member.activityId,
          EC2InstanceId: instance.instanceId,
          Details: { 'Availability Zone': instance.zone, 'Subnet ID': 'subnet-0local' },
          StartTime: instance.launchTime.toISOString(),
          EndTime: now.toISOString(),
          Cause: 'Launch',
        },
        resources: [
          group.arn,
          `arn:aws:ec2:${this.ctx.region}:${this.ctx.accountId}:instance/${instance.instanceId}`,
        ],
      });
    } else if (instance.state === 'shutting-down' && member.lifecycleState !== 'Terminating') {
      // Died under the group (Spot interruption): the group notices and replaces it.
      member.lifecycleState = 'Terminating';
      member.activityId = this.ctx.ids.uuid();
      this.record(group, {
        ActivityId: member.activityId,
        AutoScalingGroupName: group.name,
        AutoScalingGroupARN: group.arn,
        Description: `Terminating EC2 instance: ${instance.instanceId}`,
        Cause: `At ${now.toISOString()} an instance was taken out of service in response to an EC2 instance status check failure.`,
        StartTime: now,
        StatusCode: 'InProgress',
        Progress: 0,
      });
      this.reconcile(group.name);
    } else if (instance.state === 'terminated') {
      this.finish(group, member.activityId, now);
      group.members.delete(instance.instanceId);
      this.reconcile(group.name);
    }
  }

  /**
   * With Capacity Rebalancing on, a Spot instance that gets a rebalance recommendation is replaced by the group
   * itself: a new instance is launched, then the old one terminated ("Capacity Rebalancing", Amazon EC2 Auto
   * Scaling User Guide) — whatever runs on it.
   */
  private onRebalanceRecommendation(instance: LocalInstance): void {
    const group = instance.autoScalingGroupName ? this.groups.get(instance.autoScalingGroupName) : undefined;
    const member = group?.members.get(instance.instanceId);
    if (!group?.capacityRebalance || !member || member.lifecycle !== 'spot') return;
    if (member.lifecycleState === 'Terminating' || member.leaving) return;
    member.leaving = 'rebalance-recommendation';
    this.reconcile(group.name);
  }

  private finish(group: LocalGroup, activityId: string, at: Date): void {
    const activity = group.activities.find((a) => a.ActivityId === activityId);
    if (activity && activity.StatusCode === 'InProgress') {
      activity.StatusCode = 'Successful';
      activity.Progress = 100;
      activity.EndTime = at;
    }
  }

  private record(group: LocalGroup, activity: Activity): void {
    group.activities.unshift(activity);
    if (group.activities.length > ACTIVITY_LIMIT) group.activities.pop();
  }

  private toSdk(g: LocalGroup): AutoScalingGroup {
    return {
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: g.arn,
      MinSize: g.minSize,
      MaxSize: g.maxSize,
      DesiredCapacity: g.desired,
      DefaultCooldown: 300,
      AvailabilityZones: this.ctx.market.zones,
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
      CreatedTime: g.createdTime,
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateName: g.name, Version: '$Latest' },
          Overrides: g.instanceTypes.map((t) => ({ InstanceType: t })),
        },
        InstancesDistribution: {
          OnDemandBaseCapacity: g.distribution.onDemandBaseCapacity,
          OnDemandPercentageAboveBaseCapacity: g.distribution.onDemandPercentageAboveBaseCapacity,
          SpotAllocationStrategy: g.distribution.spotAllocationStrategy,
        },
      },
      Instances: [...g.members.values()].map((m) => {
        const instance = this.ec2.get(m.instanceId)!;
        return {
          InstanceId: m.instanceId,
          InstanceType: instance.instanceType,
          AvailabilityZone: instance.zone,
          LifecycleState: m.lifecycleState,
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: false,
        };
      }),
      Tags: [...g.tags].map(
        ([key, tag]): TagDescription => ({
          ResourceId: g.name,
          ResourceType: 'auto-scaling-group',
          Key: key,
          Value: tag.value,
          PropagateAtLaunch: tag.propagateAtLaunch,
        }),
      ),
      CapacityRebalance: g.capacityRebalance,
      TerminationPolicies: [...g.terminationPolicies],
      SuspendedProcesses: [...g.suspended].map(([ProcessName, SuspensionReason]) => ({
        ProcessName,
        SuspensionReason,
      })),
    };
  }

  /** The SuspensionReason of a process a user suspended (as DescribeAutoScalingGroups reports it, to the second). */
  private suspensionReason(): string {
    const at = this.ctx.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    return `User suspended at ${at}`;
  }
}
