import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimConfigError } from '../../sim/errors.ts';
import { onDemandPrice } from '../../sim/on-demand-prices.ts';
import { syntheticTrace } from '../../sim/synthetic.ts';
import { marketAt, marketChanges, valueAt } from '../../sim/trace.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const TYPES = ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'];
const START = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

describe('syntheticTrace', () => {
  it('gives the same trace for the same seed and options', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5 }), (seed, days) => {
        const a = syntheticTrace({ seed, regions: REGIONS, instanceTypes: TYPES, start: START, days });
        const b = syntheticTrace({ seed, regions: REGIONS, instanceTypes: TYPES, start: START, days });
        expect(b).toEqual(a);
      }),
      { numRuns: 25 },
    );
  });

  it('gives a different market for a different seed', () => {
    const a = syntheticTrace({ seed: 1, regions: REGIONS, instanceTypes: TYPES, start: START, days: 3 });
    const b = syntheticTrace({ seed: 2, regions: REGIONS, instanceTypes: TYPES, start: START, days: 3 });
    expect(b.regions[0]!.spotPrice['g6.xlarge']).not.toEqual(a.regions[0]!.spotPrice['g6.xlarge']);
  });

  it("does not change one region's market when another region is added", () => {
    const alone = syntheticTrace({
      seed: 7,
      regions: ['eu-west-1'],
      instanceTypes: TYPES,
      start: START,
      days: 5,
    });
    const withOthers = syntheticTrace({
      seed: 7,
      regions: REGIONS,
      instanceTypes: TYPES,
      start: START,
      days: 5,
    });
    expect(withOthers.regions.find((r) => r.region === 'eu-west-1')).toEqual(alone.regions[0]);
  });

  it('keeps every price between 20 % and 95 % of on-demand, averaging near a third of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        const trace = syntheticTrace({
          seed,
          regions: REGIONS,
          instanceTypes: TYPES,
          start: START,
          days: 10,
        });
        for (const r of trace.regions) {
          for (const [type, series] of Object.entries(r.spotPrice)) {
            const od = onDemandPrice(r.region, type);
            for (const p of series) {
              expect(p.value).toBeGreaterThanOrEqual(0.2 * od - 1e-4);
              expect(p.value).toBeLessThanOrEqual(0.95 * od + 1e-4);
            }
            const mean = series.reduce((s, p) => s + p.value, 0) / series.length;
            expect(mean / od).toBeGreaterThan(0.25);
            expect(mean / od).toBeLessThan(0.47);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('starts every series at the trace start, sorted, with interruptions inside the window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        const t = syntheticTrace({ seed, regions: REGIONS, instanceTypes: TYPES, start: START, days: 7 });
        for (const r of t.regions) {
          for (const s of [...Object.values(r.spotPrice), r.placementScore, r.capacityAvailable]) {
            expect(s[0]!.at).toBe(t.startMs);
            for (let i = 1; i < s.length; i++) expect(s[i]!.at).toBeGreaterThan(s[i - 1]!.at);
          }
          for (const at of r.interruptions) {
            expect(at).toBeGreaterThanOrEqual(t.startMs);
            expect(at).toBeLessThan(t.endMs);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('scores a region 1 and fails launches during a drought, and reclaims capacity when it starts', () => {
    const t = syntheticTrace({ seed: 3, regions: REGIONS, instanceTypes: TYPES, start: START, days: 30 });
    let droughts = 0;
    for (const r of t.regions) {
      for (const p of r.capacityAvailable) {
        if (p.value) continue;
        droughts++;
        expect(valueAt(r.placementScore, p.at)).toBe(1);
        expect(r.interruptions).toContain(p.at);
      }
    }
    expect(droughts).toBeGreaterThan(0);
  });

  it('interrupts at roughly the documented rate and scales with interruptionScale', () => {
    const count = (scale: number) =>
      syntheticTrace({
        seed: 11,
        regions: ['us-east-1'],
        instanceTypes: ['g6.xlarge'],
        start: START,
        days: 200,
        interruptionScale: scale,
        droughtScale: 0,
      }).regions[0]!.interruptions.length;
    // us-east-1 default: 0.6 per day -> ~120 in 200 days.
    expect(count(1)).toBeGreaterThan(90);
    expect(count(1)).toBeLessThan(150);
    expect(count(0)).toBe(0);
    expect(count(2)).toBeGreaterThan(count(1));
  });

  it('rejects an instance type it has no on-demand price for, naming it', () => {
    expect(() =>
      syntheticTrace({ seed: 1, regions: REGIONS, instanceTypes: ['p9.huge'], start: START, days: 1 }),
    ).toThrow(/p9\.huge/);
    expect(() =>
      syntheticTrace({ seed: 1, regions: REGIONS, instanceTypes: TYPES, start: START, days: 0 }),
    ).toThrow(SimConfigError);
  });
});

describe('marketChanges', () => {
  it('replays a market that matches marketAt at every change, ordered, market before interrupt', () => {
    const t = syntheticTrace({ seed: 5, regions: REGIONS, instanceTypes: TYPES, start: START, days: 4 });
    const changes = marketChanges(t);
    for (let i = 1; i < changes.length; i++)
      expect(changes[i]!.at).toBeGreaterThanOrEqual(changes[i - 1]!.at);
    for (const region of REGIONS) {
      const first = changes.find((c) => c.region === region);
      expect(first).toMatchObject({ at: t.startMs, kind: 'market' });
    }
    for (const c of changes) {
      if (c.kind === 'market') expect(c.market).toEqual(marketAt(t, c.region, c.at));
    }
    const interrupts = changes.filter((c) => c.kind === 'interrupt').length;
    expect(interrupts).toBe(t.regions.reduce((n, r) => n + r.interruptions.length, 0));
    expect(t.endMs - t.startMs).toBe(4 * DAY);
  });

  it("exposes the cheapest configured type's price as the region's Spot price", () => {
    const t = syntheticTrace({
      seed: 9,
      regions: ['us-east-1'],
      instanceTypes: TYPES,
      start: START,
      days: 1,
    });
    const at = t.startMs + 3_600_000;
    const prices = TYPES.map((type) => valueAt(t.regions[0]!.spotPrice[type]!, at));
    expect(marketAt(t, 'us-east-1', at).spotPrice).toBe(Math.min(...prices));
  });
});
