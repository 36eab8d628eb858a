/**
 * Simulation benchmarks: spotplane itself (state machines + handlers on LocalCloud, virtual clock)
 * driven by market traces, beside the break-before-make baseline.
 *
 * - failover_reaction_s (bench loop measures reaction_s), failover_gap_s: one interruption of the serving region, three regions, boot + ready
 *   fixed at 90 s (60 s boot, 20 s container start, 10 s to healthy).
 * - availability, cost_vs_on_demand, cost_vs_oracle, baseline_*: 30 days, 8 regions, synthetic
 *   trace with the default rates, seed 1.
 * - sim_speedup: simulated seconds per wall-clock second of that 30-day spotplane run.
 * - sfn_transitions_per_day: state transitions per simulated day between day 1 and day 3 of a calm
 *   trace (no interruptions, no droughts): the steady-state cost of the control plane.
 */
import { performance } from 'node:perf_hooks';
import { runBaseline } from '../../sim/baseline.ts';
import { runSpotplane } from '../../sim/driver.ts';
import { startLocalCloudPlane } from '../../sim/local-cloud-plane.ts';
import { accountRun } from '../../sim/report.ts';
import { scenarioTrace } from '../../sim/scenario.ts';
import { buildTrace, DEFAULT_SIM_START } from '../../sim/simulate.ts';
import type { Benchmark, Figure } from '../types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function failoverFigures(): Promise<Figure[]> {
  const trace = scenarioTrace({
    start: DEFAULT_SIM_START,
    durationMs: 3 * HOUR,
    regions: {
      'us-east-1': { placementScore: 9, spotPrice: 0.3, interruptionsAfterMs: [HOUR] },
      'us-west-2': { placementScore: 8, spotPrice: 0.31 },
      'eu-west-1': { placementScore: 7, spotPrice: 0.33 },
    },
  });
  const plane = await startLocalCloudPlane(
    trace,
    {},
    {
      launchTiming: { bootMs: 60_000, containerStartMs: 20_000, healthyAfterMs: 10_000 },
    },
  );
  const report = accountRun(trace, await runSpotplane(trace, plane));
  const failover = report.failovers[0];
  if (!failover)
    throw new Error('the interruption did not hit a running instance: the run never got capacity');
  return [
    { key: 'failover_reaction_s', value: failover.reactionS ?? Number.NaN, unit: 's', target: '<= 2' },
    { key: 'failover_gap_s', value: failover.gapS, unit: 's', target: '0' },
  ];
}

const monthTrace = () => buildTrace({ seed: 1, days: 30 });

async function baselineFigures(): Promise<Figure[]> {
  const trace = monthTrace();
  const baseline = accountRun(trace, runBaseline(trace));
  return [
    { key: 'baseline_availability', value: baseline.availability, unit: 'fraction' },
    { key: 'baseline_cost_vs_on_demand', value: baseline.costVsOnDemand, unit: 'ratio' },
  ];
}

async function monthFigures(): Promise<Figure[]> {
  const trace = monthTrace();
  const started = performance.now();
  const plane = await startLocalCloudPlane(trace, {});
  const run = accountRun(trace, await runSpotplane(trace, plane));
  const wallSeconds = (performance.now() - started) / 1000;
  console.error(
    `bench sim: 30 days, ${run.failoverCount} failovers, mean gap ${run.meanGapS.toFixed(1)} s, ` +
      `max gap ${run.maxGapS.toFixed(1)} s, ${wallSeconds.toFixed(1)} s wall`,
  );
  return [
    { key: 'availability', value: run.availability, unit: 'fraction', target: '>= 0.999' },
    { key: 'cost_vs_on_demand', value: run.costVsOnDemand, unit: 'ratio', target: '<= 0.35' },
    { key: 'cost_vs_oracle', value: run.costVsOracle, unit: 'ratio', target: '<= 1.10' },
    { key: 'sim_speedup', value: (30 * 86_400) / wallSeconds, unit: 'sim s / wall s', target: '>= 100000' },
  ];
}

async function steadyFigures(): Promise<Figure[]> {
  const trace = buildTrace({ seed: 1, days: 3, interruptionScale: 0, droughtScale: 0 });
  const plane = await startLocalCloudPlane(trace, {});
  let atDayOne: number | null = null;
  const timeline = await runSpotplane(trace, plane, {
    onProgress: (now) => {
      if (atDayOne === null && now >= trace.startMs + DAY) atDayOne = plane.usage().stateTransitions;
    },
  });
  const total = timeline.usage?.stateTransitions ?? 0;
  return [
    {
      key: 'sfn_transitions_per_day',
      value: (total - (atDayOne ?? 0)) / 2,
      unit: 'transitions/day',
    },
  ];
}

export const benchmark: Benchmark = {
  name: 'sim',
  async measure() {
    const figures: Figure[] = [];
    for (const part of [failoverFigures, monthFigures, baselineFigures, steadyFigures]) {
      try {
        figures.push(...(await part()));
      } catch (error) {
        // A part that cannot run reports why and yields no figure: never a made-up number.
        console.error(`bench sim: ${part.name} did not run: ${(error as Error).message}`);
      }
    }
    return figures;
  },
};
