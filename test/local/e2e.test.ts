/**
 * End to end on LocalCloud: the real state machine files and handlers, driven through the HTTP API on a
 * virtual clock (no sleeps; simulated minutes take milliseconds).
 */
import { describe, expect, it } from 'vitest';
import { executionHistory } from '../../local/views.ts';
import { deployment, WORKERS } from './e2e-harness.ts';

describe('spotplane on LocalCloud (end to end)', () => {
  it('wires every state machine and handler (nothing missing)', async () => {
    const { plane } = await deployment();
    expect(plane.missing).toEqual([]);
  });

  it('enable -> RUNNING in the best region, with a healthy container there and nowhere else', async () => {
    const d = await deployment();
    const enabled = await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
    const status = await d.api('GET', '/spot-instances');

    expect(enabled.statusCode).toBe(200);
    expect(status.body).toMatchObject({ provisioning: 'enabled', status: 'RUNNING', region: 'us-west-2' });
    expect(status.body.instances).toHaveLength(1);
    expect(status.body.instances[0]).toMatchObject({ lifecycle: 'spot', instance_type: 'g6.xlarge' });
    expect(d.healthy('us-west-2')).toBe(true);
    expect(d.region('eu-west-1').asg_desired).toBe(0);
    expect(d.region('us-east-1').asg_desired).toBe(0);
    const history = executionHistory(d.plane);
    const launch = history.find((e) => e.machine === 'spotplane-launch-instance');
    expect(history.find((e) => e.machine === 'spotplane-orchestrator')?.status).toBe('RUNNING');
    expect(launch).toMatchObject({ region: 'us-west-2', status: 'SUCCEEDED' });
    expect(launch?.events.some((ev) => ev.type === 'TaskStateEntered')).toBe(true);
  });

  it('interrupt -> FAILING_OVER -> RUNNING in the next region; the new one is up before the old is torn down', async () => {
    const d = await deployment();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');

    d.plane.cloud.interrupt('us-west-2');
    const statuses = new Set<string>();
    let newHealthyAt: number | null = null;
    let oldTornDownAt: number | null = null;
    await d.until('RUNNING in eu-west-1 and us-west-2 torn down', () => {
      const now = d.clock.now().getTime();
      statuses.add(d.hubState().status);
      if (newHealthyAt === null && d.healthy('eu-west-1')) newHealthyAt = now;
      if (oldTornDownAt === null && d.region('us-west-2').asg_desired === 0) oldTornDownAt = now;
      return (
        d.hubState().status === 'RUNNING' && d.hubState().region === 'eu-west-1' && oldTornDownAt !== null
      );
    });
    const status = await d.api('GET', '/spot-instances');

    expect(statuses.has('FAILING_OVER')).toBe(true);
    expect(status.body).toMatchObject({ status: 'RUNNING', region: 'eu-west-1' });
    expect(status.body.excluded_regions.map((e: { region: string }) => e.region)).toContain('us-west-2');
    expect(newHealthyAt).not.toBeNull();
    expect(newHealthyAt!).toBeLessThanOrEqual(oldTornDownAt!);
    expect(d.region('us-west-2').ecs_tasks).toEqual([]);
  });

  it('skips a best region whose Spot capacity is exhausted and lists it in excluded_regions', async () => {
    const d = await deployment();
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: false });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
    const status = await d.api('GET', '/spot-instances');

    expect(status.body.region).toBe('eu-west-1');
    const excluded = status.body.excluded_regions.find((e: { region: string }) => e.region === 'us-west-2');
    expect(excluded?.reason).toContain('InsufficientInstanceCapacity');
    expect(d.region('us-west-2').asg_desired).toBe(0);
    expect(d.region('us-west-2').instances).toEqual([]);
  });

  it('disable with teardown leaves nothing running: desired 0 and no ECS task in every region, no execution', async () => {
    const d = await deployment();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
    const disabled = await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: true });
    await d.until(
      'every region torn down',
      () =>
        WORKERS.every((r) => d.region(r).asg_desired === 0 && d.region(r).ecs_tasks.length === 0) &&
        d.runningExecutions().length === 0 &&
        d.hubState().teardown_pending.length === 0,
    );
    await d.clock.advance(5 * 60_000);
    const status = await d.api('GET', '/spot-instances');

    expect(disabled.statusCode).toBe(200);
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
    const d = await deployment();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.clock.advance(1_000);
    const again = await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
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
    const d = await deployment();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
    d.plane.cloud.interrupt('us-west-2');
    await d.until(
      'RUNNING in eu-west-1',
      () => d.hubState().status === 'RUNNING' && d.hubState().region === 'eu-west-1',
    );
    d.plane.cloud.interrupt('eu-west-1');
    await d.until(
      'RUNNING in us-east-1',
      () => d.hubState().status === 'RUNNING' && d.hubState().region === 'us-east-1',
    );

    expect(
      d
        .hubState()
        .excluded_regions.map((e) => e.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-west-2']);
    expect(d.healthy('us-east-1')).toBe(true);
  });

  it('uses an excluded region again once its exclusion has expired', async () => {
    const d = await deployment({ exclusionTtlSeconds: 600 });
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: false });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING in eu-west-1', () => d.hubState().status === 'RUNNING');
    d.plane.cloud.setMarket('us-west-2', { capacityAvailable: true });
    await d.clock.advance(15 * 60_000);
    d.plane.cloud.interrupt('eu-west-1');
    await d.until(
      'RUNNING in us-west-2',
      () => d.hubState().status === 'RUNNING' && d.hubState().region === 'us-west-2',
    );

    expect(d.hubState().excluded_regions.map((e) => e.region)).toEqual(['eu-west-1']);
  });

  it('backs off while placement scores are throttled and recovers once AWS answers again', async () => {
    const d = await deployment();
    d.plane.cloud.injectFault({
      service: 'ec2',
      action: 'GetSpotPlacementScores',
      error: 'ThrottlingException',
    });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.clock.advance(10 * 60_000);
    const whileThrottled = d.hubState().status;
    const orchestratorAlive = d.runningExecutions().includes('spotplane-orchestrator');
    d.plane.cloud.clearFaults();
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');

    expect(whileThrottled).toBe('NOT_AVAILABLE');
    expect(orchestratorAlive).toBe(true);
    expect(d.hubState().region).toBe('us-west-2');
  });

  it('still fails over when the hub handler is throttled once (Lambda retries the event)', async () => {
    const d = await deployment();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', () => d.hubState().status === 'RUNNING');
    d.plane.cloud.injectFault({
      service: 'sfn',
      action: 'SendTaskSuccess',
      error: 'ThrottlingException',
      times: 1,
    });
    d.plane.cloud.interrupt('us-west-2');
    await d.until(
      'RUNNING in eu-west-1',
      () => d.hubState().status === 'RUNNING' && d.hubState().region === 'eu-west-1',
    );

    const handler = d.plane.cloud.lambdas
      .stats()
      .find((f) => f.arn.endsWith(':spotplane-spot-capacity-handler'));
    expect(handler?.errors).toBe(1);
    expect(d.hubState().excluded_regions.map((e) => e.region)).toEqual(['us-west-2']);
  });
});
