/** The AWS service events LocalCloud emits on a region's default bus, in AWS's documented shapes. */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { type BusEvent, createLocalCloud } from '../../emulator/index.ts';

async function region() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'events', markets: { 'us-west-2': {} } });
  const r = cloud.region('us-west-2');
  const seen: (BusEvent & { at: number })[] = [];
  const sink = cloud.lambdas.register('us-west-2', 'sink', async (e) => {
    seen.push({ ...(e as BusEvent), at: clock.now().getTime() });
    return null;
  });
  await r.events.putRule({
    Name: 'aws',
    EventPattern: JSON.stringify({ source: ['aws.ec2', 'aws.autoscaling'] }),
  });
  await r.events.putTargets({ Rule: 'aws', Targets: [{ Id: 'sink', Arn: sink }] });
  r.autoScaling.createGroup({ name: 'gpu', instanceTypes: ['g6.xlarge'], maxSize: 2 });
  return { clock, cloud, r, seen, start: clock.now().getTime() };
}

describe('AWS events from LocalCloud', () => {
  it('warns of a Spot interruption two minutes before the instance shuts down', async () => {
    const { clock, cloud, r, seen } = await region();
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(120_000);
    const warnedAt = clock.now().getTime();
    const [id] = cloud.interrupt('us-west-2');
    await clock.advance(150_000);

    const warning = seen.find((e) => e['detail-type'] === 'EC2 Spot Instance Interruption Warning');
    const shutdown = seen.find(
      (e) =>
        e['detail-type'] === 'EC2 Instance State-change Notification' &&
        e.detail['instance-id'] === id &&
        e.detail.state === 'shutting-down',
    );
    expect(warning).toMatchObject({
      version: '0',
      source: 'aws.ec2',
      region: 'us-west-2',
      account: '123456789012',
      detail: { 'instance-id': id, 'instance-action': 'terminate' },
    });
    expect(warning?.resources[0]).toMatch(new RegExp(`^arn:aws:ec2:us-west-2[a-c]:instance/${id}$`));
    expect(warning?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(shutdown!.at - warnedAt).toBe(120_000);
  });

  it('reports a launch without capacity as EC2 Instance Launch Unsuccessful for the group', async () => {
    const { cloud, clock, r, seen } = await region();
    cloud.setMarket('us-west-2', { capacityAvailable: false });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(1_000);

    const failed = seen.find((e) => e['detail-type'] === 'EC2 Instance Launch Unsuccessful');
    expect(failed).toMatchObject({
      source: 'aws.autoscaling',
      detail: { StatusCode: 'Failed', AutoScalingGroupName: 'gpu' },
    });
    expect(String(failed?.detail.StatusMessage)).toContain('InsufficientInstanceCapacity');
  });

  it('retries a failed launch with growing delays, not in a tight loop', async () => {
    const { cloud, clock, r, seen } = await region();
    cloud.setMarket('us-west-2', { capacityAvailable: false });
    await r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 });
    await clock.advance(10 * 60_000);

    const attempts = seen
      .filter((e) => e['detail-type'] === 'EC2 Instance Launch Unsuccessful')
      .map((e) => e.at);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(attempts.length).toBeGreaterThan(2);
    expect(attempts.length).toBeLessThan(8);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
  });
});
