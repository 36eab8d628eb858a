/**
 * LocalCloud's Auto Scaling beyond the contract: Capacity Rebalancing acting behind the hub's back, the
 * on-demand pool running out, and scale-in keeping the distribution.
 */
import { describe, expect, it } from 'vitest';
import { launchErrorFromMessage } from '../../core/launch-status.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';

async function region(opts: { capacityRebalance?: boolean } = {}) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'asg', markets: { 'us-west-2': {} } });
  const r = cloud.region('us-west-2');
  r.autoScaling.createGroup({
    name: 'gpu',
    instanceTypes: ['g6.xlarge'],
    maxSize: 4,
    capacityRebalance: opts.capacityRebalance,
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
