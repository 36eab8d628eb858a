/** Availability Zones in LocalCloud: AWS's zone counts, Spot capacity per zone, and what a zone that dies does. */
import { describe, expect, it } from 'vitest';
import { availabilityZoneId, availabilityZones, regionOfZone, zoneCount } from '../../core/zones.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { type BusEvent, createLocalCloud, type LocalCloudOptions } from '../../emulator/index.ts';

describe('Availability Zones per region (AWS list)', () => {
  it.each([
    ['us-east-1', 6],
    ['us-west-1', 2],
    ['us-west-2', 4],
    ['ap-northeast-1', 3],
    ['ap-northeast-2', 4],
    ['eu-west-1', 3],
  ])('%s has %i zones', (region, count) => {
    expect(zoneCount(region)).toBe(count);
    expect(availabilityZones(region)).toHaveLength(count);
  });

  it('names zones by letter and maps them to the AZ IDs AWS lists', () => {
    expect(availabilityZones('us-west-1')).toEqual(['us-west-1a', 'us-west-1b']);
    expect(availabilityZoneId('us-west-1b')).toBe('usw1-az3');
    expect(availabilityZoneId('ca-central-1c')).toBe('cac1-az4');
    expect(availabilityZoneId('eu-west-1a')).toBe('euw1-az1');
    expect(availabilityZoneId('not-a-zone')).toBe('not-a-zone');
  });

  it('finds the region of a zone name and nothing in a non-zone', () => {
    expect(regionOfZone('ap-southeast-2c')).toBe('ap-southeast-2');
    expect(regionOfZone('us-east-1')).toBeNull();
  });

  it('gives a region it does not know three zones', () => {
    expect(zoneCount('xx-new-1')).toBe(3);
    expect(availabilityZoneId('xx-north-1b')).toBe('xxn1-az2');
  });
});

async function region(opts: Partial<LocalCloudOptions> = {}, regionName = 'eu-west-1') {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({
    clock,
    seed: 'zones',
    markets: { [regionName]: { spotPrice: 0.3 } },
    capacityPool: 20,
    launchTiming: { bootMs: 60_000, containerStartMs: 20_000, healthyAfterMs: 10_000 },
    ...opts,
  });
  const r = cloud.region(regionName);
  const seen: BusEvent[] = [];
  const sink = cloud.lambdas.register(regionName, 'sink', async (e) => {
    seen.push(e as BusEvent);
    return null;
  });
  await r.events.putRule({ Name: 'aws', EventPattern: JSON.stringify({ source: ['aws.ec2'] }) });
  await r.events.putTargets({ Rule: 'aws', Targets: [{ Id: 'sink', Arn: sink }] });
  r.autoScaling.createGroup({ name: 'gpu', instanceTypes: ['g6.xlarge', 'g5.xlarge'], maxSize: 10 });
  const scale = async (n: number) => {
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: n });
    await clock.advance(120_000);
  };
  const live = () => r.ec2.all().filter((i) => i.state === 'pending' || i.state === 'running');
  return { clock, cloud, r, seen, scale, live };
}

describe('Spot capacity per zone in LocalCloud', () => {
  it('spreads a group over the zones, one instance per zone before doubling up', async () => {
    const { scale, live } = await region();
    await scale(4);
    const zones = live()
      .map((i) => i.zone)
      .sort();
    expect(zones).toEqual(['eu-west-1a', 'eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('skips a zone without Spot capacity and launches in another one', async () => {
    const { cloud, scale, live } = await region();
    cloud.setMarket('eu-west-1', { zoneCapacity: { 'eu-west-1a': 0, 'eu-west-1b': 0 } });
    await scale(2);
    expect(live().map((i) => i.zone)).toEqual(['eu-west-1c', 'eu-west-1c']);
  });

  it('fails the launch with InsufficientInstanceCapacity when every zone is dry', async () => {
    const { cloud, r, scale, live } = await region();
    cloud.setMarket('eu-west-1', {
      zoneCapacity: { 'eu-west-1a': 0, 'eu-west-1b': 0, 'eu-west-1c': 0 },
    });
    await scale(1);
    expect(live()).toEqual([]);
    const { Activities } = await r.autoScaling.describeScalingActivities({ AutoScalingGroupName: 'gpu' });
    expect(Activities?.[0]?.StatusCode).toBe('Failed');
    expect(Activities?.[0]?.StatusMessage).toContain('InsufficientInstanceCapacity');
    expect(r.market.capacityAvailable()).toBe(false);
  });

  it('interrupts, with the two-minute warning, only the Spot instances of a zone that drops to 0', async () => {
    const { cloud, clock, scale, live, seen } = await region();
    await scale(3);
    const inA = live().find((i) => i.zone === 'eu-west-1a')!;
    const warned = cloud.setMarket('eu-west-1', { zoneCapacity: { 'eu-west-1a': 0 } });
    expect(warned).toEqual([inA.instanceId]);
    await clock.advance(1_000);
    expect(seen.filter((e) => e['detail-type'] === 'EC2 Spot Instance Interruption Warning')).toHaveLength(1);
    expect(inA.state).toBe('running');
    await clock.advance(120_000);
    expect(inA.state).not.toBe('running');
    // The group replaces it in a zone that still has capacity.
    await clock.advance(120_000);
    expect(
      live()
        .map((i) => i.zone)
        .sort(),
    ).toEqual(['eu-west-1b', 'eu-west-1b', 'eu-west-1c']);
  });

  it('reclaims only the excess when a zone shrinks, newest first', async () => {
    const { cloud, clock, r, scale, live } = await region({}, 'us-west-1');
    await scale(2);
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 4 });
    await clock.advance(120_000);
    const inA = live()
      .filter((i) => i.zone === 'us-west-1a')
      .sort((a, b) => a.launchTime.getTime() - b.launchTime.getTime());
    expect(inA).toHaveLength(2);
    const warned = cloud.setMarket('us-west-1', { zoneCapacity: { 'us-west-1a': 1 } });
    expect(warned).toEqual([inA[1]!.instanceId]);
  });

  it('without a warning (notice 0) reclaims at once and sends no interruption warning', async () => {
    const { cloud, clock, scale, live, seen } = await region({ interruptionNoticeMs: 0 });
    await scale(1);
    const [instance] = live();
    cloud.setMarket('eu-west-1', { zoneCapacity: { [instance!.zone]: 0 } });
    expect(instance!.state).toBe('shutting-down');
    await clock.advance(1_000);
    expect(seen.some((e) => e['detail-type'] === 'EC2 Spot Instance Interruption Warning')).toBe(false);
    expect(
      seen.some(
        (e) =>
          e['detail-type'] === 'EC2 Instance State-change Notification' &&
          e.detail['instance-id'] === instance!.instanceId,
      ),
    ).toBe(true);
  });

  it('says why an instance went in its StateReason: Spot taking it back, or a scale-in through the EC2 API', async () => {
    const { cloud, clock, r, scale, live } = await region({ interruptionNoticeMs: 0 });
    await scale(2);
    const [reclaimed, released] = live();
    expect(
      (await r.ec2.describeInstances({})).Reservations?.[0]?.Instances?.[0]?.StateReason,
    ).toBeUndefined();
    cloud.setMarket('eu-west-1', { zoneCapacity: { [reclaimed!.zone]: 0 } });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 0 });
    await clock.advance(1_000);
    const reasons = async () => {
      const out = await r.ec2.describeInstances({
        InstanceIds: [reclaimed!.instanceId, released!.instanceId],
      });
      return out.Reservations?.flatMap((x) => x.Instances ?? []).map((i) => [
        i.State?.Name,
        i.StateReason?.Code,
      ]);
    };
    expect(await reasons()).toEqual([
      ['shutting-down', 'Server.SpotInstanceTermination'],
      ['shutting-down', 'Client.UserInitiatedShutdown'],
    ]);
    await clock.advance(60_000);
    expect((await reasons())?.map(([state, code]) => [state, code?.split('.')[0]])).toEqual([
      ['terminated', 'Server'],
      ['terminated', 'Client'],
    ]);
  });

  it('refuses a capacity or a price for a zone the region does not have', async () => {
    const { cloud } = await region({}, 'us-west-1');
    expect(() => cloud.setMarket('us-west-1', { zoneCapacity: { 'us-west-1c': 1 } })).toThrow(
      /us-west-1c is not an Availability Zone of us-west-1 \(us-west-1a, us-west-1b\)/,
    );
    expect(() =>
      cloud.setMarket('us-west-1', { spotPrices: { 'us-west-1c': { 'g6.xlarge': 0.2 } } }),
    ).toThrow(/us-west-1c is not an Availability Zone/);
  });

  it('takes the zones a caller names for a region (a trace from another account mapping)', async () => {
    const { r } = await region({ zones: { 'eu-west-1': ['eu-west-1b', 'eu-west-1c'] } });
    expect(r.market.zones).toEqual(['eu-west-1b', 'eu-west-1c']);
  });
});

describe('Spot prices per zone and instance type in LocalCloud', () => {
  it('launches the cheapest instance type of the chosen zone and reports each price as set', async () => {
    const { cloud, r, scale, live } = await region();
    cloud.setMarket('eu-west-1', {
      spotPrices: {
        'eu-west-1a': { 'g6.xlarge': 0.4, 'g5.xlarge': 0.35 },
        'eu-west-1b': { 'g6.xlarge': 0.45, 'g5.xlarge': 0.5 },
        'eu-west-1c': { 'g6.xlarge': 0.6, 'g5.xlarge': 0.7 },
      },
    });
    await scale(2);
    const byZone = Object.fromEntries(live().map((i) => [i.zone, i.instanceType]));
    expect(byZone).toEqual({ 'eu-west-1a': 'g5.xlarge', 'eu-west-1b': 'g6.xlarge' });

    const { SpotPriceHistory } = await r.ec2.describeSpotPriceHistory({
      ProductDescriptions: ['Linux/UNIX'],
      InstanceTypes: ['g5.xlarge'],
      AvailabilityZone: 'eu-west-1b',
    });
    expect(SpotPriceHistory?.[0]?.SpotPrice).toBe('0.500000');
    // The level the rest of the market reads is the first type's cheapest zone.
    expect(r.market.inputs().spotPrice).toBe(0.4);
  });
});
