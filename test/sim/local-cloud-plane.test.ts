import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_PULL_SECONDS } from '../../core/launch-budget.ts';
import { coldStartSeconds } from '../../core/plan/fleet.ts';
import { runSpotplane } from '../../sim/driver.ts';
import {
  launchTimingOf,
  localCloudControlPlane,
  simulatedConfig,
  startLocalCloudPlane,
} from '../../sim/local-cloud-plane.ts';
import { accountRun } from '../../sim/report.ts';
import { scenarioTrace } from '../../sim/scenario.ts';
import { simulate } from '../../sim/simulate.ts';
import type { Trace } from '../../sim/trace.ts';
import { HOUR, T0 } from './fixtures.ts';

/** 90 s from launch to healthy, the ECS agent's registration included (LocalCloud models it since issue 12). */
const FAST_LAUNCH = {
  bootMs: 50_000,
  agentRegistrationMs: 10_000,
  containerStartMs: 20_000,
  healthyAfterMs: 10_000,
};

const interruptedScenario = () =>
  scenarioTrace({
    start: new Date(T0),
    durationMs: 3 * HOUR,
    regions: {
      'us-east-1': { placementScore: 9, spotPrice: 0.3, interruptionsAfterMs: [HOUR] },
      'us-west-2': { placementScore: 8, spotPrice: 0.31 },
      'eu-west-1': { placementScore: 7, spotPrice: 0.33 },
    },
  });

/**
 * Two hours of us-west-2 at a fine Spot price and score (its region-wide capacity switch on), whose zones hold only
 * the Spot instances `room` gives them (0 for a zone not named).
 */
function zonesHolding(room: Record<string, number>): Trace {
  const base = scenarioTrace({
    start: new Date(T0),
    durationMs: 2 * HOUR,
    regions: { 'us-west-2': { placementScore: 9, spotPrice: 0.3 } },
  });
  const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'].map((zone) => ({
    zone,
    capacity: [{ at: T0, value: room[zone] ?? 0 }],
  }));
  return { ...base, regions: base.regions.map((r) => ({ ...r, zones })) };
}

describe('spotplane on LocalCloud under the simulator', () => {
  it('serves from the best region, then fails over make-before-break when it is interrupted', async () => {
    const trace = interruptedScenario();
    const plane = await startLocalCloudPlane(trace, {}, { launchTiming: FAST_LAUNCH });
    const timeline = await runSpotplane(trace, plane);
    const report = accountRun(trace, timeline);

    expect(timeline.healthy[0]?.region).toBe('us-east-1');
    expect(timeline.losses).toEqual([{ atMs: T0 + HOUR, region: 'us-east-1' }]);
    expect(report.failovers[0]?.toRegion).toBe('us-west-2');
    // Make before break: the replacement is asked for while the interrupted instance still serves (within
    // seconds, with AWS's modelled latencies; the warning gives two minutes) ...
    const request = timeline.launchRequests.find((r) => r.region === 'us-west-2')!;
    expect(request.atMs - (T0 + HOUR)).toBeLessThan(5_000);
    // ... so the serving gap stays far below the 90 s a break-before-make replacement needs to boot.
    expect(report.failovers[0]!.gapS).toBeLessThan(5);
    expect(timeline.usage?.stateTransitions).toBeGreaterThan(0);
    expect(timeline.usage?.lambdaInvocations).toBeGreaterThan(0);
  });

  // Issue 11's reaction_s target: interruption warning -> replacement requested within 2 s with AWS's modelled
  // latencies (emulator/latency.ts); here measured where the worker raises the new region's group, a hop later.
  it('asks for the replacement as soon as the interruption warning wakes the hub, not at its next look', async () => {
    const trace = interruptedScenario();
    const plane = await startLocalCloudPlane(trace, {}, { launchTiming: FAST_LAUNCH });
    const timeline = await runSpotplane(trace, plane);
    const request = timeline.launchRequests.find((r) => r.region === 'us-west-2')!;
    // Seconds: the modelled latencies of one event's way through EventBridge, the waker and one cycle. One run's
    // draws vary (1.2-2.3 s); issue 11's "<= 2 s" is the median over five seeds, `npm run bench -- --only loop`
    // (reaction_s). The next steady look would come 300 s later.
    expect(request.atMs - (T0 + HOUR)).toBeLessThanOrEqual(5000);
  });

  it('gives the same result for the same trace and seed', async () => {
    const options = { seed: 5, days: 1, regions: ['us-east-1', 'us-west-2', 'eu-west-1'] };
    const a = await simulate(options, localCloudControlPlane);
    const b = await simulate(options, localCloudControlPlane);
    expect(a.result.spotplaneError).toBeNull();
    expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
    // Two simulated days through the level-triggered loop take ~50 s of wall time on a loaded machine.
  }, 240_000);
});

describe('a fleet in one region', () => {
  it('runs the target and every spare there (the group may hold the whole fleet, not 2 x the target)', async () => {
    const trace = scenarioTrace({
      start: new Date(T0),
      durationMs: HOUR,
      regions: { 'us-west-2': { placementScore: 9, spotPrice: 0.3 } },
    });
    const plane = await startLocalCloudPlane(
      trace,
      { targetCapacity: 1, spareCapacity: 2 },
      { launchTiming: FAST_LAUNCH },
    );
    const timeline = await runSpotplane(trace, plane, { targetCapacity: 1 });
    expect(plane.desiredCapacity()).toEqual({ 'us-west-2': 3 });
    expect(plane.instances().filter((i) => i.state === 'running' && i.healthy)).toHaveLength(3);
    expect(accountRun(trace, timeline).availability).toBeGreaterThan(0.9);
  });

  it('serves what Spot can hold when it holds only part of the fleet, keeping every replica that launched', async () => {
    // Room for 2 Spot instances in one zone, 3 replicas wanted: each request for 3 fails for the third.
    const trace = zonesHolding({ 'us-west-2a': 2 });
    const plane = await startLocalCloudPlane(trace, { targetCapacity: 3 }, { launchTiming: FAST_LAUNCH });
    const timeline = await runSpotplane(trace, plane, { targetCapacity: 3 });

    // The two that launched first serve from their first minutes to the end; none is ever thrown away.
    expect(timeline.instances).toHaveLength(2);
    expect(timeline.instances.every((i) => i.endMs === trace.endMs)).toBe(true);
    expect(timeline.healthy).toHaveLength(2);
    expect(timeline.healthy.every((h) => h.startMs - T0 < 3 * 60_000 && h.endMs === trace.endMs)).toBe(true);
    expect(plane.desiredCapacity()).toEqual({ 'us-west-2': 2 });
  });
});

describe('--on-demand-fallback', () => {
  /** One region with no Spot capacity for the first hour. */
  const droughtThenSpot = (durationMs: number): Trace => {
    const base = scenarioTrace({
      start: new Date(T0),
      durationMs,
      regions: { 'us-west-2': { placementScore: 9, spotPrice: 0.3 } },
    });
    return {
      ...base,
      regions: base.regions.map((r) => ({
        ...r,
        capacityAvailable: [
          { at: T0, value: false },
          { at: T0 + HOUR, value: true },
        ],
      })),
    };
  };

  /** Two regions, neither with Spot capacity for the whole run. */
  const drySpot = (): Trace => {
    const trace = scenarioTrace({
      start: new Date(T0),
      durationMs: 2 * HOUR,
      regions: {
        'us-east-1': { placementScore: 9, spotPrice: 0.3 },
        'us-west-2': { placementScore: 8, spotPrice: 0.31 },
      },
    });
    return {
      ...trace,
      regions: trace.regions.map((r) => ({ ...r, capacityAvailable: [{ at: T0, value: false }] })),
    };
  };

  it('serves on on-demand while no region has Spot capacity, and serves nothing without it', async () => {
    const run = async (onDemandFallback: boolean) => {
      const trace = drySpot();
      const plane = await startLocalCloudPlane(trace, { onDemandFallback }, { launchTiming: FAST_LAUNCH });
      return runSpotplane(trace, plane);
    };
    const withFallback = await run(true);
    expect(withFallback.healthy.length).toBeGreaterThan(0);
    expect(new Set(withFallback.instances.map((i) => i.lifecycle))).toEqual(new Set(['on-demand']));
    const without = await run(false);
    expect(without.healthy).toEqual([]);
    expect(without.instances.filter((i) => i.lifecycle === 'on-demand')).toEqual([]);
  });

  it('takes a fleet the on-demand capacity cannot hold back to Spot once Spot is back', async () => {
    // LocalCloud's on-demand pool holds 8 instances a region: 10 on-demand never fit, and each failed fallback
    // is cleaned up by the worker. Those on-demand failures and losses must not count against the region's Spot.
    const trace = droughtThenSpot(3 * HOUR);
    const plane = await startLocalCloudPlane(
      trace,
      { targetCapacity: 10, onDemandFallback: true },
      { launchTiming: FAST_LAUNCH },
    );
    await runSpotplane(trace, plane, { targetCapacity: 10 });
    const live = plane.instances().filter((i) => i.state === 'running' && i.healthy);
    expect(live.filter((i) => i.lifecycle === 'spot')).toHaveLength(10);
  }, 120_000);

  it('goes back to Spot in the same region once Spot is back, without a gap (one region, one replica)', async () => {
    const trace = droughtThenSpot(3 * HOUR);
    const plane = await startLocalCloudPlane(
      trace,
      { onDemandFallback: true },
      { launchTiming: FAST_LAUNCH },
    );
    const timeline = await runSpotplane(trace, plane);
    const live = plane.instances().filter((i) => i.state === 'running');
    expect(live.map((i) => i.lifecycle)).toEqual(['spot']);
    const report = accountRun(trace, timeline);
    // Make-before-break: the on-demand replica served until the Spot one was ready.
    expect(report.maxGapS).toBe(0);
    expect(report.spotShare).toBeGreaterThan(0.5);
  });
  it('one replica on on-demand keeps serving while every attempt to go back to Spot fails', async () => {
    // Spot price and score look fine, but no zone holds a Spot instance: every revert (a swap in place,
    // {spot 1, on-demand 1}) fails for the Spot one. Its clean-up used to take the serving on-demand replica too.
    const trace = zonesHolding({});
    const plane = await startLocalCloudPlane(
      trace,
      { onDemandFallback: true },
      { launchTiming: FAST_LAUNCH },
    );
    const timeline = await runSpotplane(trace, plane);

    expect(timeline.instances.map((i) => [i.lifecycle, i.endMs])).toEqual([['on-demand', trace.endMs]]);
    expect(timeline.healthy).toHaveLength(1);
    expect(accountRun(trace, timeline).availability).toBe(1);
  });
});

describe('simulatedConfig', () => {
  it("states a fixed launch's container start as the image pull, so the planner prices a replacement at the simulated launch", () => {
    const trace = interruptedScenario();
    const fixed = simulatedConfig(trace, { launchSeconds: 120, onDemandFallback: true, targetCapacity: 3 });
    // 120 s launch: container start 2/9 of it (launchTimingOf) = 26.7 s -> 27 s; cold start = boot 120 s + 27 s.
    expect(fixed.container.imagePullSeconds).toBe(27);
    expect(coldStartSeconds(fixed)).toBe(147);
    expect(fixed.onDemandFallback).toBe(true);
    expect(fixed.targetCapacity).toBe(3);
    // LocalCloud's own launch timings: the configuration's default stands.
    expect(simulatedConfig(trace, {}).container.imagePullSeconds).toBe(DEFAULT_IMAGE_PULL_SECONDS);
  });
});

describe('launchTimingOf', () => {
  it('splits a fixed launch time over the phases in LocalCloud proportions, summing to it', () => {
    const t = launchTimingOf(120);
    expect(t).toEqual({
      bootMs: 60_000,
      agentRegistrationMs: 20_000,
      containerStartMs: 26_667,
      healthyAfterMs: 13_333,
    });
    expect(t.bootMs + t.agentRegistrationMs + t.containerStartMs + t.healthyAfterMs).toBe(120_000);
  });
});
