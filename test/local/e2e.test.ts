/**
 * End to end on LocalCloud: the real state machine files and handlers, driven through the HTTP API on a
 * virtual clock (no sleeps; simulated minutes take milliseconds).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executionHistory } from '../../local/views.ts';
import { deployment, WORKERS } from './e2e-harness.ts';

type Deployment = Awaited<ReturnType<typeof deployment>>;
let d: Deployment;
const start = async (config = {}) => {
  d = await deployment(config);
  return d;
};
afterEach(async () => {
  await d?.close();
});

const runningIn = (region: string) => async () => {
  const s = await d.status();
  return s.status === 'RUNNING' && s.region === region;
};

describe('spotplane on LocalCloud (end to end)', () => {
  it('wires every state machine and handler (nothing missing)', async () => {
    await start();
    expect(d.plane.missing).toEqual([]);
  });

  it('enable -> RUNNING in the best region, with a healthy container there and nowhere else', async () => {
    await start();
    const enabled = await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    const status = await d.api('GET', '/spot-instances');

    expect(enabled.statusCode).toBe(200);
    expect(status.body).toMatchObject({
      provisioning: 'enabled',
      status: 'RUNNING',
      region: 'us-west-2',
      replicas: { target: 1, spare: 0, ready: 1 },
      regions: ['us-west-2'],
      last_move: null,
      // The stable endpoint's URL: the (emulated) accelerator's DNS name on the container port.
      endpoint: d.plane.endpoint?.url,
    });
    expect(status.body.instances).toHaveLength(1);
    expect(status.body.instances[0]).toMatchObject({
      lifecycle: 'spot',
      instance_type: 'g6.xlarge',
      region: 'us-west-2',
      ready: true,
    });
    expect(d.healthy('us-west-2')).toBe(true);
    expect(d.region('eu-west-1').asg_desired).toBe(0);
    expect(d.region('us-east-1').asg_desired).toBe(0);
    const history = executionHistory(d.plane);
    const launch = history.find((e) => e.machine === 'spotplane-launch-instance');
    expect(history.find((e) => e.machine === 'spotplane-orchestrator')).toMatchObject({
      status: 'RUNNING',
      name: '20261124T1000-r1-0',
    });
    expect(launch).toMatchObject({ region: 'us-west-2', status: 'SUCCEEDED' });
  });

  it('interrupt -> FAILING_OVER -> RUNNING in the next region; the new one is up before the old is torn down', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));

    d.plane.cloud.interrupt('us-west-2');
    const statuses = new Set<string>();
    let newHealthyAt: number | null = null;
    let oldTornDownAt: number | null = null;
    await d.until('RUNNING in eu-west-1 and us-west-2 torn down', async () => {
      const now = d.clock.now().getTime();
      const s = await d.status();
      statuses.add(s.status);
      if (newHealthyAt === null && d.healthy('eu-west-1')) newHealthyAt = now;
      if (oldTornDownAt === null && d.region('us-west-2').asg_desired === 0) oldTornDownAt = now;
      return s.status === 'RUNNING' && s.region === 'eu-west-1' && oldTornDownAt !== null;
    });
    const status = await d.api('GET', '/spot-instances');

    expect(statuses.has('FAILING_OVER')).toBe(true);
    expect(status.body).toMatchObject({
      status: 'RUNNING',
      region: 'eu-west-1',
      last_move: { from: 'us-west-2', to: 'eu-west-1', reason: 'SpotInterruption' },
    });
    expect(status.body.excluded_regions.map((e: { region: string }) => e.region)).toContain('us-west-2');
    expect(newHealthyAt).not.toBeNull();
    expect(newHealthyAt!).toBeLessThanOrEqual(oldTornDownAt!);
    await d.until('us-west-2 empty', () => d.region('us-west-2').ecs_tasks.length === 0);
  });

  it('skips a best region whose Spot capacity is exhausted and lists it in excluded_regions', async () => {
    await start();
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: false });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING in eu-west-1', runningIn('eu-west-1'));
    await d.until('us-west-2 scaled back to 0', () => d.region('us-west-2').asg_desired === 0);
    const status = await d.api('GET', '/spot-instances');

    const excluded = status.body.excluded_regions.find((e: { region: string }) => e.region === 'us-west-2');
    expect(excluded?.reason).toContain('InsufficientInstanceCapacity');
    expect(d.region('us-west-2').instances).toEqual([]);
  });

  it('disable with teardown leaves nothing running: desired 0 and no ECS task in every region, no execution', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    const disabled = await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: true });
    const right = await d.status();
    await d.until(
      'every region torn down, the Orchestrator gone',
      async () =>
        WORKERS.every((r) => d.region(r).asg_desired === 0 && d.region(r).ecs_tasks.length === 0) &&
        d.runningExecutions().length === 0 &&
        (await d.status()).status === 'DISABLED',
    );
    await d.wait(5 * 60_000);
    const status = await d.api('GET', '/spot-instances');

    expect(disabled.statusCode).toBe(200);
    expect(right.status).toBe('TEARING_DOWN');
    for (const r of WORKERS) {
      expect(d.region(r).asg_desired).toBe(0);
      expect(d.region(r).ecs_tasks).toEqual([]);
      expect(d.region(r).instances).toEqual([]);
    }
    expect(d.runningExecutions()).toEqual([]);
    expect(status.body).toMatchObject({
      provisioning: 'disabled',
      status: 'DISABLED',
      region: null,
      instances: [],
    });
  });

  it('runs with AWS latencies: the first Launch Requested after an enable is not lost to a rule change (issue 12, item 4)', async () => {
    const d = await deployment();
    // The deployment models AWS's latencies, including seconds before a changed rule matches.
    expect(d.plane.cloud.latency.table.ruleChangePropagation.p50Ms).toBeGreaterThan(0);
    const enabledAt = d.clock.now().getTime();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    const launches = () =>
      d.plane.cloud
        .region('us-west-2')
        .sfn.runtime.executions()
        .filter((e) => e.stateMachineArn.endsWith(':spotplane-launch-instance'));
    await d.until('a launch in us-west-2', () => launches().length > 0);
    const startedAfter = launches()[0]!.startDate.getTime() - enabledAt;
    // Delivered through two rules and a region hop (seconds at most), not after a heartbeat timeout.
    expect(startedAfter).toBeGreaterThan(0);
    expect(startedAfter).toBeLessThan(10_000);
  });

  it('a second enable starts no second orchestration', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.wait(1_000);
    const again = await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    const orchestrations = d.plane.cloud
      .region('us-east-1')
      .sfn.runtime.executions()
      .filter((e) => e.stateMachineArn.endsWith(':spotplane-orchestrator'));

    expect(again.statusCode).toBe(200);
    expect(again.body.message).toMatch(/no second/i);
    expect(orchestrations).toHaveLength(1);
    expect(d.region('us-west-2').asg_desired).toBe(1);
  });

  it('fails over twice in a row, each time to the next region still eligible', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    d.plane.cloud.interrupt('us-west-2');
    await d.until('RUNNING in eu-west-1', runningIn('eu-west-1'));
    d.plane.cloud.interrupt('eu-west-1');
    await d.until('RUNNING in us-east-1', runningIn('us-east-1'));

    const status = await d.status();
    expect(status.excluded_regions.map((e) => e.region).sort()).toEqual(['eu-west-1', 'us-west-2']);
    expect(d.healthy('us-east-1')).toBe(true);
  });

  it('uses an excluded region again once its exclusion has expired', async () => {
    await start({ exclusionTtlSeconds: 600 });
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: false });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING in eu-west-1', runningIn('eu-west-1'));
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: true });
    await d.wait(15 * 60_000);
    d.plane.cloud.interrupt('eu-west-1');
    await d.until('RUNNING in us-west-2', runningIn('us-west-2'));

    expect((await d.status()).excluded_regions.map((e) => e.region)).toEqual(['eu-west-1']);
  });

  it('backs off while placement scores are throttled and recovers once AWS answers again', async () => {
    await start();
    d.plane.cloud.injectFault({
      service: 'ec2',
      action: 'GetSpotPlacementScores',
      error: 'ThrottlingException',
    });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.wait(10 * 60_000);
    const whileThrottled = (await d.status()).status;
    const orchestratorAlive = d.orchestrators().length === 1;
    d.plane.cloud.clearFaults();
    await d.until('RUNNING', runningIn('us-west-2'));

    expect(whileThrottled).toBe('NOT_AVAILABLE');
    expect(orchestratorAlive).toBe(true);
  });

  it('still fails over when the waker is throttled once (Lambda retries the event)', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    d.plane.cloud.injectFault({
      service: 'sfn',
      action: 'SendTaskSuccess',
      error: 'ThrottlingException',
      times: 1,
    });
    d.plane.cloud.interrupt('us-west-2');
    await d.until('RUNNING in eu-west-1', runningIn('eu-west-1'));

    const waker = d.plane.cloud.lambdas.stats().find((f) => f.arn.endsWith(':spotplane-waker'));
    expect(waker?.errors).toBe(1);
    expect((await d.status()).excluded_regions.map((e) => e.region)).toEqual(['us-west-2']);
  });
});
