/**
 * LocalCloud is as slow as AWS: EventBridge delivery, cross-region forwarding, rule changes, Lambda cold and
 * warm starts, Step Functions transitions and API calls take the modelled time on the clock, seeded.
 */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { type BusEvent, createLocalCloud } from '../../emulator/index.ts';
import {
  AWS_LATENCIES,
  LAMBDA_IDLE_RECYCLE_MS,
  type LatencyKind,
  LatencyModel,
  noLatency,
} from '../../emulator/latency.ts';

const KINDS = Object.keys(AWS_LATENCIES) as LatencyKind[];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

describe('the latency table', () => {
  it('cites a source for every modelled latency and keeps p99 at or above p50', () => {
    for (const kind of KINDS) {
      const entry = AWS_LATENCIES[kind];
      expect(entry.source.length, kind).toBeGreaterThan(20);
      expect(entry.p99Ms, kind).toBeGreaterThanOrEqual(entry.p50Ms);
      expect(entry.p50Ms, kind).toBeGreaterThan(0);
    }
  });

  it('samples around the table: the median near p50, the 99th percentile near p99, never above 2 x p99', () => {
    for (const kind of KINDS) {
      const model = new LatencyModel('table');
      const samples = Array.from({ length: 4000 }, () => model.sample(kind));
      const { p50Ms, p99Ms } = AWS_LATENCIES[kind];
      expect(percentile(samples, 0.5), kind).toBeGreaterThanOrEqual(p50Ms * 0.85);
      expect(percentile(samples, 0.5), kind).toBeLessThanOrEqual(p50Ms * 1.15);
      expect(percentile(samples, 0.99), kind).toBeGreaterThanOrEqual(p99Ms * 0.7);
      expect(percentile(samples, 0.99), kind).toBeLessThanOrEqual(p99Ms * 1.4);
      expect(Math.max(...samples), kind).toBeLessThanOrEqual(2 * p99Ms);
      expect(Math.min(...samples), kind).toBeGreaterThanOrEqual(0);
    }
  });

  it('is deterministic per seed, with one stream per kind', () => {
    const a = new LatencyModel(7);
    const b = new LatencyModel(7);
    const c = new LatencyModel(8);
    const draw = (m: LatencyModel) => Array.from({ length: 20 }, () => m.sample('eventBridgeDelivery'));
    const fromA = draw(a);
    b.sample('lambdaColdStart'); // another kind's draws do not move this one
    expect(draw(b)).toEqual(fromA);
    expect(draw(c)).not.toEqual(fromA);
  });

  it('has a zero model for tests that do not drive the clock', () => {
    const zero = noLatency();
    expect(KINDS.map((k) => zero.sample(k))).toEqual(KINDS.map(() => 0));
  });
});

async function cloudWith(latency: LatencyModel) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'latency', latency });
  const arrivals: { at: number; event: BusEvent }[] = [];
  const sink = cloud.lambdas.register('us-west-2', 'sink', async (e) => {
    arrivals.push({ at: clock.now().getTime(), event: e as BusEvent });
    return null;
  });
  const west = cloud.region('us-west-2');
  const east = cloud.region('us-east-1');
  west.events.createEventBus('worker');
  east.events.createEventBus('hub');
  await west.events.putDeployedRule({
    Name: 'sink',
    EventBusName: 'worker',
    EventPattern: '{"source":["spotplane.test"]}',
  });
  await west.events.putTargets({ Rule: 'sink', EventBusName: 'worker', Targets: [{ Id: 's', Arn: sink }] });
  await east.events.putDeployedRule({
    Name: 'forward',
    EventBusName: 'hub',
    EventPattern: '{"source":["spotplane.test"]}',
  });
  await east.events.putTargets({
    Rule: 'forward',
    EventBusName: 'hub',
    Targets: [{ Id: 'w', Arn: west.events.busArn('worker') }],
  });
  const put = (region: 'us-west-2' | 'us-east-1', detail: Record<string, unknown> = {}) =>
    cloud.region(region).events.putEvents({
      Entries: [
        {
          EventBusName: region === 'us-west-2' ? 'worker' : 'hub',
          Source: 'spotplane.test',
          DetailType: 'Ping',
          Detail: JSON.stringify(detail),
        },
      ],
    });
  return { clock, cloud, arrivals, put, start: clock.now().getTime(), sink };
}

describe('LocalCloud with the AWS latency model', () => {
  it('delivers a matched event after the modelled EventBridge delay plus the Lambda start, not at once', async () => {
    const model = new LatencyModel('latency');
    const expected = new LatencyModel('latency');
    const { clock, arrivals, put, start } = await cloudWith(model);
    await put('us-west-2');
    await clock.settle();
    expect(arrivals).toEqual([]);
    await clock.advance(5_000);
    expect(arrivals).toHaveLength(1);
    const minimum =
      expected.sample('eventBridgeDelivery') +
      expected.sample('lambdaAsyncQueue') +
      expected.sample('lambdaColdStart');
    expect(arrivals[0]!.at - start).toBe(minimum);
  });

  it('adds the cross-region hop when a rule forwards to another region', async () => {
    const { clock, arrivals, put, start } = await cloudWith(new LatencyModel('latency'));
    const expected = new LatencyModel('latency');
    await put('us-east-1');
    await clock.advance(10_000);
    expect(arrivals).toHaveLength(1);
    // Two rule deliveries (hub rule, worker rule), the inter-region hop, the async queue and a cold start.
    const hops =
      expected.sample('eventBridgeDelivery') +
      expected.sample('crossRegionBusToBus') +
      expected.sample('eventBridgeDelivery') +
      expected.sample('lambdaAsyncQueue') +
      expected.sample('lambdaColdStart');
    expect(arrivals[0]!.at - start).toBe(hops);
  });

  it('answers at once without a model', async () => {
    const { clock, arrivals, put, start } = await cloudWith(noLatency());
    await put('us-east-1');
    await clock.settle();
    expect(arrivals.map((a) => a.at - start)).toEqual([0]);
  });

  it('starts a function cold, warm while it was used in the last 10 minutes, cold again after', async () => {
    const { clock, cloud, sink } = await cloudWith(new LatencyModel('starts'));
    const expected = new LatencyModel('starts');
    const elapsed: number[] = [];
    const call = async () => {
      const before = clock.now().getTime();
      let finished = 0;
      const p = cloud.invokeOnClock(sink, {}, 'us-west-2').then(() => {
        finished = clock.now().getTime();
      });
      await clock.runUntil(() => finished > 0, 5_000);
      await p;
      elapsed.push(finished - before);
    };
    await call();
    await clock.advance(60_000);
    await call();
    await clock.advance(LAMBDA_IDLE_RECYCLE_MS);
    await call();
    expect(elapsed).toEqual([
      expected.sample('lambdaColdStart'),
      expected.sample('lambdaWarmStart'),
      expected.sample('lambdaColdStart'),
    ]);
  });

  it('makes an enabled rule match only after the propagation delay, so an event put at once is missed', async () => {
    const { clock, cloud, arrivals, sink } = await cloudWith(new LatencyModel('rules'));
    const west = cloud.region('us-west-2').events;
    await west.putDeployedRule({
      Name: 'toggled',
      EventBusName: 'worker',
      EventPattern: '{"source":["spotplane.toggled"]}',
      State: 'DISABLED',
    });
    await west.putTargets({ Rule: 'toggled', EventBusName: 'worker', Targets: [{ Id: 's', Arn: sink }] });
    const send = () =>
      west.putEvents({
        Entries: [{ EventBusName: 'worker', Source: 'spotplane.toggled', DetailType: 'Ping', Detail: '{}' }],
      });
    await west.enableRule({ Name: 'toggled', EventBusName: 'worker' });
    expect((await west.describeRule({ Name: 'toggled', EventBusName: 'worker' })).State).toBe('ENABLED');
    await send();
    await clock.advance(AWS_LATENCIES.ruleChangePropagation.p99Ms * 2 + 1);
    expect(arrivals).toEqual([]);
    await send();
    await clock.advance(10_000);
    expect(arrivals).toHaveLength(1);
  });

  it('pays API latency for calls made by a Step Functions task, none for a call from outside', async () => {
    const { clock, cloud } = await cloudWith(new LatencyModel('api'));
    const ssm = cloud.region('us-west-2').ssm;
    await ssm.putParameter({ Name: '/p', Value: 'v', Type: 'String' });
    const before = clock.now().getTime();
    await cloud.call('us-west-2', 'ssm', 'GetParameter', { Name: '/p' });
    expect(clock.now().getTime()).toBe(before);

    const sfn = cloud.region('us-west-2').sfn;
    const { stateMachineArn } = await sfn.createStateMachine({
      name: 'get',
      roleArn: 'arn:aws:iam::123456789012:role/x',
      definition: JSON.stringify({
        StartAt: 'Get',
        States: {
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:ssm:getParameter',
            Parameters: { Name: '/p' },
            End: true,
          },
        },
      }),
    });
    const { executionArn } = await sfn.startExecution({ stateMachineArn, input: '{}' });
    const describe = () =>
      sfn.runtime.describeExecution({ executionArn: executionArn! }) as {
        status: string;
        stopDate: Date;
        startDate: Date;
      };
    await clock.runUntil(() => describe().status !== 'RUNNING', 10_000);
    const expected = new LatencyModel('api');
    const described = describe();
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate.getTime() - described.startDate.getTime()).toBe(
      expected.sample('stepFunctionsTransition') + expected.sample('apiCall'),
    );
  });
});

describe('delivery faults (late, duplicated, dropped)', () => {
  it('delays one delivery so that a later event overtakes it', async () => {
    const { clock, cloud, arrivals, put } = await cloudWith(noLatency());
    cloud.injectDeliveryFault({ rule: 'sink', kind: 'delay', delayMs: 30_000 });
    await put('us-west-2', { n: 1 });
    await clock.advance(1_000);
    await put('us-west-2', { n: 2 });
    await clock.advance(60_000);
    expect(arrivals.map((a) => a.event.detail.n)).toEqual([2, 1]);
  });

  it('delivers an event twice (at least once), then once again', async () => {
    const { clock, cloud, arrivals, put } = await cloudWith(noLatency());
    cloud.injectDeliveryFault({ detailType: 'Ping', kind: 'duplicate' });
    await put('us-west-2', { n: 1 });
    await put('us-west-2', { n: 2 });
    await clock.advance(1_000);
    expect(arrivals.map((a) => a.event.detail.n)).toEqual([1, 1, 2]);
    expect(arrivals[0]!.event.id).toBe(arrivals[1]!.event.id);
  });

  it('drops the given number of deliveries and records them as dropped', async () => {
    const { clock, cloud, arrivals, put } = await cloudWith(noLatency());
    cloud.injectDeliveryFault({ region: 'us-west-2', kind: 'drop', times: 2 });
    for (const n of [1, 2, 3]) await put('us-west-2', { n });
    await clock.advance(1_000);
    expect(arrivals.map((a) => a.event.detail.n)).toEqual([3]);
    const log = cloud.region('us-west-2').events.recentDeliveries();
    expect(log.filter((d) => d.error?.startsWith('dropped'))).toHaveLength(2);
  });

  it('refuses a delay fault without a positive delay', async () => {
    const { cloud } = await cloudWith(noLatency());
    expect(() => cloud.injectDeliveryFault({ kind: 'delay' })).toThrow(/delayMs/);
  });
});

describe("EC2's eventual consistency", () => {
  /** Every latency 0 but DescribeInstances' propagation, a fixed 3 s. */
  const LAG_MS = 3_000;
  function cloudWithLag() {
    const table = Object.fromEntries(
      KINDS.map((k) => [k, { p50Ms: 0, p99Ms: 0, source: 'test' }]),
    ) as unknown as LatencyModel['table'];
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const latency = new LatencyModel('lag', {
      ...table,
      ec2DescribeConsistency: { p50Ms: LAG_MS, p99Ms: LAG_MS, source: 'test' },
    });
    const ec2 = createLocalCloud({ clock, seed: 'lag', latency }).region('us-west-2').ec2;
    const launch = () =>
      ec2.launch({
        instanceType: 'g6.xlarge',
        zone: 'us-west-2a',
        autoScalingGroupName: 'gpu',
        lifecycle: 'spot',
      });
    const described = async () =>
      (await ec2.describeInstances({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['gpu'] }] }))
        .Reservations!.flatMap((r) => r.Instances ?? [])
        .map((i) => [i.InstanceId, i.State?.Name, i.StateReason?.Code ?? null]);
    return { clock, ec2, launch, described };
  }

  it('lists a new instance only once its launch has propagated, and answers NotFound for its id meanwhile', async () => {
    const { clock, ec2, launch, described } = cloudWithLag();
    const { instanceId } = launch();
    expect(ec2.get(instanceId)?.state).toBe('pending');
    expect(await described()).toEqual([]);
    await expect(ec2.describeInstances({ InstanceIds: [instanceId] })).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
    });
    await clock.advance(LAG_MS);
    expect(await described()).toEqual([[instanceId, 'pending', null]]);
  });

  it('shows a terminated instance running, with no reason, until its termination propagates; changes show in order', async () => {
    const { clock, ec2, launch, described } = cloudWithLag();
    const { instanceId } = launch();
    ec2.markRunning(instanceId);
    await clock.advance(LAG_MS);
    expect(await described()).toEqual([[instanceId, 'running', null]]);
    ec2.terminate(instanceId, 'user');
    await clock.advance(LAG_MS - 1);
    expect(ec2.get(instanceId)?.state).toBe('shutting-down');
    expect(await described()).toEqual([[instanceId, 'running', null]]);
    await clock.advance(1);
    expect(await described()).toEqual([[instanceId, 'shutting-down', 'Client.UserInitiatedShutdown']]);
  });

  it('shows every change at once without a modelled lag (the tests that do not drive the clock)', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const ec2 = createLocalCloud({ clock, seed: 'lag', latency: noLatency() }).region('us-west-2').ec2;
    const { instanceId } = ec2.launch({
      instanceType: 'g6.xlarge',
      zone: 'us-west-2a',
      autoScalingGroupName: 'gpu',
      lifecycle: 'spot',
    });
    const out = await ec2.describeInstances({ InstanceIds: [instanceId] });
    expect(out.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('pending');
  });
});
