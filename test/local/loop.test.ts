/**
 * The level-triggered loop on LocalCloud (issue 11): the four defects of the edge-triggered hub, drift,
 * a lost or duplicated Orchestrator, failed steps and refused events. Real files, real handlers, virtual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
const nothingRuns = () =>
  WORKERS.every(
    (r) =>
      d.region(r).asg_desired === 0 &&
      d.region(r).instances.length === 0 &&
      d.region(r).ecs_tasks.length === 0,
  );
const capacityIn = () =>
  WORKERS.filter((r) => (d.region(r).asg_desired ?? 0) > 0 || d.region(r).instances.length > 0);
const disabledAndGone = async () =>
  nothingRuns() && d.orchestrators().length === 0 && (await d.status()).status === 'DISABLED';

describe('the hub loop on LocalCloud', () => {
  it('defect 1: disable + teardown of an idle deployment reaches DISABLED and the Orchestrator exits', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: true });
    expect((await d.status()).status).toBe('TEARING_DOWN');
    await d.until('DISABLED, nothing running, no Orchestrator', disabledAndGone, 10 * 60_000);
    expect(await d.statusItem()).toMatchObject({ orchestrator: null, view: { status: 'DISABLED' } });
  });

  it('defect 2: enable right after disable + teardown runs, shows its region, and still fails over', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: true });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until(
      'RUNNING again',
      async () => (await d.status()).status === 'RUNNING' && (await d.status()).region !== null,
    );
    await d.wait(10 * 60_000);
    const settled = await d.status();
    expect(settled).toMatchObject({ status: 'RUNNING', provisioning: 'enabled' });
    expect(settled.region).not.toBeNull();
    d.plane.cloud.interrupt(settled.region!);
    await d.until('failed over', async () => {
      const s = await d.status();
      return s.status === 'RUNNING' && s.region !== settled.region;
    });
    expect(d.orchestrators()).toHaveLength(1);
  });

  it('defect 3: enable after a plain disable adopts the capacity left running instead of launching beside it', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    const [instance] = (await d.status()).instances;
    await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: false });
    await d.wait(10 * 60_000);
    expect((await d.status()).status).toBe('DISABLED');
    expect(d.healthy('us-west-2')).toBe(true);
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    await d.wait(10 * 60_000);
    expect(capacityIn()).toEqual(['us-west-2']);
    expect((await d.status()).instances.map((i) => i.instance_id)).toEqual([instance?.instance_id]);
  });

  it('defect 4: disable + teardown during a launch leaves nothing running, and nothing comes back', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('launch under way', () => d.region('us-west-2').asg_desired === 1, 60_000);
    await d.wait(30_000);
    await d.api('POST', '/spot-provisioning', { action: 'disable', teardown: true });
    await d.until('DISABLED, nothing running, no Orchestrator', disabledAndGone, 30 * 60_000);
    await d.wait(60 * 60_000);
    expect(nothingRuns()).toBe(true);
  });

  it('an ASG raised by hand in a region not in use is back to 0 within one steady cycle', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    await d.wait(10 * 60_000);
    const changedAt = d.clock.now().getTime();
    await d.plane.cloud.region('eu-west-1').autoScaling.updateAutoScalingGroup({
      AutoScalingGroupName: d.plane.names.autoScalingGroup,
      DesiredCapacity: 1,
    });
    await d.until(
      'eu-west-1 back to nothing',
      () => d.region('eu-west-1').asg_desired === 0 && d.region('eu-west-1').instances.length === 0,
      20 * 60_000,
    );
    const healedS = (d.clock.now().getTime() - changedAt) / 1000;
    expect(healedS).toBeLessThanOrEqual(300 + 120);
    expect(await d.status()).toMatchObject({ status: 'RUNNING', region: 'us-west-2' });
  });

  it('restarts a stopped Orchestrator from the backstop within 5 minutes, and picks up where it was', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    const sfn = d.plane.cloud.region('us-east-1').sfn.runtime;
    for (const e of sfn.executions().filter((x) => x.status === 'RUNNING'))
      sfn.stopExecution({ executionArn: e.executionArn });
    const stoppedAt = d.clock.now().getTime();
    await d.until('an Orchestrator again', () => d.orchestrators().length === 1, 10 * 60_000);
    expect(d.clock.now().getTime() - stoppedAt).toBeLessThanOrEqual(5 * 60_000 + 5_000);
    d.plane.cloud.interrupt('us-west-2');
    await d.until('failed over', runningIn('eu-west-1'));
    await d.until('only eu-west-1 holds capacity', () => capacityIn().join() === 'eu-west-1');
  });

  it('a second Orchestrator started by hand is superseded at its first write: at most one keeps running', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    await d.plane.cloud.region('us-east-1').sfn.startExecution({
      stateMachineArn: d.plane.orchestratorArn,
      name: 'by-hand',
      input: JSON.stringify({ run: { epoch: 'x', n: 99, k: 0 }, cycle: 0 }),
    });
    await d.wait(10 * 60_000);
    expect(d.orchestrators()).toHaveLength(1);
    const ended = d.plane.cloud
      .region('us-east-1')
      .sfn.runtime.executions()
      .filter((e) => e.status === 'SUCCEEDED');
    expect(
      ended.flatMap((e) =>
        e.events.filter((ev) => ev.type === 'SucceedStateEntered').map((ev) => ev.stateName),
      ),
    ).toContain('Superseded');
    expect(await d.status()).toMatchObject({ status: 'RUNNING', region: 'us-west-2' });
  });

  it('sends a launch request again when EventBridge refuses it (failed entries), and gets there', async () => {
    await start();
    d.plane.cloud.injectFault({
      service: 'eventbridge',
      action: 'PutEvents',
      region: 'us-east-1',
      error: 'FailedEntry',
      times: 4,
    });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'), 10 * 60_000);
    const memory = (await d.statusItem())?.memory;
    expect(memory?.regions['us-west-2']?.intent).toBeGreaterThan(1);
  });

  it('loses a cycle, not the loop, when Observe crashes', async () => {
    await start();
    d.plane.cloud.injectFault({
      service: 'dynamodb',
      action: 'Query',
      error: 'InternalServerError',
      times: 3,
    });
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'), 15 * 60_000);
    expect(d.orchestrators()).toHaveLength(1);
  });

  it('costs a steady deployment one look per 5 minutes (plus the hourly price check)', async () => {
    await start();
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    await d.until('RUNNING', runningIn('us-west-2'));
    await d.wait(30 * 60_000);
    const observes = () =>
      d.plane.cloud.lambdas.stats().find((f) => f.arn.endsWith(':spotplane-observe'))?.invocations ?? 0;
    const before = observes();
    await d.wait(60 * 60_000);
    expect(observes() - before).toBeGreaterThanOrEqual(12);
    expect(observes() - before).toBeLessThanOrEqual(13);
  });
});
