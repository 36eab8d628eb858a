import { capacityFromZones, type RegionTrace, type Series, type Trace } from '../../sim/trace.ts';

export const T0 = Date.parse('2026-11-01T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A hand-written trace: one instance type, prices and capacity as given, no interruptions unless listed. */
export function handTrace(
  days: number,
  regions: Record<
    string,
    { price: Series<number> | number; capacity?: Series<boolean>; score?: number; interruptions?: number[] }
  >,
  instanceType = 'g6.xlarge',
): Trace {
  const regionTraces: RegionTrace[] = Object.entries(regions).map(([region, r]) => ({
    region,
    spotPrice: { [instanceType]: typeof r.price === 'number' ? [{ at: T0, value: r.price }] : r.price },
    placementScore: [{ at: T0, value: r.score ?? 8 }],
    capacityAvailable: r.capacity ?? [{ at: T0, value: true }],
    interruptions: r.interruptions ?? [],
  }));
  return {
    source: 'synthetic',
    seed: 0,
    startMs: T0,
    endMs: T0 + days * DAY,
    instanceTypes: [instanceType],
    regions: regionTraces,
  };
}

/**
 * A hand-written trace with zones: per zone a capacity (a constant or a step function), every Spot price at
 * `price` (constant), placement score 8, no region-wide interruptions.
 */
export function zonedTrace(
  days: number,
  regions: Record<string, Record<string, Series<number> | number>>,
  price = 0.3,
  instanceType = 'g6.xlarge',
): Trace {
  const regionTraces: RegionTrace[] = Object.entries(regions).map(([region, zones]) => {
    const zoneTraces = Object.entries(zones).map(([zone, c]) => ({
      zone,
      capacity: typeof c === 'number' ? [{ at: T0, value: c }] : c,
    }));
    return {
      region,
      spotPrice: { [instanceType]: [{ at: T0, value: price }] },
      placementScore: [{ at: T0, value: 8 }],
      capacityAvailable: capacityFromZones(zoneTraces, T0),
      interruptions: [],
      zones: zoneTraces,
    };
  });
  return {
    source: 'availability',
    seed: 0,
    startMs: T0,
    endMs: T0 + days * DAY,
    instanceTypes: [instanceType],
    regions: regionTraces,
  };
}

/** A step function from [minutes after T0, value] pairs. */
export const steps = (...points: [number, number][]): Series<number> =>
  points.map(([minutes, value]) => ({ at: T0 + minutes * 60_000, value }));
