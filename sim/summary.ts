/** The human-readable form of a simulation result: both policies side by side, every figure with its unit. */
import type { RunReport } from './report.ts';
import type { SimulationResult } from './simulate.ts';

const pct = (x: number) => `${(x * 100).toFixed(3)} %`;
const usd = (x: number) => `$${x.toFixed(2)}`;
const ratio = (x: number) => x.toFixed(3);

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

function rows(r: RunReport): [string, string][] {
  const regions = Object.entries(r.hoursByRegion)
    .sort((a, b) => b[1] - a[1])
    .map(([region, h]) => `${region} ${h.toFixed(1)} h`)
    .join(', ');
  return [
    ['availability', pct(r.availability)],
    ['downtime (after first healthy)', duration(r.downtimeS)],
    ['cost of the run', usd(r.costUsd)],
    ['same instance-hours on-demand', usd(r.onDemandCostUsd)],
    ['cost / on-demand', ratio(r.costVsOnDemand)],
    ['oracle cost', usd(r.oracleCostUsd)],
    ['cost / oracle', ratio(r.costVsOracle)],
    ['serving time in the cheapest region', pct(r.timeInCheapestRegion)],
    ['failovers', String(r.failoverCount)],
    ['serving gap per failover, mean', duration(r.meanGapS)],
    ['serving gap per failover, max', duration(r.maxGapS)],
    ['reaction (loss -> launch request), mean', r.meanReactionS === null ? 'n/a' : duration(r.meanReactionS)],
    [
      'instance-hours spot / on-demand',
      `${r.instanceHours.spot.toFixed(1)} h / ${r.instanceHours.onDemand.toFixed(1)} h`,
    ],
    ['hours by region', regions || 'none'],
  ];
}

/** Formats a result as a table with units; `wallSeconds` (not part of the result) adds the run's speed. */
export function formatSummary(result: SimulationResult, wallSeconds?: number): string {
  const t = result.trace;
  const lines = [
    `spotplane simulation: ${t.source} trace, seed ${t.seed}, ${t.days.toFixed(1)} days (${t.start} to ${t.end})`,
    `regions: ${t.regions.join(', ')}; instance types: ${t.instanceTypes.join(', ')}`,
    `market: ${t.interruptions} interruption warnings, ${t.droughts} capacity droughts`,
    '',
  ];
  const base = rows(result.baseline);
  const spot = result.spotplane
    ? rows(result.spotplane)
    : base.map(([k]) => [k, 'not run'] as [string, string]);
  const width = Math.max(...base.map(([k]) => k.length)) + 2;
  lines.push(`${''.padEnd(width)}${'spotplane'.padEnd(22)}baseline (break-before-make, 600 s retry)`);
  base.forEach(([key, b], i) => {
    const s = spot[i]![1];
    if (key === 'hours by region') {
      lines.push(`${'hours by region, spotplane'.padEnd(width)}${s}`);
      lines.push(`${'hours by region, baseline'.padEnd(width)}${b}`);
    } else {
      lines.push(`${key.padEnd(width)}${s.padEnd(22)}${b}`);
    }
  });
  lines.push(
    '',
    `target ${result.target_capacity} ready; every policy on the same trace and accounting:`,
    `${'policy'.padEnd(26)}${'availability'.padEnd(14)}${'cost/on-demand'.padEnd(16)}${'spot share'.padEnd(12)}${'failovers'.padEnd(11)}max gap`,
  );
  const policyRows: [string, RunReport | null][] = [
    ['spotplane', result.spotplane],
    ['baseline (break-before-make)', result.baseline],
    ['round robin over zones', result.roundRobin],
    ['SpotHedge (SkyServe)', result.spotHedge],
  ];
  for (const [name, r] of policyRows) {
    lines.push(
      r
        ? `${name.padEnd(26)}${pct(r.availability).padEnd(14)}${ratio(r.costVsOnDemand).padEnd(16)}${pct(r.spotShare).padEnd(12)}${String(r.failoverCount).padEnd(11)}${duration(r.maxGapS)}`
        : `${name.padEnd(26)}not run`,
    );
  }
  if (result.spotplaneError) lines.push('', `spotplane was not run: ${result.spotplaneError}`);
  const cp = result.spotplane?.controlPlane;
  if (cp) {
    const b = cp.billPerMonthUsd;
    lines.push(
      '',
      `control plane: ${cp.usage.stateTransitions} state transitions (${cp.transitionsPerDay.toFixed(1)} per day), ` +
        `${cp.usage.lambdaInvocations} Lambda invocations (${cp.lambdaInvocationsPerDay.toFixed(1)} per day), ` +
        `${cp.usage.customEvents} custom events`,
      `control plane AWS bill: ${usd(b.totalUsd)} per month (Step Functions ${usd(b.stepFunctionsUsd)}, ` +
        `Lambda ${usd(b.lambdaUsd)}, EventBridge ${usd(b.eventBridgeUsd)}, SSM ${usd(b.ssmUsd)}, API ${usd(b.apiUsd)}, ` +
        `Global Accelerator ${usd(b.endpointUsd)} fixed fee)`,
    );
  }
  if (result.spotplane && wallSeconds !== undefined && wallSeconds > 0) {
    lines.push(
      '',
      `simulated ${t.days.toFixed(1)} days in ${wallSeconds.toFixed(1)} s wall time (${Math.round((t.days * 86_400) / wallSeconds)}x)`,
    );
  }
  return lines.join('\n');
}
