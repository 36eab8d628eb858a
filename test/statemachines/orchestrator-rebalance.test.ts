import { describe, expect, it } from 'vitest';
import { entryIndex, eventsOf, ranInOrder, statesEntered } from './support/history.ts';
import { HubWorld } from './support/hub-world.ts';

const REGIONS = ['us-west-2', 'eu-west-1', 'us-east-1'];
const HOUR = 3600;

const isWaitingForLoss = (world: HubWorld) =>
  world.state.loss_token !== null && world.state.status === 'RUNNING';

/** Running in us-west-2 (the finder's first choice), then eu-west-1 becomes the finder's choice. */
async function runningThenEuBest(prices: Record<string, number>): Promise<HubWorld> {
  const world = new HubWorld({ workerRegions: REGIONS, lossCheckSeconds: HOUR });
  world.start();
  await world.runUntil(() => isWaitingForLoss(world), HOUR);
  expect(world.state.region).toBe('us-west-2');
  world.preference = ['eu-west-1', 'us-west-2', 'us-east-1'];
  for (const [region, price] of Object.entries(prices)) world.prices.set(region, price);
  return world;
}

describe('Orchestrator price rebalance', () => {
  it('moves make-before-break to a region cheaper by at least rebalanceMinSavings at a loss-check timeout', async () => {
    const world = await runningThenEuBest({ 'us-west-2': 1.0, 'eu-west-1': 0.7 });
    const launchesBefore = world.launches.length;

    // The loss wait times out after LossCheckSeconds; the finder is asked about the current region.
    expect(
      await world.runUntil(() => isWaitingForLoss(world) && world.state.region === 'eu-west-1', 2 * HOUR),
    ).toBe(true);

    expect(world.finderRequests.at(-1)).toMatchObject({ current_region: 'us-west-2' });
    const [launch] = world.launches.slice(launchesBefore);
    expect(launch).toMatchObject({ region: 'eu-west-1', lifecycle: 'spot' });
    const teardowns = world.eventsOfType('Teardown Requested');
    expect(teardowns.map((e) => e.detail.target_region)).toEqual(['us-west-2']);
    // The old region serves until the new one answered its launch (180 s in this world).
    expect(teardowns[0]!.at.getTime()).toBeGreaterThanOrEqual(launch!.at.getTime() + 180_000);
    const execution = world.latest();
    expect(
      ranInOrder(execution, [
        'WaitForLoss',
        'RebalanceFind',
        'ShouldRebalance',
        'RebalanceTarget',
        'RebalanceOrigin',
        'AnnounceLaunch',
        'Launch',
        'ConfirmStillEnabled',
        'RecordRunning',
        'HasOldRegion',
        'TeardownOldRegion',
        'Running',
        'WaitForLoss',
      ]),
    ).toBe(true);
    const newRegionUp = eventsOf(execution, 'TaskSucceeded', 'Launch').at(-1)!;
    expect(entryIndex(execution, 'RecordRunning', 1)).toBeLessThan(
      entryIndex(execution, 'TeardownOldRegion'),
    );
    expect(teardowns[0]!.at.getTime()).toBeGreaterThanOrEqual(newRegionUp.timestamp.getTime());
    // A rebalance is no failover: the status never leaves RUNNING, so no FAILING_OVER is written.
    expect(statesEntered(execution)).not.toContain('MarkFailingOver');
    expect(world.state).toMatchObject({ status: 'RUNNING', region: 'eu-west-1', lifecycle: 'spot' });
    world.sfn.close();
  });

  it('stays put when the saving is below rebalanceMinSavings', async () => {
    const world = await runningThenEuBest({ 'us-west-2': 1.0, 'eu-west-1': 0.9 });
    const launchesBefore = world.launches.length;

    await world.clock.advance(3 * HOUR * 1000 + 60_000);

    expect(world.launches.length).toBe(launchesBefore);
    expect(world.eventsOfType('Teardown Requested')).toEqual([]);
    expect(world.state).toMatchObject({ status: 'RUNNING', region: 'us-west-2' });
    const execution = world.latest();
    expect(
      ranInOrder(execution, ['WaitForLoss', 'RebalanceFind', 'ShouldRebalance', 'CountCycle', 'WaitForLoss']),
    ).toBe(true);
    expect(statesEntered(execution)).not.toContain('RebalanceTarget');
    expect(world.finderRequests.filter((r) => r.current_region === 'us-west-2')).toHaveLength(3);
    world.sfn.close();
  });

  it('stays put when rebalancing is off (rebalanceMinSavings 0), however cheap the other region', async () => {
    const world = await runningThenEuBest({ 'us-west-2': 1.0, 'eu-west-1': 0.1 });
    world.rebalanceMinSavings = 0;
    const launchesBefore = world.launches.length;

    await world.clock.advance(2 * HOUR * 1000);

    expect(world.launches.length).toBe(launchesBefore);
    expect(world.state.region).toBe('us-west-2');
    world.sfn.close();
  });

  it('keeps the current region and excludes the cheaper one when its launch fails', async () => {
    const world = await runningThenEuBest({ 'us-west-2': 1.0, 'eu-west-1': 0.5 });
    world.workers.set('eu-west-1', { kind: 'fail', afterSeconds: 30, error: 'InsufficientInstanceCapacity' });

    await world.clock.advance(HOUR * 1000 + 120_000);

    expect(world.launches.at(-1)).toMatchObject({ region: 'eu-west-1' });
    // Only the failed target is cleaned up; the region that serves is never torn down.
    expect(world.eventsOfType('Teardown Requested').map((e) => e.detail.target_region)).toEqual([
      'eu-west-1',
    ]);
    expect(world.state.excluded_regions.map((e) => e.region)).toEqual(['eu-west-1']);
    expect(isWaitingForLoss(world)).toBe(true);
    expect(world.state).toMatchObject({ status: 'RUNNING', region: 'us-west-2' });
    expect(
      ranInOrder(world.latest(), ['RebalanceFind', 'Launch', 'ExcludeTarget', 'RevertFailed', 'WaitForLoss']),
    ).toBe(true);
    world.sfn.close();
  });

  it('keeps waiting on the current region when the RegionFinder fails at the check', async () => {
    const world = await runningThenEuBest({ 'us-west-2': 1.0, 'eu-west-1': 0.5 });
    world.finderError = 'Lambda.ServiceException';
    const launchesBefore = world.launches.length;

    await world.clock.advance(HOUR * 1000 + 120_000);

    expect(world.launches.length).toBe(launchesBefore);
    expect(isWaitingForLoss(world)).toBe(true);
    expect(world.state.region).toBe('us-west-2');
    world.sfn.close();
  });
});
