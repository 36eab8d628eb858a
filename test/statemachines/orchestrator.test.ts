import { describe, expect, it } from 'vitest';
import { MAX_CYCLES } from '../../statemachines/settings.ts';
import { entryIndex, eventsOf, ranInOrder, statesEntered, waitDurations } from './support/history.ts';
import { EXCLUSION_TTL_SECONDS, HubWorld, instanceIn } from './support/hub-world.ts';

const REGIONS = ['us-west-2', 'eu-west-1', 'us-east-1'];
const HOUR = 3600;

const isWaitingForLoss = (world: HubWorld) =>
  world.state.loss_token !== null && world.state.status === 'RUNNING';

describe('Orchestrator', () => {
  it('launches in the best region, records it RUNNING and waits for a loss without polling', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    const arn = world.start();
    expect(await world.runUntil(() => isWaitingForLoss(world), HOUR)).toBe(true);

    expect(world.state).toMatchObject({
      status: 'RUNNING',
      region: 'us-west-2',
      lifecycle: 'spot',
      instances: [instanceIn('us-west-2')],
    });
    const [request] = world.eventsOfType('Launch Requested');
    expect(request!.detail).toEqual({
      prefix: 'spotplane',
      target_region: 'us-west-2',
      task_token: world.launches[0]!.token,
      capacity: 1,
      lifecycle: 'spot',
    });
    const execution = world.execution(arn);
    expect(statesEntered(execution)).toEqual([
      'Start',
      'Defaults',
      'CountCycle',
      'TooManyCycles',
      'CheckProvisioning',
      'IsEnabled',
      'HasCurrent',
      'FindRegion',
      'RegionChosen',
      'SpotTarget',
      'AnnounceLaunch',
      'MarkProvisioning',
      'Launch',
      'ConfirmStillEnabled',
      'StillEnabled',
      'RecordRunning',
      'HasOldRegion',
      'Running',
      'ChooseLossWait',
      'WaitForLoss',
    ]);
    expect(world.eventsOfType('Teardown Requested')).toEqual([]);
    // Each state-store call names the execution, so the Lambda's logs can be tied to this run.
    expect(world.storeRequests.map((r) => r.action)).toEqual([
      'get',
      'set_status',
      'get',
      'record_running',
      'register_loss_token',
    ]);
    expect(world.storeRequests.every((r) => r.execution === arn)).toBe(true);

    // An hour later it has only re-checked provisioning and registered a fresh loss token: no launches.
    const firstToken = world.state.loss_token;
    await world.clock.advance(HOUR * 1000 + 1000);
    expect(world.launches).toHaveLength(1);
    expect(world.state.loss_token).not.toBe(firstToken);
    expect(eventsOf(world.execution(arn), 'TaskStateEntered', 'CheckProvisioning')).toHaveLength(2);
    world.sfn.close();
  });

  it('excludes a region whose launch fails for capacity, tears it down and launches in the next one', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    world.workers.set('us-west-2', { kind: 'fail', afterSeconds: 40, error: 'InsufficientInstanceCapacity' });
    const arn = world.start();
    expect(await world.runUntil(() => isWaitingForLoss(world), HOUR)).toBe(true);

    expect(world.launches.map((l) => l.region)).toEqual(['us-west-2', 'eu-west-1']);
    expect(world.state.region).toBe('eu-west-1');
    expect(world.state.excluded_regions).toEqual([
      { region: 'us-west-2', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:40Z' },
    ]);
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'us-west-2',
    ]);
    const execution = world.execution(arn);
    expect(
      ranInOrder(execution, [
        'Launch',
        'CleanUpFailedTarget',
        'WasSpotTarget',
        'ExcludeTarget',
        'CountCycle',
        'FindRegion',
        'Launch',
        'RecordRunning',
      ]),
    ).toBe(true);
    expect(eventsOf(execution, 'TaskFailed', 'Launch')[0]).toMatchObject({
      error: 'InsufficientInstanceCapacity',
    });
    world.sfn.close();
  });

  it('goes NOT_AVAILABLE with growing waits when every region fails, and recovers once a region frees up', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    for (const region of REGIONS)
      world.workers.set(region, { kind: 'fail', afterSeconds: 20, error: 'InsufficientInstanceCapacity' });
    const arn = world.start();
    expect(await world.runUntil(() => world.state.status === 'NOT_AVAILABLE', HOUR)).toBe(true);
    expect(world.state.excluded_regions.map((e) => e.region)).toEqual(REGIONS);

    // Capacity comes back in eu-west-1; it is tried again once its exclusion expires.
    world.workers.set('eu-west-1', { kind: 'succeed', afterSeconds: 120 });
    expect(await world.runUntil(() => isWaitingForLoss(world), 2 * HOUR)).toBe(true);
    expect(world.state.region).toBe('eu-west-1');

    const execution = world.execution(arn);
    const waits = waitDurations(execution, 'Backoff');
    expect(waits.slice(0, 5)).toEqual([30, 60, 120, 240, 480]);
    expect(Math.max(...waits)).toBe(600);
    for (const [i, w] of waits.entries()) if (i > 0) expect(w).toBeGreaterThanOrEqual(waits[i - 1]!);
    // No launch while every region was excluded: the next launch came only after an exclusion expired.
    const relaunch = world.launches[3]!;
    expect(relaunch.at.getTime()).toBeGreaterThanOrEqual(
      Date.parse(world.launches[0]!.at.toISOString()) + EXCLUSION_TTL_SECONDS * 1000,
    );
    world.sfn.close();
  });

  it('excludes a worker that never answers after HeartbeatSeconds, and one that only heartbeats after TimeoutSeconds', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    world.workers.set('us-west-2', { kind: 'silent' });
    world.workers.set('eu-west-1', { kind: 'heartbeats-only', everySeconds: 60 });
    const arn = world.start();
    expect(await world.runUntil(() => isWaitingForLoss(world), 2 * HOUR)).toBe(true);

    expect(world.launches.map((l) => l.region)).toEqual(['us-west-2', 'eu-west-1', 'us-east-1']);
    expect(world.state.region).toBe('us-east-1');
    expect(world.state.excluded_regions.map((e) => [e.region, e.reason])).toEqual([
      ['us-west-2', 'States.HeartbeatTimeout'],
      ['eu-west-1', 'States.Timeout'],
    ]);
    const timedOut = eventsOf(world.execution(arn), 'TaskTimedOut', 'Launch');
    expect(timedOut.map((e) => e.error)).toEqual(['States.HeartbeatTimeout', 'States.Timeout']);
    // 300 s without a heartbeat; 900 s in all for the worker that kept sending them.
    const [first, second] = world.launches;
    expect((timedOut[0]!.timestamp.getTime() - first!.at.getTime()) / 1000).toBe(300);
    expect((timedOut[1]!.timestamp.getTime() - second!.at.getTime()) / 1000).toBe(900);
    // Both regions were asked to clean up whatever the late worker might still start.
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'us-west-2',
      'eu-west-1',
    ]);
    world.sfn.close();
  });

  it('fails over make-before-break: the lost region is torn down only after the replacement runs', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    const arn = world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);

    expect(world.loseRegion('us-west-2', 'SpotInterruption')).toBe(true);
    await world.runUntil(() => world.state.status === 'FAILING_OVER', 60);
    expect(world.state.excluded_regions.map((e) => [e.region, e.reason])).toEqual([
      ['us-west-2', 'SpotInterruption'],
    ]);
    // Still failing over while the replacement boots; nothing torn down yet.
    await world.clock.advance(60_000);
    expect(world.state.status).toBe('FAILING_OVER');
    expect(world.eventsOfType('Teardown Requested')).toEqual([]);

    expect(await world.runUntil(() => isWaitingForLoss(world), HOUR)).toBe(true);
    expect(world.state).toMatchObject({
      status: 'RUNNING',
      region: 'eu-west-1',
      instances: [instanceIn('eu-west-1')],
    });
    const execution = world.execution(arn);
    const replacementUp = eventsOf(execution, 'TaskSucceeded', 'Launch')[1]!;
    const [teardown] = world.eventsOfType('Teardown Requested');
    expect(teardown!.detail).toEqual({ prefix: 'spotplane', target_region: 'us-west-2' });
    expect(teardown!.at.getTime()).toBeGreaterThanOrEqual(replacementUp.timestamp.getTime());
    expect(
      ranInOrder(execution, [
        'WaitForLoss',
        'RegionLost',
        'SetFailingOver',
        'FailOver',
        'FindRegion',
        'MarkFailingOver',
        'Launch',
        'RecordRunning',
        'HasOldRegion',
        'TeardownOldRegion',
        'Running',
        'WaitForLoss',
      ]),
    ).toBe(true);
    expect(entryIndex(execution, 'RecordRunning', 1)).toBeLessThan(
      entryIndex(execution, 'TeardownOldRegion'),
    );
    world.sfn.close();
  });

  it('chooses a region again once its exclusion has expired', async () => {
    const world = new HubWorld({ workerRegions: ['us-west-2', 'eu-west-1'] });
    world.workers.set('us-west-2', { kind: 'fail', afterSeconds: 30, error: 'UnfulfillableCapacity' });
    const arn = world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);
    expect(world.state.region).toBe('eu-west-1');

    // An hour on, us-west-2's 30-minute exclusion is over and it has capacity again.
    world.workers.set('us-west-2', { kind: 'succeed', afterSeconds: 120 });
    await world.clock.advance(HOUR * 1000);
    world.loseRegion('eu-west-1', 'SpotInterruption');
    expect(
      await world.runUntil(() => isWaitingForLoss(world) && world.state.region === 'us-west-2', HOUR),
    ).toBe(true);
    expect(world.launches.map((l) => l.region)).toEqual(['us-west-2', 'eu-west-1', 'us-west-2']);
    expect(world.state.excluded_regions.map((e) => e.region)).toEqual(['eu-west-1']);
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'us-west-2',
      'eu-west-1',
    ]);
    // The history shows the finder choosing us-west-2 again on the failover, which then launched there.
    const execution = world.execution(arn);
    const chosen = eventsOf(execution, 'TaskSucceeded', 'FindRegion').map(
      (e) => (e.output as { Payload: { chosen: { region: string } | null } }).Payload.chosen?.region,
    );
    expect(chosen.slice(-1)).toEqual(['us-west-2']);
    expect(chosen).toContain('eu-west-1');
    expect(
      ranInOrder(execution, [
        'ExcludeTarget',
        'RegionLost',
        'FindRegion',
        'MarkFailingOver',
        'Launch',
        'RecordRunning',
      ]),
    ).toBe(true);
    world.sfn.close();
  });

  it('tears down what a launch started when provisioning was disabled meanwhile', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    world.workers.set('us-west-2', { kind: 'succeed', afterSeconds: 200 });
    const arn = world.start();
    await world.runUntil(() => world.launches.length === 1, 60);
    await world.clock.advance(100_000);
    world.provisioning = 'disabled';

    await world.runUntil(() => world.sfn.describeExecution({ executionArn: arn }).status !== 'RUNNING', HOUR);
    const execution = world.execution(arn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'us-west-2',
    ]);
    expect(statesEntered(execution).slice(-7)).toEqual([
      'Launch',
      'ConfirmStillEnabled',
      'StillEnabled',
      'TeardownLaunched',
      'Disabling',
      'SetDisabled',
      'Disabled',
    ]);
    expect(statesEntered(execution)).not.toContain('RecordRunning');
    expect(world.state).toMatchObject({ status: 'DISABLED', region: null });
  });

  it('stops cleanly at the first check when provisioning is disabled, leaving TEARING_DOWN alone', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    world.provisioning = 'disabled';
    world.state = { ...world.state, status: 'TEARING_DOWN' };
    const arn = world.start();
    await world.runUntil(() => world.sfn.describeExecution({ executionArn: arn }).status !== 'RUNNING', 60);
    expect(world.execution(arn).status).toBe('SUCCEEDED');
    expect(statesEntered(world.execution(arn)).slice(-3)).toEqual(['IsEnabled', 'Disabling', 'Disabled']);
    expect(world.state.status).toBe('TEARING_DOWN');
    expect(world.launches).toEqual([]);
  });

  it('falls back to on-demand when failing over with no Spot region, then reverts to Spot when it is back', async () => {
    const regions = ['us-west-2', 'eu-west-1'];
    const world = new HubWorld({ workerRegions: regions, onDemandFallback: true, revertCheckSeconds: 900 });
    world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);
    // eu-west-1 has no Spot capacity (on-demand is fine); us-west-2 is then interrupted.
    world.workers.set('eu-west-1', {
      kind: 'fail',
      afterSeconds: 30,
      error: 'InsufficientInstanceCapacity',
      lifecycle: 'spot',
    });
    world.loseRegion('us-west-2');
    await world.runUntil(() => isWaitingForLoss(world), HOUR);

    expect(world.launches.map((l) => [l.region, l.lifecycle])).toEqual([
      ['us-west-2', 'spot'],
      ['eu-west-1', 'spot'],
      ['eu-west-1', 'on-demand'],
    ]);
    expect(world.state).toMatchObject({ status: 'RUNNING', region: 'eu-west-1', lifecycle: 'on-demand' });
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'eu-west-1',
      'us-west-2',
    ]);

    // Once us-west-2's exclusion expires, a revert check finds Spot there and moves back make-before-break.
    world.workers.set('us-west-2', { kind: 'succeed', afterSeconds: 120 });
    expect(
      await world.runUntil(() => isWaitingForLoss(world) && world.state.lifecycle === 'spot', 2 * HOUR),
    ).toBe(true);
    expect(world.state.region).toBe('us-west-2');
    const teardowns = world.eventsOfType('Teardown Requested');
    expect(teardowns.at(-1)!.detail.target_region).toBe('eu-west-1');
    expect(teardowns.at(-1)!.at.getTime()).toBeGreaterThanOrEqual(
      world.launches.at(-1)!.at.getTime() + 120_000,
    );
    const execution = world.latest();
    expect(
      ranInOrder(execution, [
        'WaitForLossOnDemand',
        'RevertFind',
        'SpotIsBack',
        'RevertTarget',
        'RevertOrigin',
        'Launch',
        'RecordRunning',
        'TeardownOldRegion',
        'WaitForLoss',
      ]),
    ).toBe(true);
    world.sfn.close();
  });

  it('keeps backing off instead of going on-demand when the fallback is off', async () => {
    const regions = ['us-west-2', 'eu-west-1'];
    const world = new HubWorld({ workerRegions: regions, onDemandFallback: false });
    world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);
    world.workers.set('eu-west-1', { kind: 'fail', afterSeconds: 30, error: 'InsufficientInstanceCapacity' });
    world.loseRegion('us-west-2');
    await world.runUntil(() => world.state.status === 'NOT_AVAILABLE', HOUR);
    await world.clock.advance(20 * 60_000);
    expect(world.launches.every((l) => l.lifecycle === 'spot')).toBe(true);
    expect(world.state.status).toBe('NOT_AVAILABLE');
    // The interrupted region is not torn down before a replacement runs.
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'eu-west-1',
    ]);
    world.sfn.close();
  });

  it('backs off while the RegionFinder fails, without falling back to on-demand', async () => {
    const world = new HubWorld({ workerRegions: REGIONS, onDemandFallback: true });
    world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);
    world.finderError = 'RegionFinderError';
    world.loseRegion('us-west-2');
    await world.runUntil(() => world.state.status === 'NOT_AVAILABLE', HOUR);
    await world.clock.advance(15 * 60_000);
    expect(world.launches).toHaveLength(1);
    expect(world.state.status).toBe('NOT_AVAILABLE');
    const execution = world.latest();
    // Each failed search is followed by a growing wait, as when no region qualifies.
    expect(eventsOf(execution, 'TaskFailed', 'FindRegion').length).toBeGreaterThanOrEqual(4);
    expect(waitDurations(execution, 'Backoff').slice(0, 4)).toEqual([30, 60, 120, 240]);
    expect(statesEntered(execution)).not.toContain('OnDemandPolicy');
    world.finderError = null;
    expect(
      await world.runUntil(() => isWaitingForLoss(world) && world.state.region === 'eu-west-1', HOUR),
    ).toBe(true);
    world.sfn.close();
  });

  it('keeps even a worst-case cycle small enough that MaxCycles cycles fit the 25,000-event history limit', async () => {
    const regions = ['us-west-2', 'eu-west-1', 'us-east-1', 'ap-northeast-1'];
    const world = new HubWorld({ workerRegions: regions, onDemandFallback: true, maxCycles: MAX_CYCLES });
    world.start();
    await world.runUntil(() => isWaitingForLoss(world), HOUR);
    // Then nothing launches anywhere, Spot or on-demand: each cycle tries every region both ways.
    for (const region of regions)
      world.workers.set(region, { kind: 'fail', afterSeconds: 20, error: 'InsufficientInstanceCapacity' });
    world.loseRegion('us-west-2');
    await world.clock.advance(6 * HOUR * 1000);

    const execution = world.latest();
    const cycleStarts = execution.events.flatMap((e, i) =>
      e.type === 'PassStateEntered' && e.stateName === 'CountCycle' ? [i] : [],
    );
    const sizes = cycleStarts.slice(1).map((start, k) => start - cycleStarts[k]!);
    expect(sizes.length).toBeGreaterThan(5);
    expect(world.launches.filter((l) => l.lifecycle === 'on-demand').length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sizes) * MAX_CYCLES).toBeLessThan(25_000);
    world.sfn.close();
  });

  it('continues as a new execution after MaxCycles, carrying the running region without relaunching', async () => {
    const world = new HubWorld({ workerRegions: REGIONS, maxCycles: 3, lossCheckSeconds: 600 });
    const first = world.start();
    await world.runUntil(() => world.sfn.executions().length === 2, 6 * HOUR);

    expect(world.execution(first).status).toBe('SUCCEEDED');
    expect(statesEntered(world.execution(first)).slice(-2)).toEqual(['ContinueAsNew', 'Continued']);
    const next = world.latest();
    expect(JSON.parse(next.input)).toMatchObject({
      loop: { cycles: 0 },
      current: { region: 'us-west-2', lifecycle: 'spot' },
      failover_from: null,
    });
    await world.runUntil(
      () => isWaitingForLoss(world) && statesEntered(world.latest()).includes('WaitForLoss'),
      60,
    );
    expect(statesEntered(next)).not.toContain('Launch');
    expect(world.launches).toHaveLength(1);
    // The new execution still fails over when the region is lost.
    world.loseRegion('us-west-2');
    await world.runUntil(() => world.state.region === 'eu-west-1' && isWaitingForLoss(world), HOUR);
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'us-west-2',
    ]);
    world.sfn.close();
  });

  it('is stopped by a disable (StopExecution) while a launch waits, and a late answer is acknowledged', async () => {
    const world = new HubWorld({ workerRegions: REGIONS });
    world.workers.set('us-west-2', { kind: 'succeed', afterSeconds: 200 });
    const arn = world.start();
    await world.runUntil(() => world.launches.length === 1, 60);
    world.sfn.stopExecution({ executionArn: arn, error: 'Disabled', cause: 'provisioning disabled' });
    await world.clock.advance(300_000);
    expect(world.execution(arn).status).toBe('ABORTED');
    expect(world.state.status).toBe('PROVISIONING');
    expect(() =>
      world.sfn.sendTaskSuccess({ taskToken: world.launches[0]!.token, output: '{"instances":[]}' }),
    ).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
  });
});
