import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlPlaneBill, perMonth } from '../../sim/bill.ts';
import { accountRun, integrate, oracleCost } from '../../sim/report.ts';
import { type RunTimeline, uncoveredMs, unionWithin } from '../../sim/timeline.ts';
import { DAY, HOUR, handTrace, T0, zonedTrace } from './fixtures.ts';

const OD = 0.8048; // g6.xlarge, us-east-1 and us-west-2

function run(partial: Partial<RunTimeline>): RunTimeline {
  return {
    policy: 'test',
    startMs: T0,
    endMs: T0 + DAY,
    targetCapacity: 1,
    instances: [],
    healthy: [],
    losses: [],
    launchRequests: [],
    ...partial,
  };
}

const spot = (region: string, startMs: number, endMs: number, id = `i-${region}-${startMs}`) => ({
  id,
  region,
  instanceType: 'g6.xlarge',
  lifecycle: 'spot' as const,
  startMs,
  endMs,
});

describe('accountRun', () => {
  it('bills Spot at the trace price as it moves and compares with the same hours on-demand', () => {
    const trace = handTrace(1, {
      'us-east-1': {
        price: [
          { at: T0, value: 0.3 },
          { at: T0 + 12 * HOUR, value: 0.2 },
        ],
      },
    });
    const report = accountRun(trace, run({ instances: [spot('us-east-1', T0, T0 + DAY)] }));
    expect(report.costUsd).toBeCloseTo(12 * 0.3 + 12 * 0.2, 10);
    expect(report.onDemandCostUsd).toBeCloseTo(24 * OD, 10);
    expect(report.costVsOnDemand).toBeCloseTo(6 / (24 * OD), 10);
    expect(report.instanceHours).toEqual({ spot: 24, onDemand: 0 });
    expect(report.hoursByRegion).toEqual({ 'us-east-1': 24 });
  });

  it('bills an instance at least 60 seconds and on-demand instances at list price', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.36 } });
    const report = accountRun(
      trace,
      run({
        instances: [
          spot('us-east-1', T0, T0 + 10_000),
          { ...spot('us-east-1', T0 + HOUR, T0 + 2 * HOUR), lifecycle: 'on-demand' },
        ],
      }),
    );
    expect(report.costUsd).toBeCloseTo(0.36 / 60 + OD, 10);
    expect(report.instanceHours.onDemand).toBeCloseTo(1, 10);
  });

  it('measures availability from the first healthy moment and counts every hole', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 } });
    const report = accountRun(
      trace,
      run({
        healthy: [
          { region: 'us-east-1', startMs: T0 + 120_000, endMs: T0 + 10 * HOUR },
          { region: 'us-east-1', startMs: T0 + 10 * HOUR + 90_000, endMs: T0 + DAY },
        ],
      }),
    );
    expect(report.downtimeS).toBe(90);
    expect(report.availability).toBeCloseTo(1 - 90_000 / (DAY - 120_000), 12);
  });

  it('counts overlapping healthy servers once (make-before-break is not double availability)', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 }, 'us-west-2': { price: 0.3 } });
    const report = accountRun(
      trace,
      run({
        healthy: [
          { region: 'us-east-1', startMs: T0, endMs: T0 + 13 * HOUR },
          { region: 'us-west-2', startMs: T0 + 12 * HOUR, endMs: T0 + DAY },
        ],
      }),
    );
    expect(report.availability).toBe(1);
  });

  it('reports reaction and serving gap of each failover and where it went', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 }, 'us-west-2': { price: 0.3 } });
    const loss1 = T0 + 6 * HOUR;
    const loss2 = T0 + 18 * HOUR;
    const report = accountRun(
      trace,
      run({
        healthy: [
          { region: 'us-east-1', startMs: T0, endMs: loss1 + 120_000 },
          { region: 'us-west-2', startMs: loss1 + 100_000, endMs: loss2 + 120_000 },
          { region: 'us-east-1', startMs: loss2 + 150_000, endMs: T0 + DAY },
        ],
        losses: [
          { atMs: loss2, region: 'us-west-2' },
          { atMs: loss1, region: 'us-east-1' },
        ],
        launchRequests: [
          { atMs: T0, region: 'us-east-1' },
          { atMs: loss1 + 1500, region: 'us-west-2' },
          { atMs: loss2 + 3000, region: 'us-east-1' },
        ],
      }),
    );
    expect(report.failovers).toEqual([
      {
        at: new Date(loss1).toISOString(),
        fromRegion: 'us-east-1',
        toRegion: 'us-west-2',
        reactionS: 1.5,
        gapS: 0,
      },
      {
        at: new Date(loss2).toISOString(),
        fromRegion: 'us-west-2',
        toRegion: 'us-east-1',
        reactionS: 3,
        gapS: 30,
      },
    ]);
    expect(report.failoverCount).toBe(2);
    expect(report.meanGapS).toBe(15);
    expect(report.maxGapS).toBe(30);
    expect(report.meanReactionS).toBe(2.25);
  });

  it('reports no reaction when no launch request followed the loss', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 } });
    const report = accountRun(
      trace,
      run({
        healthy: [{ region: 'us-east-1', startMs: T0, endMs: T0 + HOUR }],
        losses: [{ atMs: T0 + HOUR - 120_000, region: 'us-east-1' }],
      }),
    );
    expect(report.failovers[0]).toMatchObject({ reactionS: null, toRegion: null, gapS: 23 * 3600 });
    expect(report.availability).toBeCloseTo(1 / 24, 12);
  });

  it('counts as available only the time with at least the target of ready replicas', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 }, 'us-west-2': { price: 0.3 } });
    const report = accountRun(
      trace,
      run({
        targetCapacity: 2,
        healthy: [
          { region: 'us-east-1', startMs: T0, endMs: T0 + DAY },
          { region: 'us-west-2', startMs: T0 + HOUR, endMs: T0 + 12 * HOUR },
          { region: 'us-west-2', startMs: T0 + 13 * HOUR, endMs: T0 + DAY },
        ],
      }),
    );
    // Two ready from 1 h on (start-up is not an outage), except 12-13 h.
    expect(report.availability).toBeCloseTo(1 - 1 / 23, 12);
    expect(report.downtimeS).toBe(3600);
  });

  it('compares cost with the target on-demand at the cheapest price, and reports the share of Spot time', () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 }, 'eu-west-1': { price: 0.2 } });
    const report = accountRun(
      trace,
      run({
        targetCapacity: 2,
        instances: [
          spot('eu-west-1', T0, T0 + DAY),
          { ...spot('us-east-1', T0, T0 + 6 * HOUR), lifecycle: 'on-demand' },
          spot('us-east-1', T0 + 6 * HOUR, T0 + DAY),
        ],
      }),
    );
    expect(report.onDemandReferenceUsdPerHour).toBeCloseTo(2 * OD, 10);
    expect(report.costVsOnDemand).toBeCloseTo((24 * 0.2 + 6 * OD + 18 * 0.3) / (24 * 2 * OD), 10);
    expect(report.spotShare).toBeCloseTo(42 / 48, 12);
  });

  it('bills a Spot instance at its own zone price when the trace has one', () => {
    const trace = zonedTrace(1, { 'us-east-1': { 'us-east-1a': 1, 'us-east-1b': 1 } }, 0.3);
    const zoned = {
      ...trace,
      regions: trace.regions.map((r) => ({
        ...r,
        zones: r.zones!.map((z) =>
          z.zone === 'us-east-1b' ? { ...z, spotPrice: { 'g6.xlarge': [{ at: T0, value: 0.25 }] } } : z,
        ),
      })),
    };
    const report = accountRun(
      zoned,
      run({ instances: [{ ...spot('us-east-1', T0, T0 + DAY), zone: 'us-east-1b' }] }),
    );
    expect(report.costUsd).toBeCloseTo(24 * 0.25, 10);
  });

  it('bills the control plane per month from its usage', () => {
    const trace = handTrace(2, { 'us-east-1': { price: 0.3 } });
    const usage = {
      stateTransitions: 4000,
      lambdaInvocations: 1000,
      customEvents: 200,
      ssmApiCalls: 50,
      apiRequests: 1,
    };
    const report = accountRun(trace, run({ endMs: T0 + 2 * DAY, usage }));
    expect(report.controlPlane?.transitionsPerDay).toBe(2000);
    expect(report.controlPlane?.billPerMonthUsd.stepFunctionsUsd).toBeCloseTo(4000 * 0.000025 * 15, 12);
  });
});

describe('timeInCheapestRegion', () => {
  it('is the share of serving time spent where the oracle sat', () => {
    const trace = handTrace(1, {
      'us-east-1': {
        price: [
          { at: T0, value: 0.3 },
          { at: T0 + 12 * HOUR, value: 0.5 },
        ],
      },
      'us-west-2': { price: 0.4 },
    });
    // Serves in us-east-1 all day: cheapest for the first 12 h only; nothing serves in the last 6 h.
    const report = accountRun(
      trace,
      run({ healthy: [{ region: 'us-east-1', startMs: T0, endMs: T0 + 18 * HOUR }] }),
    );
    expect(report.timeInCheapestRegion).toBeCloseTo(12 / 18, 12);
  });
});

describe('oracleCost', () => {
  it('sits in the cheapest region that has capacity, and pays on-demand when none has', () => {
    const trace = handTrace(1, {
      'us-east-1': {
        price: 0.3,
        capacity: [
          { at: T0, value: true },
          { at: T0 + 12 * HOUR, value: false },
        ],
      },
      'us-west-2': {
        price: 0.2,
        capacity: [
          { at: T0, value: false },
          { at: T0 + 6 * HOUR, value: true },
          { at: T0 + 18 * HOUR, value: false },
        ],
      },
    });
    // 0-6 h: only us-east-1 (0.3); 6-18 h: us-west-2 (0.2); 18-24 h: nothing -> on-demand.
    expect(oracleCost(trace, T0, T0 + DAY, 1)).toBeCloseTo(6 * 0.3 + 12 * 0.2 + 6 * OD, 10);
    expect(oracleCost(trace, T0, T0 + DAY, 2)).toBeCloseTo(2 * (6 * 0.3 + 12 * 0.2 + 6 * OD), 10);
  });
});

describe('integrate', () => {
  it('integrates a step function over any window', () => {
    const series = [
      { at: 0, value: 1 },
      { at: 10, value: 3 },
      { at: 20, value: 2 },
    ];
    expect(integrate(series, 0, 30)).toBe(10 + 30 + 20);
    expect(integrate(series, 5, 15)).toBe(5 + 15);
    expect(integrate(series, 25, 30)).toBe(10);
  });
});

describe('unionWithin / uncoveredMs', () => {
  it('splits any window exactly into covered and uncovered time', () => {
    const span = fc
      .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 }))
      .map(([s, len]) => ({
        startMs: s,
        endMs: s + len,
      }));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), fc.integer({ min: 0, max: 600 }), (spans, from) => {
        const to = from + 500;
        const union = unionWithin(spans, from, to);
        for (let i = 1; i < union.length; i++) expect(union[i]!.startMs).toBeGreaterThan(union[i - 1]!.endMs);
        const covered = union.reduce((s, u) => s + u.endMs - u.startMs, 0);
        expect(covered + uncoveredMs(spans, from, to)).toBe(500);
        // Brute force on the integer grid.
        let brute = 0;
        for (let t = from; t < to; t++) if (!spans.some((s) => t >= s.startMs && t < s.endMs)) brute++;
        expect(uncoveredMs(spans, from, to)).toBe(brute);
      }),
      { numRuns: 100 },
    );
  });
});

describe('controlPlaneBill', () => {
  it('prices transitions, requests, GB-seconds and custom events at the documented unit prices', () => {
    const bill = controlPlaneBill(
      {
        stateTransitions: 1000,
        lambdaInvocations: 1_000_000,
        customEvents: 1_000_000,
        ssmApiCalls: 10,
        apiRequests: 0,
      },
      { lambdaMemoryMb: 1024, lambdaMeanDurationMs: 1000 },
    );
    expect(bill.stepFunctionsUsd).toBeCloseTo(0.025, 12);
    expect(bill.lambdaUsd).toBeCloseTo(0.2 + 16.6667, 6);
    expect(bill.eventBridgeUsd).toBeCloseTo(1, 12);
    expect(bill.ssmUsd).toBe(0);
    expect(bill.endpointUsd).toBe(0);
    expect(perMonth(bill, 15).totalUsd).toBeCloseTo(2 * bill.totalUsd, 10);
  });

  it('bills DynamoDB request units at the on-demand prices and logs by the GB ingested', () => {
    const bill = controlPlaneBill({
      stateTransitions: 0,
      lambdaInvocations: 1_000_000,
      customEvents: 0,
      ssmApiCalls: null,
      apiRequests: 0,
      dynamodbReadUnits: 2_000_000,
      dynamodbWriteUnits: 1_000_000,
      executionLogBytes: 1e9,
    });
    expect(bill.dynamodbUsd).toBeCloseTo(2 * 0.125 + 0.625, 12);
    // 1 GB of execution history plus about 1 KB of Lambda log lines per invocation (1.024 GB).
    expect(bill.logsUsd).toBeCloseTo((1 + 1.024) * 0.5, 12);
  });

  it("bills the accelerator's fixed fee for every started hour it exists", () => {
    const usage = {
      stateTransitions: 0,
      lambdaInvocations: 0,
      customEvents: 0,
      ssmApiCalls: null,
      apiRequests: 0,
    };
    expect(controlPlaneBill({ ...usage, acceleratorHours: 720 }).endpointUsd).toBeCloseTo(18, 10);
    expect(controlPlaneBill({ ...usage, acceleratorHours: 1.01 }).endpointUsd).toBeCloseTo(0.05, 10);
    const month = perMonth(controlPlaneBill({ ...usage, acceleratorHours: 24 }), 1);
    expect(month.endpointUsd).toBeCloseTo(18, 10);
    expect(month.totalUsd).toBeCloseTo(18, 10);
  });
});
