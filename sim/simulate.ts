/**
 * One simulation: build the trace, run spotplane (the real control plane on LocalCloud) and the
 * baseline over it, and account for both. The same options and seed give the same result.
 */
import { runBaseline } from './baseline.ts';
import { traceFromPriceHistory } from './csv-trace.ts';
import { runSpotplane } from './driver.ts';
import { readPriceHistory } from './price-history.ts';
import { accountRun, type RunReport } from './report.ts';
import type { SimulatedControlPlane } from './simulated-plane.ts';
import { syntheticTrace } from './synthetic.ts';
import type { RunTimeline } from './timeline.ts';
import type { Trace } from './trace.ts';

export interface SimulateOptions {
  seed: number;
  /** Default: 30 for a synthetic trace; the export's span for a price history. */
  days?: number;
  /** Default: the eight-region set below for a synthetic trace; the export's regions for a price history. */
  regions?: readonly string[];
  instanceTypes?: readonly string[];
  /** Text of a price-history export (`aws ec2 describe-spot-price-history` text or CSV). */
  priceHistory?: string;
  start?: Date;
  interruptionScale?: number;
  droughtScale?: number;
  targetCapacity?: number;
  minPlacementScore?: number;
}

export const DEFAULT_SIM_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'eu-north-1',
] as const;
export const DEFAULT_SIM_INSTANCE_TYPES = ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'] as const;
export const DEFAULT_SIM_START = new Date('2026-11-01T00:00:00Z');

/** Starts spotplane on LocalCloud for this trace, its virtual clock at the trace's start. */
export type ControlPlaneFactory = (trace: Trace, options: SimulateOptions) => Promise<SimulatedControlPlane>;

export interface TraceSummary {
  source: Trace['source'];
  seed: number;
  start: string;
  end: string;
  days: number;
  regions: string[];
  instanceTypes: string[];
  interruptions: number;
  droughts: number;
}

export interface SimulationResult {
  trace: TraceSummary;
  /** null with `spotplaneError` when the control plane could not be run. */
  spotplane: RunReport | null;
  spotplaneError: string | null;
  baseline: RunReport;
}

export interface SimulationRun {
  result: SimulationResult;
  trace: Trace;
  timelines: { spotplane: RunTimeline | null; baseline: RunTimeline };
}

export function buildTrace(options: SimulateOptions): Trace {
  const scales = { interruptionScale: options.interruptionScale, droughtScale: options.droughtScale };
  if (options.priceHistory !== undefined) {
    return traceFromPriceHistory(readPriceHistory(options.priceHistory), {
      seed: options.seed,
      regions: options.regions,
      instanceTypes: options.instanceTypes,
      days: options.days,
      ...scales,
    });
  }
  return syntheticTrace({
    seed: options.seed,
    regions: options.regions ?? DEFAULT_SIM_REGIONS,
    instanceTypes: options.instanceTypes ?? DEFAULT_SIM_INSTANCE_TYPES,
    start: options.start ?? DEFAULT_SIM_START,
    days: options.days ?? 30,
    ...scales,
  });
}

export function summarizeTrace(trace: Trace): TraceSummary {
  return {
    source: trace.source,
    seed: trace.seed,
    start: new Date(trace.startMs).toISOString(),
    end: new Date(trace.endMs).toISOString(),
    days: (trace.endMs - trace.startMs) / 86_400_000,
    regions: trace.regions.map((r) => r.region),
    instanceTypes: [...trace.instanceTypes],
    interruptions: trace.regions.reduce((n, r) => n + r.interruptions.length, 0),
    droughts: trace.regions.reduce((n, r) => n + r.capacityAvailable.filter((p) => !p.value).length, 0),
  };
}

/**
 * Runs both policies over one trace. A control plane that cannot start is reported, never replaced
 * by a model of it.
 */
export async function simulate(
  options: SimulateOptions,
  createControlPlane: ControlPlaneFactory,
): Promise<SimulationRun> {
  const trace = buildTrace(options);
  const targetCapacity = options.targetCapacity ?? 1;
  const baselineTimeline = runBaseline(trace, {
    targetCapacity,
    minPlacementScore: options.minPlacementScore,
  });
  let spotplaneTimeline: RunTimeline | null = null;
  let spotplaneError: string | null = null;
  try {
    const plane = await createControlPlane(trace, options);
    spotplaneTimeline = await runSpotplane(trace, plane, { targetCapacity });
  } catch (error) {
    spotplaneError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return {
    trace,
    timelines: { spotplane: spotplaneTimeline, baseline: baselineTimeline },
    result: {
      trace: summarizeTrace(trace),
      spotplane: spotplaneTimeline ? accountRun(trace, spotplaneTimeline) : null,
      spotplaneError,
      baseline: accountRun(trace, baselineTimeline),
    },
  };
}
