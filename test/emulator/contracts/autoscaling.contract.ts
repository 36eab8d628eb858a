import {
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function autoScalingContract(name: string, makeTarget: TargetFactory): void {
  describe(`Auto Scaling contract (${name})`, () => {
    let t: ContractTarget;
    const group = async () =>
      (
        await t.clients
          .autoScaling(t.region)
          .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.asgName] }))
      ).AutoScalingGroups?.[0];
    const setDesired = (n: number) =>
      t.clients
        .autoScaling(t.region)
        .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: t.asgName, DesiredCapacity: n }));

    beforeEach(async () => {
      t = await makeTarget();
    });

    it('launches to the desired capacity: Pending first, InService after the instance boots', async () => {
      await setDesired(1);
      await t.advance(1_000);
      const booting = await group();
      await t.advance(120_000);
      const booted = await group();
      expect(booting?.DesiredCapacity).toBe(1);
      expect(booting?.Instances?.map((i) => i.LifecycleState)).toEqual(['Pending']);
      expect(booted?.Instances?.map((i) => i.LifecycleState)).toEqual(['InService']);
    });

    it('records a Successful launch activity, newest activity first', async () => {
      await setDesired(1);
      await t.advance(120_000);
      const out = await t.clients
        .autoScaling(t.region)
        .send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: t.asgName }));
      expect(out.Activities?.[0]).toMatchObject({
        StatusCode: 'Successful',
        AutoScalingGroupName: t.asgName,
      });
      expect(out.Activities?.[0]?.Description).toMatch(/^Launching a new EC2 instance: i-/);
    });

    it('records a Failed InsufficientInstanceCapacity activity when Spot capacity is exhausted', async () => {
      t.setCapacity(false);
      const since = t.now();
      await setDesired(1);
      await t.advance(1_000);
      const out = await t.clients
        .autoScaling(t.region)
        .send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: t.asgName }));
      const failed = (out.Activities ?? []).filter((a) => a.StatusCode === 'Failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]?.StatusMessage).toContain('InsufficientInstanceCapacity');
      expect(failed[0]?.StartTime?.getTime()).toBeGreaterThanOrEqual(since.getTime());
      expect((await group())?.Instances).toEqual([]);
    });

    it('launches once capacity comes back, without a new request', async () => {
      t.setCapacity(false);
      await setDesired(1);
      await t.advance(1_000);
      t.setCapacity(true);
      await t.advance(20 * 60_000);
      expect((await group())?.Instances?.map((i) => i.LifecycleState)).toEqual(['InService']);
    });

    it('terminates instances when the desired capacity drops to 0', async () => {
      await setDesired(1);
      await t.advance(120_000);
      await setDesired(0);
      await t.advance(1_000);
      const terminating = await group();
      await t.advance(120_000);
      expect(terminating?.Instances?.map((i) => i.LifecycleState)).toEqual(['Terminating']);
      expect((await group())?.Instances).toEqual([]);
    });

    it('replaces an instance lost to a Spot interruption', async () => {
      await setDesired(1);
      await t.advance(120_000);
      const before = (await group())?.Instances?.[0]?.InstanceId;
      t.interrupt();
      await t.advance(5 * 60_000);
      const after = (await group())?.Instances?.filter((i) => i.LifecycleState === 'InService') ?? [];
      expect(after).toHaveLength(1);
      expect(after[0]?.InstanceId).not.toBe(before);
    });

    it('rejects a desired capacity above MaxSize with ValidationError', async () => {
      const error = await setDesired(99).catch((e) => e);
      expect(error.name).toBe('ValidationError');
      expect(error.message).toContain('above max value');
    });

    it('rejects an unknown group with ValidationError', async () => {
      const error = await t.clients
        .autoScaling(t.region)
        .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: t.unique('nope'), DesiredCapacity: 1 }))
        .catch((e) => e);
      expect(error.name).toBe('ValidationError');
    });

    it('UpdateAutoScalingGroup moves bounds and desired capacity together and validates them', async () => {
      const as = t.clients.autoScaling(t.region);
      await as.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: t.asgName,
          MinSize: 0,
          MaxSize: 2,
          DesiredCapacity: 2,
        }),
      );
      const g = await group();
      const error = await as
        .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: t.asgName, MinSize: 3, MaxSize: 1 }))
        .catch((e) => e);
      expect(g).toMatchObject({ MinSize: 0, MaxSize: 2, DesiredCapacity: 2 });
      expect(error.name).toBe('ValidationError');
    });

    const distribute = (desired: number, base: number, percentAbove: number) =>
      t.clients.autoScaling(t.region).send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: t.asgName,
          DesiredCapacity: desired,
          MixedInstancesPolicy: {
            InstancesDistribution: {
              OnDemandBaseCapacity: base,
              OnDemandPercentageAboveBaseCapacity: percentAbove,
              SpotAllocationStrategy: 'price-capacity-optimized',
            },
          },
        }),
      );
    const lifecycles = async () => {
      const ids = ((await group())?.Instances ?? []).map((i) => i.InstanceId!);
      const out = await t.clients.ec2(t.region).send(new DescribeInstancesCommand({ InstanceIds: ids }));
      return (out.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => i.InstanceLifecycle ?? 'on-demand')
        .sort();
    };

    it('honours InstancesDistribution: OnDemandBaseCapacity on-demand first, the percentage above it', async () => {
      await distribute(3, 1, 0);
      await t.advance(120_000);
      const g = await group();
      expect(g?.MixedInstancesPolicy?.InstancesDistribution).toMatchObject({
        OnDemandBaseCapacity: 1,
        OnDemandPercentageAboveBaseCapacity: 0,
        SpotAllocationStrategy: 'price-capacity-optimized',
      });
      expect(await lifecycles()).toEqual(['on-demand', 'spot', 'spot']);
    });

    it('launches on-demand (100 % above a base of 0) even while Spot capacity is exhausted: separate pools', async () => {
      t.setCapacity(false);
      await distribute(1, 0, 100);
      await t.advance(120_000);
      expect((await group())?.Instances?.map((i) => i.LifecycleState)).toEqual(['InService']);
      expect(await lifecycles()).toEqual(['on-demand']);
    });

    it('rejects an InstancesDistribution outside its ranges with ValidationError', async () => {
      const error = await distribute(1, 0, 101).catch((e) => e);
      expect(error.name).toBe('ValidationError');
      expect(error.message).toContain('onDemandPercentageAboveBaseCapacity');
      expect((await group())?.DesiredCapacity).toBe(0);
    });

    it('CreateOrUpdateTags adds or overwrites a group tag that DescribeAutoScalingGroups returns', async () => {
      const as = t.clients.autoScaling(t.region);
      const tag = (value: string) =>
        as.send(
          new CreateOrUpdateTagsCommand({
            Tags: [
              {
                ResourceId: t.asgName,
                ResourceType: 'auto-scaling-group',
                Key: 'spotplane:intent',
                Value: value,
                PropagateAtLaunch: false,
              },
            ],
          }),
        );
      await tag('4');
      await tag('7');
      const tags = (await group())?.Tags?.filter((x) => x.Key === 'spotplane:intent');
      const wrongType = await as
        .send(
          new CreateOrUpdateTagsCommand({
            Tags: [{ ResourceId: t.asgName, ResourceType: 'instance', Key: 'k', Value: 'v' }],
          }),
        )
        .catch((e) => e);
      expect(tags).toEqual([
        {
          ResourceId: t.asgName,
          ResourceType: 'auto-scaling-group',
          Key: 'spotplane:intent',
          Value: '7',
          PropagateAtLaunch: false,
        },
      ]);
      expect(wrongType.name).toBe('ValidationError');
    });

    it('DescribeAutoScalingInstances tells which group an instance belongs to, and omits unknown ids', async () => {
      await setDesired(1);
      await t.advance(120_000);
      const id = (await group())?.Instances?.[0]?.InstanceId ?? '';
      const out = await t.clients
        .autoScaling(t.region)
        .send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id, 'i-0000000000000dead'] }));
      expect(out.AutoScalingInstances).toHaveLength(1);
      expect(out.AutoScalingInstances?.[0]).toMatchObject({
        InstanceId: id,
        AutoScalingGroupName: t.asgName,
        LifecycleState: 'InService',
      });
    });

    it('SuspendProcesses lists what it suspended with a reason, ResumeProcesses resumes it, unknown names fail', async () => {
      const as = t.clients.autoScaling(t.region);
      const suspended = async () => (await group())?.SuspendedProcesses?.map((p) => p.ProcessName) ?? [];
      const initially = await suspended();
      await as.send(
        new SuspendProcessesCommand({ AutoScalingGroupName: t.asgName, ScalingProcesses: ['AZRebalance'] }),
      );
      const after = (await group())?.SuspendedProcesses;
      await as.send(
        new ResumeProcessesCommand({ AutoScalingGroupName: t.asgName, ScalingProcesses: ['AZRebalance'] }),
      );
      const unknown = await as
        .send(
          new SuspendProcessesCommand({ AutoScalingGroupName: t.asgName, ScalingProcesses: ['Rebalance'] }),
        )
        .catch((e) => e);

      expect(initially).toEqual([]);
      expect(after).toEqual([
        { ProcessName: 'AZRebalance', SuspensionReason: expect.stringMatching(/^User suspended at \S+Z$/) },
      ]);
      expect(await suspended()).toEqual([]);
      expect(unknown.name).toBe('ValidationError');
    });
  });
}
