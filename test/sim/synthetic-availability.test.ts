import { describe, expect, it } from 'vitest';
import { SimConfigError } from '../../sim/errors.ts';
import { syntheticAvailability } from '../../sim/synthetic-availability.ts';
import { valueAt } from '../../sim/trace.ts';
import { traceFromZones, withFlatSpotRatio } from '../../sim/zone-trace.ts';
import { DAY, HOUR, handTrace, T0 } from './fixtures.ts';

const REGIONS = ['us-east-2', 'eu-west-1', 'eu-central-1'];
const generate = (seed: number, days = 45) =>
  syntheticAvailability({ seed, regions: REGIONS, start: new Date(T0), days });

/** Per region, per tick: is some zone up? */
function upTicks(a: ReturnType<typeof generate>): Record<string, boolean[]> {
  return Object.fromEntries(
    Object.entries(a.zones).map(([region, zones]) => [
      region,
      a.ticks.map((t) => Object.values(zones).some((s) => valueAt(s, t) > 0)),
    ]),
  );
}

/** Lengths (ms) of the stretches where `down` holds. */
function outageLengths(down: boolean[], tickMs: number): number[] {
  const out: number[] = [];
  let run = 0;
  for (const d of [...down, false]) {
    if (d) run++;
    else if (run > 0) {
      out.push(run * tickMs);
      run = 0;
    }
  }
  return out;
}

describe('syntheticAvailability', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generate(7, 5)).toEqual(generate(7, 5));
    expect(generate(8, 5).zones).not.toEqual(generate(7, 5).zones);
  });

  it('samples every zone every 195 s by default, three zones per region (fewer where AWS has fewer)', () => {
    const a = syntheticAvailability({
      seed: 1,
      regions: ['us-west-1', 'eu-west-1'],
      start: new Date(T0),
      days: 1,
    });
    expect(a.ticks[1]! - a.ticks[0]!).toBe(195_000);
    expect(Object.keys(a.zones['us-west-1']!)).toEqual(['us-west-1a', 'us-west-1b']);
    expect(Object.keys(a.zones['eu-west-1']!)).toHaveLength(3);
  });

  it.each([1, 2, 3])(
    'keeps each region down 4-30 %% of the time, in outages of minutes to hours (seed %i)',
    (seed) => {
      const a = generate(seed);
      for (const [region, up] of Object.entries(upTicks(a))) {
        const down = up.filter((u) => !u).length / up.length;
        // The drawn share is the aim; the realised one over 45 days lands near it.
        expect(down, region).toBeGreaterThan(0.02);
        expect(down, region).toBeLessThan(0.36);
        const lengths = outageLengths(
          up.map((u) => !u),
          195_000,
        );
        expect(Math.min(...lengths), region).toBeLessThan(15 * 60_000);
        expect(Math.max(...lengths), region).toBeGreaterThan(2 * HOUR);
      }
    },
  );

  it('correlates outages across regions: they overlap more often than independent ones would', () => {
    let together = 0;
    let expected = 0;
    for (const seed of [1, 2, 3, 4]) {
      const ups = Object.values(upTicks(generate(seed)));
      const n = ups[0]!.length;
      for (let i = 0; i < ups.length; i++) {
        for (let j = i + 1; j < ups.length; j++) {
          const pi = ups[i]!.filter((u) => !u).length / n;
          const pj = ups[j]!.filter((u) => !u).length / n;
          together += ups[i]!.filter((u, k) => !u && !ups[j]![k]).length / n;
          expected += pi * pj;
        }
      }
    }
    expect(together).toBeGreaterThan(1.3 * expected);
  });

  it('refuses settings that cannot make a trace, naming them', () => {
    expect(() => syntheticAvailability({ seed: 1, regions: [], start: new Date(T0), days: 1 })).toThrow(
      /regions must name at least one region/,
    );
    expect(() => syntheticAvailability({ seed: 1, regions: REGIONS, start: new Date(T0), days: 0 })).toThrow(
      SimConfigError,
    );
    expect(() =>
      syntheticAvailability({
        seed: 1,
        regions: REGIONS,
        start: new Date(T0),
        days: 1,
        regionDown: [0.5, 0.2],
      }),
    ).toThrow(/regionDown must be a range/);
  });
});

describe('traceFromZones', () => {
  const a = generate(1, 2);
  const data = { zones: a.zones, firstMs: a.startMs, endMs: a.endMs };

  it('prices every type at the flat ratio of its own on-demand price and derives scores from the zones', () => {
    const trace = traceFromZones(data, {
      seed: 1,
      source: 'synthetic',
      instanceTypes: ['g6.xlarge', 'g5.xlarge'],
      flatSpotRatio: 1 / 3,
    });
    const east = trace.regions.find((r) => r.region === 'us-east-2')!;
    expect(valueAt(east.spotPrice['g6.xlarge']!, T0)).toBeCloseTo(0.8048 / 3, 5);
    expect(valueAt(east.spotPrice['g5.xlarge']!, T0)).toBeCloseTo(1.006 / 3, 5);
    for (const t of [T0, T0 + 7 * HOUR, T0 + 30 * HOUR]) {
      const up = east.zones!.filter((z) => valueAt(z.capacity, t) > 0).length;
      expect(valueAt(east.placementScore, t)).toBe(Math.round(1 + 3 * up));
      expect(valueAt(east.capacityAvailable, t)).toBe(up > 0);
    }
  });

  it('refuses --days past the end of the trace and a region it lacks', () => {
    const options = { seed: 1, source: 'availability' as const, instanceTypes: ['g6.xlarge'] };
    expect(() => traceFromZones(data, { ...options, days: 3 })).toThrow(
      /--days 3 goes past the end of the availability trace: it covers 2\.00 days/,
    );
    expect(traceFromZones(data, { ...options, days: 1 }).endMs).toBe(T0 + DAY);
    expect(() => traceFromZones(data, { ...options, regions: ['us-west-2'] })).toThrow(
      /no zone of region us-west-2; it has: eu-central-1, eu-west-1, us-east-2/,
    );
  });
});

describe('withFlatSpotRatio', () => {
  it('sets every Spot price to the ratio of on-demand, and refuses a ratio outside (0, 1]', () => {
    const trace = withFlatSpotRatio(handTrace(1, { 'eu-west-1': { price: 0.9 } }), 0.5);
    expect(valueAt(trace.regions[0]!.spotPrice['g6.xlarge']!, T0 + HOUR)).toBeCloseTo(
      0.8048 * 1.116 * 0.5,
      3,
    );
    expect(() => withFlatSpotRatio(trace, 1.2)).toThrow(/--flat-spot-ratio must be in \(0, 1\]/);
  });
});
