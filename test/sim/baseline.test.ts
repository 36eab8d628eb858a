import { describe, expect, it } from 'vitest';
import { baselineChoice, runBaseline } from '../../sim/baseline.ts';
import { accountRun } from '../../sim/report.ts';
import { scenarioTrace } from '../../sim/scenario.ts';
import { syntheticTrace } from '../../sim/synthetic.ts';
import { marketAt } from '../../sim/trace.ts';
import { DAY, HOUR, handTrace, T0 } from './fixtures.ts';

describe('runBaseline', () => {
  it('launches in the best-scored region and serves once the instance is ready', () => {
    const trace = handTrace(1, {
      'us-east-1': { price: 0.3, score: 6 },
      'us-west-2': { price: 0.4, score: 9 },
    });
    const run = runBaseline(trace, { readyAfterMs: 90_000 });
    expect(run.launchRequests).toEqual([{ atMs: T0, region: 'us-west-2' }]);
    expect(run.healthy).toEqual([{ region: 'us-west-2', startMs: T0 + 90_000, endMs: T0 + DAY }]);
    expect(run.instances).toHaveLength(1);
  });

  it('breaks a score tie by numeric price', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 10.1 }, 'us-west-2': { price: 9.0 } });
    expect(baselineChoice(trace, T0, 3)).toBe('us-west-2');
  });

  it('replaces an interrupted instance only after it terminates (break before make)', () => {
    const warning = T0 + 5 * HOUR;
    const trace = handTrace(1, { 'us-east-1': { price: 0.3, interruptions: [warning] } });
    const run = runBaseline(trace, { readyAfterMs: 90_000 });
    expect(run.losses).toEqual([{ atMs: warning, region: 'us-east-1' }]);
    expect(run.launchRequests.map((r) => r.atMs)).toEqual([T0, warning + 120_000]);
    const report = accountRun(trace, run);
    // Serves through the two-minute warning, then nothing until the replacement is ready.
    expect(report.failovers[0]!.gapS).toBe(90);
    expect(report.failovers[0]!.reactionS).toBe(120);
  });

  it('waits a fixed 600 s between launch attempts when capacity is gone, without excluding the region', () => {
    const trace = handTrace(1, {
      'us-east-1': {
        price: 0.3,
        score: 9,
        capacity: [
          { at: T0, value: false },
          { at: T0 + 25 * 60_000, value: true },
        ],
      },
      'us-west-2': { price: 0.3, score: 5 },
    });
    const run = runBaseline(trace, { readyAfterMs: 90_000 });
    expect(run.launchRequests).toEqual([
      { atMs: T0, region: 'us-east-1' },
      { atMs: T0 + 600_000, region: 'us-east-1' },
      { atMs: T0 + 1_200_000, region: 'us-east-1' },
      { atMs: T0 + 1_800_000, region: 'us-east-1' },
    ]);
    expect(run.healthy[0]!.startMs).toBe(T0 + 1_800_000 + 90_000);
  });

  it('keeps retrying every 600 s while no region scores high enough', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3, score: 2 } });
    const run = runBaseline(trace, { minPlacementScore: 3 });
    expect(run.instances).toEqual([]);
    expect(run.launchRequests).toEqual([]);
    expect(accountRun(trace, run).availability).toBe(0);
  });

  it('gives the same timeline for the same trace and seed', () => {
    const options = {
      seed: 2,
      regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
      instanceTypes: ['g6.xlarge'],
      start: new Date(T0),
      days: 10,
    };
    const a = runBaseline(syntheticTrace(options));
    expect(runBaseline(syntheticTrace(options))).toEqual(a);
    expect(a.losses.length).toBeGreaterThan(0);
  });
});

describe('scenarioTrace', () => {
  it('holds each region at its fixed market with interruptions at the chosen moments', () => {
    const trace = scenarioTrace({
      start: new Date(T0),
      durationMs: 2 * HOUR,
      regions: { 'us-east-1': { placementScore: 9, spotPrice: 0.3, interruptionsAfterMs: [HOUR] } },
    });
    expect(marketAt(trace, 'us-east-1', T0 + 90 * 60_000)).toEqual({
      placementScore: 9,
      spotPrice: 0.3,
      capacityAvailable: true,
    });
    expect(trace.regions[0]!.interruptions).toEqual([T0 + HOUR]);
    expect(trace.endMs - trace.startMs).toBe(2 * HOUR);
  });
});
