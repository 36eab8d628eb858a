/**
 * Hand-made traces for benchmarks and examples: a fixed market per region (score, price, capacity)
 * and interruptions at chosen moments, so one behaviour can be measured in isolation.
 */
import type { Trace } from './trace.ts';

export interface ScenarioRegion {
  placementScore: number;
  spotPrice: number;
  /** Milliseconds after the start at which an interruption warning is sent there. */
  interruptionsAfterMs?: number[];
}

export function scenarioTrace(options: {
  start: Date;
  durationMs: number;
  regions: Record<string, ScenarioRegion>;
  instanceTypes?: readonly string[];
  seed?: number;
}): Trace {
  const startMs = options.start.getTime();
  const instanceTypes = options.instanceTypes ?? ['g6.xlarge'];
  return {
    source: 'synthetic',
    seed: options.seed ?? 1,
    startMs,
    endMs: startMs + options.durationMs,
    instanceTypes: [...instanceTypes],
    regions: Object.entries(options.regions).map(([region, r]) => ({
      region,
      spotPrice: Object.fromEntries(instanceTypes.map((t) => [t, [{ at: startMs, value: r.spotPrice }]])),
      placementScore: [{ at: startMs, value: r.placementScore }],
      capacityAvailable: [{ at: startMs, value: true }],
      interruptions: (r.interruptionsAfterMs ?? []).map((ms) => startMs + ms),
    })),
  };
}
