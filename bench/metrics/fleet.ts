/**
 * Fleet benchmarks (issue 13) on seeded synthetic availability traces shaped like measured ones
 * (`sim/synthetic-availability.ts`: regions down 4-30 % of the time, outages of minutes to hours, correlated
 * across regions): 45 days, us-east-1 / us-east-2 / us-west-2 with three zones each (9 zones), 195 s ticks,
 * the layout and tick of the measured AWS trace SkyServe's evaluation replays.
 *
 * The published setting (SkyServe, EuroSys '25): 120 s launch, no interruption warning, every Spot price a
 * flat 1/3 of its on-demand price. Each figure is the mean over `SEEDS`.
 *
 * - avail_t{1,3}, cost_t{1,3}: spotplane itself, the real control plane (state machines and handlers on
 *   LocalCloud, `sim/driver.ts`), target 1 and 3 replicas, no spare, on-demand fallback on (as SpotHedge's), the
 *   fleet placement policy at both targets (`placementPolicy: "fleet"`; the default for more than one replica,
 *   asked for at target 1, where the default is one region at a time: docs/DESIGN.md "Fleet figures").
 * - placement_avail_t{1,3}, placement_cost_t{1,3}: spotplane's fleet placement policy (`core/placement`) on
 *   the fleet model, driven the way the planner drives it (`sim/policies/placement-model.ts`).
 * - spothedge_*, round_robin_*: the re-implemented published policies on the same model and traces.
 * - oracle_cost_t{1,3}: the clairvoyant optimum's cost (cheapest Spot while any has capacity, else on-demand).
 * - sim_45d_s: wall seconds of one whole `simulate` (spotplane on LocalCloud and every comparison policy) of
 *   one such trace, target 1 (target: under 60 s on this machine).
 */
import { performance } from 'node:perf_hooks';
import { runSpotplane } from '../../sim/driver.ts';
import { runFleetModel } from '../../sim/fleet-model.ts';
import { startLocalCloudPlane } from '../../sim/local-cloud-plane.ts';
import { placementModelPolicy } from '../../sim/policies/placement-model.ts';
import { roundRobinPolicy } from '../../sim/policies/round-robin.ts';
import { spotHedgePolicy } from '../../sim/policies/spothedge.ts';
import { accountRun, type RunReport } from '../../sim/report.ts';
import { runComparisons, type SimulateOptions } from '../../sim/simulate.ts';
import { syntheticAvailability } from '../../sim/synthetic-availability.ts';
import type { Trace } from '../../sim/trace.ts';
import { traceFromZones } from '../../sim/zone-trace.ts';
import type { Benchmark, Figure } from '../types.ts';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'] as const;
const START = new Date('2026-11-01T00:00:00Z');
const DAYS = 45;
const SEEDS = [1, 2, 3];
const LAUNCH_SECONDS = 120;
const FLAT_SPOT_RATIO = 1 / 3;
const PUBLISHED = { warningSeconds: 0, launchSeconds: LAUNCH_SECONDS, flatSpotRatio: FLAT_SPOT_RATIO };

function availabilityTrace(seed: number): Trace {
  const a = syntheticAvailability({ seed, regions: REGIONS, start: START, days: DAYS });
  return traceFromZones(
    { zones: a.zones, firstMs: a.startMs, endMs: a.endMs },
    { seed, source: 'availability', instanceTypes: ['g6.xlarge'], flatSpotRatio: FLAT_SPOT_RATIO },
  );
}

type Policy = 'spotplane' | 'placement' | 'spothedge' | 'round_robin';

async function runPolicy(policy: Policy, trace: Trace, target: number): Promise<RunReport> {
  const options: SimulateOptions = { seed: trace.seed, targetCapacity: target, ...PUBLISHED };
  const settings = { targetCapacity: target, warningMs: 0, launchMs: LAUNCH_SECONDS * 1000 };
  const fleet = { targetCapacity: target, spareCapacity: 0 };
  switch (policy) {
    case 'spotplane': {
      const plane = await startLocalCloudPlane(trace, {
        ...options,
        onDemandFallback: true,
        placementPolicy: 'fleet',
      });
      return accountRun(trace, await runSpotplane(trace, plane, { targetCapacity: target }));
    }
    case 'placement':
      return accountRun(
        trace,
        runFleetModel(
          trace,
          placementModelPolicy({
            fleet: {
              ...fleet,
              maxPerRegion: target,
              onDemandFallback: true,
              minPlacementScore: 1,
              rebalanceMinSavings: 0.1,
            },
            coldStartSeconds: LAUNCH_SECONDS,
          }),
          settings,
        ),
      );
    case 'spothedge':
      return accountRun(trace, runFleetModel(trace, spotHedgePolicy(fleet), settings));
    case 'round_robin':
      return accountRun(trace, runFleetModel(trace, roundRobinPolicy(fleet), settings));
  }
}

const PREFIX: Record<Policy, string> = {
  spotplane: '',
  placement: 'placement_',
  spothedge: 'spothedge_',
  round_robin: 'round_robin_',
};

async function policyFigures(): Promise<Figure[]> {
  const traces = SEEDS.map(availabilityTrace);
  const figures: Figure[] = [];
  for (const target of [1, 3]) {
    for (const policy of Object.keys(PREFIX) as Policy[]) {
      const reports: RunReport[] = [];
      for (const trace of traces) {
        try {
          reports.push(await runPolicy(policy, trace, target));
        } catch (error) {
          // A policy that cannot run reports why and yields no figure: never a made-up number.
          console.error(`bench fleet: ${policy} t${target} seed ${trace.seed}: ${(error as Error).message}`);
        }
      }
      if (reports.length < traces.length) continue;
      const mean = (f: (r: RunReport) => number) => reports.reduce((n, r) => n + f(r), 0) / reports.length;
      console.error(
        `bench fleet: ${policy} t${target}: availability ${mean((r) => r.availability).toFixed(5)}, ` +
          `cost ${mean((r) => r.costVsOnDemand).toFixed(3)}x on-demand, spot share ${mean((r) => r.spotShare).toFixed(3)}, ` +
          `${mean((r) => r.failoverCount).toFixed(1)} failovers, max gap ${Math.max(...reports.map((r) => r.maxGapS)).toFixed(0)} s`,
      );
      const p = PREFIX[policy];
      figures.push(
        { key: `${p}avail_t${target}`, value: mean((r) => r.availability), unit: 'fraction' },
        { key: `${p}cost_t${target}`, value: mean((r) => r.costVsOnDemand), unit: 'x on-demand' },
      );
      if (policy === 'spotplane' || policy === 'placement') {
        figures.push(
          { key: `${p}spot_share_t${target}`, value: mean((r) => r.spotShare), unit: 'fraction' },
          { key: `${p}failovers_t${target}`, value: mean((r) => r.failoverCount), unit: 'per 45 days' },
          { key: `${p}max_gap_s_t${target}`, value: Math.max(...reports.map((r) => r.maxGapS)), unit: 's' },
        );
      }
      if (policy === 'spothedge') {
        figures.push({
          key: `oracle_cost_t${target}`,
          value: mean((r) => r.oracleCostUsd / (r.onDemandReferenceUsdPerHour * r.days * 24)),
          unit: 'x on-demand',
        });
      }
    }
  }
  return figures;
}

async function speedFigures(): Promise<Figure[]> {
  const started = performance.now();
  const trace = availabilityTrace(1);
  const options: SimulateOptions = { seed: 1, targetCapacity: 1, ...PUBLISHED };
  runComparisons(trace, options);
  const plane = await startLocalCloudPlane(trace, options);
  await runSpotplane(trace, plane);
  return [
    {
      key: 'sim_45d_s',
      value: (performance.now() - started) / 1000,
      unit: 's (45 days, 3 regions, 9 zones, 195 s ticks)',
      target: '< 60',
    },
  ];
}

export const benchmark: Benchmark = {
  name: 'fleet',
  async measure() {
    const figures: Figure[] = [];
    for (const part of [speedFigures, policyFigures]) {
      try {
        figures.push(...(await part()));
      } catch (error) {
        console.error(`bench fleet: ${part.name} did not run: ${(error as Error).message}`);
      }
    }
    return figures;
  },
};
