/**
 * One simulation: build the trace, run spotplane (the real control plane on LocalCloud) and the
 * baseline over it, and account for both. The same options and seed give the same result.
 */
import { ConfigError, parseConfig } from '../core/config.ts';
import { readAvailabilityTrace } from './availability-trace.ts';
import { runBaseline } from './baseline.ts';
import { traceFromPriceHistory } from './csv-trace.ts';
import { runSpotplane } from './driver.ts';
import { SimConfigError } from './errors.ts';
import { type ModelSettings, runFleetModel } from './fleet-model.ts';
import { roundRobinPolicy } from './policies/round-robin.ts';
import { spotHedgePolicy } from './policies/spothedge.ts';
import { readPriceHistory } from './price-history.ts';
import { accountRun, type RunReport } from './report.ts';
import type { SimulatedControlPlane } from './simulated-plane.ts';
import { syntheticTrace } from './synthetic.ts';
import type { RunTimeline } from './timeline.ts';
import type { Trace } from './trace.ts';
import { traceFromZones, withFlatSpotRatio } from './zone-trace.ts';

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
  spareCapacity?: number;
  maxPerRegion?: number;
  /** The configuration's `placementPolicy` (default: `"fleet"` for more than one replica, else `"one-region"`). */
  placementPolicy?: 'one-region' | 'fleet';
  minPlacementScore?: number;
  /** The configuration's `onDemandFallback`: on-demand for the shortfall while Spot cannot supply it. */
  onDemandFallback?: boolean;
  /** Text of a measured availability trace (`timestamp,region,zone,available_instances`). */
  availabilityTrace?: string;
  /** Interruption warning to termination, seconds (default 120; 0 = no warning). */
  warningSeconds?: number;
  /** Fixed instance boot + container healthy time, seconds (default: the market model's ranges). */
  launchSeconds?: number;
  /** Every Spot price = this ratio x that type's on-demand price, constant. */
  flatSpotRatio?: number;
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

/** The contract's figures of one policy's run. */
export interface PolicyFigures {
  availability: number;
  cost_vs_on_demand: number;
  target_capacity: number;
  spot_share: number;
  failovers: number;
  max_gap_s: number;
}

export interface SimulationResult {
  /** spotplane's figures (null when the control plane could not be run). */
  availability: number | null;
  cost_vs_on_demand: number | null;
  target_capacity: number;
  spot_share: number | null;
  failovers: number | null;
  max_gap_s: number | null;
  /** The same figures for every policy of the run, side by side. */
  policies: {
    spotplane: PolicyFigures | null;
    baseline: PolicyFigures;
    round_robin: PolicyFigures;
    spothedge: PolicyFigures;
  };
  trace: TraceSummary;
  /** null with `spotplaneError` when the control plane could not be run. */
  spotplane: RunReport | null;
  spotplaneError: string | null;
  baseline: RunReport;
  /** Round robin over zones (SkyServe's baseline), on the fleet model. */
  roundRobin: RunReport;
  /** SpotHedge (SkyServe, EuroSys '25) re-implemented, on the fleet model. */
  spotHedge: RunReport;
}

export interface Comparisons {
  baseline: RunTimeline;
  roundRobin: RunTimeline;
  spotHedge: RunTimeline;
}

export interface SimulationRun {
  result: SimulationResult;
  trace: Trace;
  timelines: { spotplane: RunTimeline | null } & Comparisons;
}

export function buildTrace(options: SimulateOptions): Trace {
  const scales = { interruptionScale: options.interruptionScale, droughtScale: options.droughtScale };
  const prices = options.priceHistory === undefined ? undefined : readPriceHistory(options.priceHistory);
  if (options.availabilityTrace !== undefined) {
    const measured = readAvailabilityTrace(options.availabilityTrace);
    return traceFromZones(
      { zones: measured.zones, firstMs: measured.firstMs, endMs: measured.lastMs + measured.tickMs },
      {
        seed: options.seed,
        source: 'availability',
        regions: options.regions,
        instanceTypes: options.instanceTypes ?? DEFAULT_SIM_INSTANCE_TYPES,
        days: options.days,
        flatSpotRatio: options.flatSpotRatio,
        priceHistory: prices,
      },
    );
  }
  let trace: Trace;
  if (prices !== undefined) {
    trace = traceFromPriceHistory(prices, {
      seed: options.seed,
      regions: options.regions,
      instanceTypes: options.instanceTypes,
      days: options.days,
      ...scales,
    });
  } else {
    trace = syntheticTrace({
      seed: options.seed,
      regions: options.regions ?? DEFAULT_SIM_REGIONS,
      instanceTypes: options.instanceTypes ?? DEFAULT_SIM_INSTANCE_TYPES,
      start: options.start ?? DEFAULT_SIM_START,
      days: options.days ?? 30,
      ...scales,
    });
  }
  return options.flatSpotRatio === undefined ? trace : withFlatSpotRatio(trace, options.flatSpotRatio);
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

export interface SimulateHooks {
  /** Called about every tenth of the simulated time with the days done and the days in all. */
  onProgress?: (doneDays: number, totalDays: number) => void;
}

const DAY = 86_400_000;

/** The simulator's flag for each configuration field a fleet that does not fit may be blamed on. */
const FLEET_FLAGS = new Map<string, string>([
  ['workerRegions', '--regions'],
  ['targetCapacity', '--target-capacity'],
  ['spareCapacity', '--spare-capacity'],
  ['maxPerRegion', '--max-per-region'],
  ['placementPolicy', '--placement-policy'],
]);

/**
 * Fails fast when the fleet cannot fit the trace's regions, naming the flags.
 * @throws {SimConfigError}
 */
function checkFleet(options: SimulateOptions, trace: Trace): void {
  try {
    parseConfig({
      workerRegions: trace.regions.map((r) => r.region),
      targetCapacity: options.targetCapacity ?? 1,
      spareCapacity: options.spareCapacity ?? 0,
      ...(options.maxPerRegion === undefined ? {} : { maxPerRegion: options.maxPerRegion }),
      ...(options.placementPolicy === undefined ? {} : { placementPolicy: options.placementPolicy }),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const named = error.issues.map((issue) => issue.replace(/^\w+/, (f) => FLEET_FLAGS.get(f) ?? f));
    throw new SimConfigError(`the fleet does not fit: ${named.join('; ')}`, { cause: error });
  }
}

/**
 * Settings of the comparison policies that come from the simulation's options (the same for every policy).
 */
export function modelSettings(options: SimulateOptions): ModelSettings {
  return {
    targetCapacity: options.targetCapacity ?? 1,
    warningMs: (options.warningSeconds ?? 120) * 1000,
    launchMs: options.launchSeconds === undefined ? undefined : options.launchSeconds * 1000,
  };
}

/** The comparison policies, each on the fleet model over the same trace. */
export function runComparisons(trace: Trace, options: SimulateOptions): Comparisons {
  const settings = modelSettings(options);
  const fleet = { targetCapacity: settings.targetCapacity, spareCapacity: options.spareCapacity ?? 0 };
  return {
    baseline: runBaseline(trace, {
      targetCapacity: settings.targetCapacity,
      minPlacementScore: options.minPlacementScore,
      warningMs: settings.warningMs,
      readyAfterMs: settings.launchMs,
    }),
    roundRobin: runFleetModel(trace, roundRobinPolicy(fleet), settings),
    spotHedge: runFleetModel(trace, spotHedgePolicy(fleet), settings),
  };
}

/** The simulator's contract figures of one run (docs/CONTRACTS.md, "Simulator"). */
export function contractFigures(report: RunReport): PolicyFigures {
  return {
    availability: report.availability,
    cost_vs_on_demand: report.costVsOnDemand,
    target_capacity: report.targetCapacity,
    spot_share: report.spotShare,
    failovers: report.failoverCount,
    max_gap_s: report.maxGapS,
  };
}

/**
 * Runs spotplane (the real control plane on LocalCloud) and the comparison policies over one trace. A control
 * plane that cannot start is reported, never replaced by a model of it.
 */
export async function simulate(
  options: SimulateOptions,
  createControlPlane: ControlPlaneFactory,
  hooks: SimulateHooks = {},
): Promise<SimulationRun> {
  const trace = buildTrace(options);
  checkFleet(options, trace);
  const targetCapacity = options.targetCapacity ?? 1;
  const comparisons = runComparisons(trace, options);
  let spotplaneTimeline: RunTimeline | null = null;
  let spotplaneError: string | null = null;
  try {
    const plane = await createControlPlane(trace, options);
    const totalDays = (trace.endMs - trace.startMs) / DAY;
    let reported = 0;
    spotplaneTimeline = await runSpotplane(trace, plane, {
      targetCapacity,
      onProgress: (now) => {
        // About every tenth of the run: long traces take a while.
        const done = (now - trace.startMs) / DAY;
        if (hooks.onProgress && done >= reported + totalDays / 10) {
          reported = done;
          hooks.onProgress(done, totalDays);
        }
      },
    });
  } catch (error) {
    spotplaneError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const spotplane = spotplaneTimeline ? accountRun(trace, spotplaneTimeline) : null;
  const baseline = accountRun(trace, comparisons.baseline);
  const roundRobin = accountRun(trace, comparisons.roundRobin);
  const spotHedge = accountRun(trace, comparisons.spotHedge);
  const own = spotplane ? contractFigures(spotplane) : null;
  return {
    trace,
    timelines: { spotplane: spotplaneTimeline, ...comparisons },
    result: {
      availability: own?.availability ?? null,
      cost_vs_on_demand: own?.cost_vs_on_demand ?? null,
      target_capacity: targetCapacity,
      spot_share: own?.spot_share ?? null,
      failovers: own?.failovers ?? null,
      max_gap_s: own?.max_gap_s ?? null,
      policies: {
        spotplane: own,
        baseline: contractFigures(baseline),
        round_robin: contractFigures(roundRobin),
        spothedge: contractFigures(spotHedge),
      },
      trace: summarizeTrace(trace),
      spotplane,
      spotplaneError,
      baseline,
      roundRobin,
      spotHedge,
    },
  };
}
