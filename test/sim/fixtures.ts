import type { RegionTrace, Series, Trace } from '../../sim/trace.ts';

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
