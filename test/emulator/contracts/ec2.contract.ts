import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  GetSpotPlacementScoresCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function ec2Contract(name: string, makeTarget: TargetFactory): void {
  describe(`EC2 contract (${name})`, () => {
    let t: ContractTarget;
    beforeEach(async () => {
      t = await makeTarget();
    });

    it('scores each requested region from 1 to 10', async () => {
      const out = await t.clients.ec2(t.region).send(
        new GetSpotPlacementScoresCommand({
          InstanceTypes: ['g6.xlarge', 'g5.xlarge'],
          TargetCapacity: 1,
          SingleAvailabilityZone: false,
          RegionNames: [t.region, t.otherRegion],
        }),
      );
      const regions = (out.SpotPlacementScores ?? []).map((s) => s.Region).sort();
      expect(regions).toEqual([t.region, t.otherRegion].sort());
      for (const s of out.SpotPlacementScores ?? []) {
        expect(s.Score).toBeGreaterThanOrEqual(1);
        expect(s.Score).toBeLessThanOrEqual(10);
        expect(s.AvailabilityZoneId).toBeUndefined();
      }
    });

    it('scores availability zones when SingleAvailabilityZone is set', async () => {
      const out = await t.clients.ec2(t.region).send(
        new GetSpotPlacementScoresCommand({
          InstanceTypes: ['g6.xlarge'],
          TargetCapacity: 1,
          SingleAvailabilityZone: true,
          RegionNames: [t.region],
        }),
      );
      expect(out.SpotPlacementScores?.length).toBeGreaterThan(1);
      expect(out.SpotPlacementScores?.every((s) => typeof s.AvailabilityZoneId === 'string')).toBe(true);
    });

    it('rejects a placement-score request without instance types', async () => {
      const error = await t.clients
        .ec2(t.region)
        .send(new GetSpotPlacementScoresCommand({ TargetCapacity: 1 }))
        .catch((e) => e);
      expect(error.name).toBe('InvalidParameterValue');
    });

    it('returns Spot prices as decimal strings, one product per record, including the price in effect at StartTime', async () => {
      const now = t.now().getTime();
      const out = await t.clients.ec2(t.region).send(
        new DescribeSpotPriceHistoryCommand({
          InstanceTypes: ['g6.xlarge'],
          ProductDescriptions: ['Linux/UNIX'],
          StartTime: new Date(now),
          EndTime: new Date(now),
        }),
      );
      const history = out.SpotPriceHistory ?? [];
      expect(history.length).toBeGreaterThan(0);
      for (const record of history) {
        expect(record.ProductDescription).toBe('Linux/UNIX');
        expect(record.InstanceType).toBe('g6.xlarge');
        expect(record.SpotPrice).toMatch(/^\d+\.\d+$/);
        expect(record.AvailabilityZone?.startsWith(t.region)).toBe(true);
      }
    });

    it('pages price history with NextToken until every record is returned once', async () => {
      const ec2 = t.clients.ec2(t.region);
      const window = { StartTime: new Date(t.now().getTime() - 6 * 3_600_000), EndTime: t.now() };
      const all = await ec2.send(new DescribeSpotPriceHistoryCommand({ ...window, MaxResults: 1000 }));
      const paged: unknown[] = [];
      let token: string | undefined;
      do {
        const page = await ec2.send(
          new DescribeSpotPriceHistoryCommand({ ...window, MaxResults: 5, NextToken: token }),
        );
        paged.push(...(page.SpotPriceHistory ?? []));
        token = page.NextToken || undefined;
      } while (token);
      expect(paged.length).toBe(all.SpotPriceHistory?.length);
      expect(paged.length).toBeGreaterThan(5);
    });

    it('describes the instances Auto Scaling launched, tagged with their group, with IMDSv2 required', async () => {
      await t.clients
        .autoScaling(t.region)
        .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: t.asgName, DesiredCapacity: 1 }));
      await t.advance(120_000);
      const out = await t.clients.ec2(t.region).send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [t.asgName] }],
        }),
      );
      const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
      expect(instances).toHaveLength(1);
      expect(instances[0]).toMatchObject({ State: { Name: 'running', Code: 16 }, InstanceLifecycle: 'spot' });
      expect(instances[0]?.MetadataOptions?.HttpTokens).toBe('required');
      expect(instances[0]?.PrivateIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });

    it('throws InvalidInstanceID.NotFound for an unknown instance id', async () => {
      const error = await t.clients
        .ec2(t.region)
        .send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000dead'] }))
        .catch((e) => e);
      expect(error.name).toBe('InvalidInstanceID.NotFound');
    });
  });
}
