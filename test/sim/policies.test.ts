/** The published policies spotplane is compared with, on the fleet model: each behaviour their papers describe. */
import { describe, expect, it } from 'vitest';
import { runFleetModel } from '../../sim/fleet-model.ts';
import { roundRobinPolicy } from '../../sim/policies/round-robin.ts';
import { spotHedgePolicy } from '../../sim/policies/spothedge.ts';
import { accountRun } from '../../sim/report.ts';
import { HOUR, steps, T0, zonedTrace } from './fixtures.ts';

const MIN = 60_000;
const settings = { launchMs: 120_000, warningMs: 0 };

describe('SpotHedge (SkyServe, EuroSys 25)', () => {
  it('spreads target + spare Spot replicas over distinct zones, cheapest first', () => {
    const trace = zonedTrace(1, {
      'us-east-1': { 'us-east-1a': 5, 'us-east-1b': 5 },
      'eu-west-1': { 'eu-west-1a': 5 },
    });
    const run = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 2, spareCapacity: 1 }), {
      targetCapacity: 2,
      ...settings,
    });
    const spot = run.instances.filter((i) => i.lifecycle === 'spot');
    expect(spot.map((i) => i.zone).sort()).toEqual(['eu-west-1a', 'us-east-1a', 'us-east-1b']);
  });

  it('covers exactly the shortfall of ready Spot with on-demand, and releases it once Spot is ready', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 5, 'us-east-1b': 5 } });
    const run = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 2 }), {
      targetCapacity: 2,
      ...settings,
    });
    const onDemand = run.instances.filter((i) => i.lifecycle === 'on-demand');
    // At the start no Spot replica is ready: two on-demand replicas, released when the Spot ones are ready.
    expect(onDemand).toHaveLength(2);
    expect(onDemand.every((i) => i.endMs === T0 + 120_000)).toBe(true);
    expect(run.instances.filter((i) => i.lifecycle === 'spot')).toHaveLength(2);
  });

  it('moves a preempted zone out of the active set and replaces the replica elsewhere', () => {
    const trace = zonedTrace(1, {
      'us-east-1': { 'us-east-1a': steps([0, 1], [60, 0], [70, 1]), 'us-east-1b': 1, 'us-east-1c': 1 },
    });
    const run = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 1 }), {
      targetCapacity: 1,
      ...settings,
    });
    const spot = run.instances.filter((i) => i.lifecycle === 'spot');
    expect(spot.map((i) => [i.zone, (i.startMs - T0) / MIN])).toEqual([
      ['us-east-1a', 0],
      ['us-east-1b', 60],
    ]);
    // The shortfall while the replacement boots is covered by one on-demand replica.
    expect(run.instances.filter((i) => i.lifecycle === 'on-demand' && i.startMs === T0 + HOUR)).toHaveLength(
      1,
    );
  });

  it('makes every zone active again when fewer than two remain active', () => {
    const trace = zonedTrace(1, {
      'us-east-1': {
        'us-east-1a': steps([0, 1], [60, 0], [61, 1]),
        'us-east-1b': steps([0, 0], [30, 1], [62, 0], [300, 1]),
      },
    });
    const run = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 1 }), {
      targetCapacity: 1,
      ...settings,
    });
    const zones = run.instances.filter((i) => i.lifecycle === 'spot').map((i) => i.zone);
    // At 60 min 1a is preempted, leaving one active zone: all are reset, 1a refuses, 1b takes it. At 62 min
    // 1b is preempted with 1a still marked: reset again, and 1a (back since 61 min) takes the replica.
    expect(zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1a']);
  });

  it('waits a decision interval after every zone refused, instead of retrying at once', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': steps([0, 0], [10, 1]), 'us-east-1b': 0 } });
    const run = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 1 }), {
      targetCapacity: 1,
      ...settings,
    });
    const firstMinute = run.launchRequests.filter((r) => r.atMs < T0 + MIN).map((r) => (r.atMs - T0) / 1000);
    // One on-demand and both zones at the start, then both zones again every 20 s until 1a opens at 10 min.
    expect(firstMinute).toEqual([0, 0, 0, 20, 20, 40, 40]);
    expect(run.instances.find((i) => i.lifecycle === 'spot')!.startMs).toBe(T0 + 10 * MIN);
  });
});

describe('round robin over zones', () => {
  it('places each new replica in the next zone of one cyclic order over every region', () => {
    const trace = zonedTrace(1, {
      'us-east-1': { 'us-east-1a': steps([0, 1], [60, 0]), 'us-east-1b': 5 },
      'eu-west-1': { 'eu-west-1a': 5 },
    });
    const run = runFleetModel(trace, roundRobinPolicy({ targetCapacity: 2 }), {
      targetCapacity: 2,
      ...settings,
    });
    expect(run.instances.map((i) => i.zone)).toEqual(['us-east-1a', 'us-east-1b', 'eu-west-1a']);
    expect(run.instances.every((i) => i.lifecycle === 'spot')).toBe(true);
  });

  it('has no on-demand fallback: a dry market means no service', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 0, 'us-east-1b': 0 } });
    const run = runFleetModel(trace, roundRobinPolicy({ targetCapacity: 1 }), {
      targetCapacity: 1,
      ...settings,
    });
    expect(run.instances).toEqual([]);
    expect(accountRun(trace, run).availability).toBe(0);
  });
});
