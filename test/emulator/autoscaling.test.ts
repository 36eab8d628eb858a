/**
 * LocalCloud's Auto Scaling beyond the contract: Capacity Rebalancing acting behind the hub's back, the
 * on-demand pool running out, scale-in in AWS's order (purchase option, fullest zone, termination policy), and
 * AZRebalance moving instances between zones unless suspended.
 */
import { describe, expect, it } from 'vitest';
import { launchErrorFromMessage } from '../../core/launch-status.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';

async function region(
  opts: { capacityRebalance?: boolean; terminationPolicies?: string[]; suspendedProcesses?: string[] } = {},
) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'asg', markets: { 'us-west-2': {} } });
  const r = cloud.region('us-west-2');
  r.autoScaling.createGroup({
    name: 'gpu',
    instanceTypes: ['g6.xlarge'],
    maxSize: 4,
    capacityRebalance: opts.capacityRebalance,
    terminationPolicies: opts.terminationPolicies,
    suspendedProcesses: opts.suspendedProcesses,
  });
  const group = async () =>
    (await r.autoScaling.describeAutoScalingGroups({ AutoScalingGroupNames: ['gpu'] }))
      .AutoScalingGroups![0]!;
  const inService = async () =>
    (await group()).Instances!.filter((i) => i.LifecycleState === 'InService').map((i) => i.InstanceId);
  return { clock, cloud, r, group, inService };
}

describe('Auto Scaling Capacity Rebalancing (LocalCloud)', () => {
  it('with CapacityRebalance on, replaces a Spot instance on a mere rebalance recommendation, by itself', async () => {
    const { clock, cloud, r, inService } = await region({ capacityRebalance: true });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(120_000);
    const [serving] = await inService();

    expect(cloud.recommendRebalance('us-west-2')).toEqual([serving]);
    await clock.advance(5 * 60_000);

    const now = await inService();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(serving);
    expect(r.ec2.get(serving!)?.state).toBe('terminated');
  });

  it('with CapacityRebalance off (as spotplane deploys it), a recommendation changes nothing', async () => {
    const { clock, cloud, r, inService } = await region({ capacityRebalance: false });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(120_000);
    const before = await inService();
    cloud.recommendRebalance('us-west-2');
    await clock.advance(5 * 60_000);
    expect(await inService()).toEqual(before);
  });
});

describe('Auto Scaling on-demand capacity (LocalCloud)', () => {
  it('fails an on-demand launch with EC2 InsufficientInstanceCapacity when the on-demand pool is out', async () => {
    const { clock, cloud, r, group } = await region();
    cloud.setMarket('us-west-2', { onDemandCapacityAvailable: false });
    await r.autoScaling.updateAutoScalingGroup({
      AutoScalingGroupName: 'gpu',
      DesiredCapacity: 1,
      MixedInstancesPolicy: { InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 100 } },
    });
    await clock.advance(1_000);
    const activities = await r.autoScaling.describeScalingActivities({ AutoScalingGroupName: 'gpu' });
    const failed = activities.Activities!.find((a) => a.StatusCode === 'Failed');
    expect(failed?.StatusMessage).toMatch(/We currently do not have sufficient g6\.xlarge capacity/);
    expect(launchErrorFromMessage(failed!.StatusMessage!)).toBe('InsufficientInstanceCapacity');
    expect((await group()).Instances).toEqual([]);
  });

  it('scales in the kind above its share first, keeping the distribution', async () => {
    const { clock, r, group } = await region();
    await r.autoScaling.updateAutoScalingGroup({
      AutoScalingGroupName: 'gpu',
      DesiredCapacity: 3,
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0 },
      },
    });
    await clock.advance(120_000);
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(120_000);
    const left = (await group()).Instances!.map((i) => r.ec2.get(i.InstanceId!)!.lifecycle);
    expect(left).toEqual(['on-demand']);
  });
});

describe('Auto Scaling scale-in order (LocalCloud, as the User Guide documents it)', () => {
  /** A replica that served for 50 minutes in one zone and a replacement booting in another; then desired 1. */
  async function readyAndPending(terminationPolicies?: string[]) {
    const { clock, r, group } = await region({ terminationPolicies });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(50 * 60_000);
    const [ready] = (await group()).Instances!.map((i) => i.InstanceId!);
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 2 });
    await clock.advance(10_000);
    const pending = (await group()).Instances!.map((i) => i.InstanceId!).find((id) => id !== ready)!;
    expect(r.ec2.get(pending)!.zone).not.toBe(r.ec2.get(ready!)!.zone);
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(120_000);
    return { ready: r.ec2.get(ready!)!.state, pending: r.ec2.get(pending)!.state };
  }

  it('under Default, takes the instance closest to its next billing hour: the ready one, not the pending one', async () => {
    expect(await readyAndPending()).toEqual({ ready: 'terminated', pending: 'running' });
  });

  it('under NewestInstance (as spotplane deploys the group), takes the pending one and keeps the ready one', async () => {
    expect(await readyAndPending(['NewestInstance'])).toEqual({ ready: 'running', pending: 'terminated' });
  });

  it('keeps the zones balanced before applying the termination policy', async () => {
    // As spotplane deploys the group: with AZRebalance on, zone c's return would itself move an instance there.
    const { clock, cloud, r, group } = await region({
      terminationPolicies: ['NewestInstance'],
      suspendedProcesses: ['AZRebalance'],
    });
    const ids = async () => (await group()).Instances!.map((i) => i.InstanceId!);
    // Only two zones have Spot room: two instances, then a third beside one of them, then a fourth elsewhere.
    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2c': 0, 'us-west-2d': 0 } });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 2 });
    await clock.advance(10 * 60_000);
    const first = await ids();
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 3 });
    await clock.advance(10 * 60_000);
    const third = (await ids()).find((id) => !first.includes(id))!;
    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2c': 5 } });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 4 });
    await clock.advance(10 * 60_000);
    const before = await ids();
    const newest = before.find((id) => ![...first, third].includes(id))!;
    expect(r.ec2.get(newest)!.zone).toBe('us-west-2c');

    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 3 });
    await clock.advance(120_000);

    // The newest of the fullest zone, not the newest of the group.
    expect(before.filter((id) => r.ec2.get(id)!.state === 'terminated')).toEqual([third]);
  });

  it('reports its termination policies and refuses an unknown one, naming it', async () => {
    const { r, group } = await region({ terminationPolicies: ['NewestInstance'] });
    expect((await group()).TerminationPolicies).toEqual(['NewestInstance']);
    await expect(
      r.autoScaling.updateAutoScalingGroup({
        AutoScalingGroupName: 'gpu',
        TerminationPolicies: ['Youngest'],
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('Youngest') });
    await r.autoScaling.updateAutoScalingGroup({
      AutoScalingGroupName: 'gpu',
      TerminationPolicies: ['Default'],
    });
    expect((await group()).TerminationPolicies).toEqual(['Default']);
  });
});

describe('Auto Scaling TerminateInstanceInAutoScalingGroup (LocalCloud, as the API Reference documents it)', () => {
  async function three() {
    const world = await region();
    await world.r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 3 });
    await world.clock.advance(120_000);
    const ids = (await world.inService()) as string[];
    return { ...world, ids };
  }

  it('terminates the named instance and, with the decrement, keeps the others and launches nothing', async () => {
    const { clock, r, group, inService, ids } = await three();
    const named = ids[1]!;
    const { Activity } = await r.autoScaling.terminateInstanceInAutoScalingGroup({
      InstanceId: named,
      ShouldDecrementDesiredCapacity: true,
    });
    expect(Activity?.Description).toBe(`Terminating EC2 instance: ${named}`);
    expect(Activity?.Cause).toMatch(
      new RegExp(
        `instance ${named} was taken out of service in response to a user request, shrinking the capacity from 3 to 2\\.$`,
      ),
    );
    expect((await group()).DesiredCapacity).toBe(2);
    await clock.advance(10 * 60_000);
    expect(r.ec2.get(named)?.state).toBe('terminated');
    expect((await inService()).sort()).toEqual([ids[0], ids[2]].sort());
    expect((await group()).Instances).toHaveLength(2);
  });

  it('without the decrement, launches a replacement for the named instance', async () => {
    const { clock, r, group, inService, ids } = await three();
    await r.autoScaling.terminateInstanceInAutoScalingGroup({
      InstanceId: ids[0],
      ShouldDecrementDesiredCapacity: false,
    });
    expect((await group()).DesiredCapacity).toBe(3);
    await clock.advance(10 * 60_000);
    const now = await inService();
    expect(now).toHaveLength(3);
    expect(now).not.toContain(ids[0]);
  });

  it('refuses an instance that is not a live member, a missing field, and a decrement below the minimum', async () => {
    const { clock, r, ids } = await three();
    await r.autoScaling.terminateInstanceInAutoScalingGroup({
      InstanceId: ids[0],
      ShouldDecrementDesiredCapacity: true,
    });
    // Already leaving: no longer the group's.
    await expect(
      r.autoScaling.terminateInstanceInAutoScalingGroup({
        InstanceId: ids[0],
        ShouldDecrementDesiredCapacity: true,
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining(ids[0]!) });
    await expect(
      r.autoScaling.terminateInstanceInAutoScalingGroup({
        InstanceId: 'i-0nothere',
        ShouldDecrementDesiredCapacity: true,
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('i-0nothere') });
    await expect(
      r.autoScaling.terminateInstanceInAutoScalingGroup({
        InstanceId: ids[1],
        ShouldDecrementDesiredCapacity: undefined,
      }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('shouldDecrementDesiredCapacity'),
    });
    await r.autoScaling.updateAutoScalingGroup({ AutoScalingGroupName: 'gpu', MinSize: 2 });
    await clock.advance(1_000);
    await expect(
      r.autoScaling.terminateInstanceInAutoScalingGroup({
        InstanceId: ids[1],
        ShouldDecrementDesiredCapacity: true,
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('min size') });
  });
});

describe('Auto Scaling AZRebalance (LocalCloud, as the User Guide documents it)', () => {
  /** A two-zone region whose zone a has no Spot capacity: a group of two (MaxSize 2) lands both in zone b. */
  async function bothInZoneB(suspendedProcesses?: string[]) {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const cloud = createLocalCloud({
      clock,
      seed: 'az-rebalance',
      markets: { 'us-west-2': {} },
      zones: { 'us-west-2': ['us-west-2a', 'us-west-2b'] },
      launchTiming: { bootMs: 60_000 },
    });
    const r = cloud.region('us-west-2');
    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2a': 0 } });
    r.autoScaling.createGroup({
      name: 'gpu',
      instanceTypes: ['g6.xlarge'],
      maxSize: 2,
      desiredCapacity: 2,
      suspendedProcesses,
    });
    await clock.advance(120_000);
    const group = async () =>
      (await r.autoScaling.describeAutoScalingGroups({ AutoScalingGroupNames: ['gpu'] }))
        .AutoScalingGroups![0]!;
    const zones = async () =>
      (await group()).Instances!.map((i) => `${i.AvailabilityZone} ${i.LifecycleState}`).sort();
    const causes = async () =>
      (await r.autoScaling.describeScalingActivities({ AutoScalingGroupName: 'gpu' })).Activities!.map(
        (a) => a.Cause!,
      );
    const firstTwo = (await group()).Instances!.map((i) => i.InstanceId!);
    expect(await zones()).toEqual(['us-west-2b InService', 'us-west-2b InService']);
    return { clock, cloud, r, group, zones, causes, firstTwo };
  }

  it('once zone a has capacity again, launches there first, then terminates one of zone b: 1/1', async () => {
    const { clock, cloud, r, group, zones, causes, firstTwo } = await bothInZoneB();

    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2a': 4 } });

    // Launch before terminate: for a while the group runs one above desired (and MaxSize).
    expect(await zones()).toEqual(['us-west-2a Pending', 'us-west-2b InService', 'us-west-2b InService']);
    expect((await causes())[0]).toMatch(
      /instances were launched to balance instances in zones us-west-2a with other zones resulting in more than desired number of instances in the group\.$/,
    );
    await clock.advance(60_000);
    expect(await zones()).toEqual(['us-west-2a InService', 'us-west-2b InService', 'us-west-2b Terminating']);
    await clock.advance(120_000);

    expect(await zones()).toEqual(['us-west-2a InService', 'us-west-2b InService']);
    expect((await group()).DesiredCapacity).toBe(2);
    const gone = firstTwo.filter((id) => r.ec2.get(id)!.state === 'terminated');
    expect(gone).toHaveLength(1);
    expect((await causes())[0]).toMatch(
      new RegExp(
        `shrinking the capacity from 3 to 2\\. At \\S+ instance ${gone[0]} was selected for termination\\.$`,
      ),
    );
  });

  it('with AZRebalance suspended (as spotplane deploys the group), keeps both instances in zone b', async () => {
    const { clock, cloud, r, group, zones, causes } = await bothInZoneB(['AZRebalance']);
    const before = await causes();

    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2a': 4 } });
    await clock.advance(10 * 60_000);

    expect(await zones()).toEqual(['us-west-2b InService', 'us-west-2b InService']);
    expect(r.ec2.all()).toHaveLength(2);
    expect(await causes()).toEqual(before);
    expect((await group()).SuspendedProcesses).toEqual([
      { ProcessName: 'AZRebalance', SuspensionReason: 'User suspended at 2026-11-24T10:00:00Z' },
    ]);
  });

  it('rebalances a group left unbalanced while suspended once ResumeProcesses resumes AZRebalance', async () => {
    const { clock, cloud, r, zones } = await bothInZoneB(['AZRebalance']);
    cloud.setMarket('us-west-2', { zoneCapacity: { 'us-west-2a': 4 } });
    await clock.advance(60_000);

    await r.autoScaling.resumeProcesses({ AutoScalingGroupName: 'gpu', ScalingProcesses: ['AZRebalance'] });
    await clock.advance(5 * 60_000);

    expect(await zones()).toEqual(['us-west-2a InService', 'us-west-2b InService']);
  });

  it('refuses an unknown process, naming it, when the group is created or a process suspended', async () => {
    const { r } = await region();
    expect(() =>
      r.autoScaling.createGroup({
        name: 'other',
        instanceTypes: ['g6.xlarge'],
        suspendedProcesses: ['AZBalance'],
      }),
    ).toThrow(
      expect.objectContaining({ name: 'ValidationError', message: expect.stringContaining('AZBalance') }),
    );
    await expect(
      r.autoScaling.suspendProcesses({ AutoScalingGroupName: 'gpu', ScalingProcesses: ['Rebalance'] }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('Rebalance') });
  });
});
