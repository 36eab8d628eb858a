import { describe, expect, it } from 'vitest';
import { type FleetAction, type FleetEvent, type FleetPolicy, runFleetModel } from '../../sim/fleet-model.ts';
import { accountRun } from '../../sim/report.ts';
import { HOUR, steps, T0, zonedTrace } from './fixtures.ts';

/** A policy that does what it is told at given instants, and records what it saw. */
function scripted(
  plan: Record<number, FleetAction[]>,
): FleetPolicy & { seen: (FleetEvent & { now: number })[] } {
  const seen: (FleetEvent & { now: number })[] = [];
  const done = new Set<number>();
  return {
    name: 'scripted',
    seen,
    decide(view) {
      for (const e of view.events) seen.push({ ...e, now: view.now });
      const minute = (view.now - T0) / 60_000;
      const wakes = Object.keys(plan)
        .map(Number)
        .filter((m) => m > minute)
        .map((m) => ({ kind: 'wake' as const, at: T0 + m * 60_000 }));
      if (done.has(minute) || !plan[minute]) return wakes;
      done.add(minute);
      return [...plan[minute]!, ...wakes];
    },
  };
}

const launch = (region: string, zone?: string, lifecycle: 'spot' | 'on-demand' = 'spot'): FleetAction => ({
  kind: 'launch',
  region,
  ...(zone ? { zone } : {}),
  lifecycle,
});

describe('runFleetModel', () => {
  it('launches where there is room, serves after the launch time and bills launch to end', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 1, 'us-east-1b': 1 } });
    const policy = scripted({ 0: [launch('us-east-1', 'us-east-1a'), launch('us-east-1', 'us-east-1a')] });
    const run = runFleetModel(trace, policy, { targetCapacity: 1, launchMs: 120_000 });
    expect(policy.seen.map((e) => e.kind)).toEqual(['launched', 'launch_failed', 'ready']);
    expect(run.instances).toHaveLength(1);
    expect(run.healthy).toEqual([{ region: 'us-east-1', startMs: T0 + 120_000, endMs: T0 + 24 * HOUR }]);
    expect(accountRun(trace, run).costUsd).toBeCloseTo(0.3 * 24, 10);
  });

  it('puts a launch that names only a region where an Auto Scaling group would: fewest of ours, with room', () => {
    const trace = zonedTrace(1, { 'eu-west-1': { 'eu-west-1a': 0, 'eu-west-1b': 5, 'eu-west-1c': 5 } });
    const policy = scripted({ 0: [launch('eu-west-1'), launch('eu-west-1'), launch('eu-west-1')] });
    const run = runFleetModel(trace, policy, { targetCapacity: 3, launchMs: 60_000 });
    expect(run.instances.map((i) => i.zone).sort()).toEqual(['eu-west-1b', 'eu-west-1b', 'eu-west-1c']);
  });

  it('reclaims the newest replicas of a zone that shrinks, after the warning', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': steps([0, 2], [60, 1]) } });
    const policy = scripted({
      0: [launch('us-east-1', 'us-east-1a')],
      10: [launch('us-east-1', 'us-east-1a')],
    });
    const run = runFleetModel(trace, policy, { targetCapacity: 1, launchMs: 60_000, warningMs: 120_000 });
    const warned = policy.seen.filter((e) => e.kind === 'warned');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.now).toBe(T0 + HOUR);
    expect(run.losses).toEqual([{ atMs: T0 + HOUR, region: 'us-east-1' }]);
    const ended = run.instances.find((i) => i.startMs === T0 + 10 * 60_000)!;
    expect(ended.endMs).toBe(T0 + HOUR + 120_000);
    // It served through the warning.
    expect(run.healthy).toContainEqual({
      region: 'us-east-1',
      startMs: T0 + 11 * 60_000,
      endMs: T0 + HOUR + 120_000,
    });
  });

  it('without a warning terminates a reclaimed replica at once', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': steps([0, 1], [30, 0]) } });
    const policy = scripted({ 0: [launch('us-east-1', 'us-east-1a')] });
    const run = runFleetModel(trace, policy, { targetCapacity: 1, launchMs: 60_000, warningMs: 0 });
    expect(run.instances[0]!.endMs).toBe(T0 + 30 * 60_000);
    expect(policy.seen.filter((e) => e.kind === 'terminated')).toMatchObject([{ interrupted: true }]);
  });

  it('always launches on-demand, and a release ends a replica without counting as an interruption', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 0 } });
    const policy = scripted({ 0: [launch('us-east-1', undefined, 'on-demand')], 120: [] });
    const run = runFleetModel(trace, policy, { targetCapacity: 1, launchMs: 60_000 });
    expect(run.instances).toMatchObject([{ lifecycle: 'on-demand', zone: 'us-east-1a' }]);
    const id = run.instances[0]!.id;
    const releasing = scripted({
      0: [launch('us-east-1', undefined, 'on-demand')],
      120: [{ kind: 'release', id }],
    });
    const released = runFleetModel(trace, releasing, { targetCapacity: 1, launchMs: 60_000 });
    expect(released.instances[0]!.endMs).toBe(T0 + 2 * HOUR);
    expect(released.losses).toEqual([]);
  });

  it('gives a trace without zones the region zones, dry while the region is', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 1 } });
    const plain = {
      ...trace,
      regions: trace.regions.map(({ zones: _z, ...r }) => ({
        ...r,
        capacityAvailable: [
          { at: T0, value: true },
          { at: T0 + HOUR, value: false },
        ],
      })),
    };
    const policy = scripted({ 0: [launch('us-east-1')] });
    const run = runFleetModel(plain, policy, { targetCapacity: 1, launchMs: 60_000, warningMs: 0 });
    expect(run.instances[0]).toMatchObject({ zone: 'us-east-1a', endMs: T0 + HOUR });
  });
});
