/**
 * The human-readable form of a simulation result: the verdict first, both policies side by side, every
 * figure with its unit, and a glossary last.
 */
import { dateTime } from '../core/display.ts';
import type { RunReport } from './report.ts';
import type { SimulationResult } from './simulate.ts';
import { GLOSSARY, verdict } from './verdict.ts';

const pct = (x: number) => `${(x * 100).toFixed(3)} %`;
const usd = (x: number) => `$${x.toFixed(2)}`;
const ratio = (x: number) => x.toFixed(3);

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

/** Every figure of one policy's run, labelled, as the CLI prints it (the HTML report shows the same). */
export function rows(r: RunReport): [string, string][] {
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

/** Every policy's headline figures side by side (a policy not run has its name only). */
export function policyTable(result: SimulationResult): {
  header: string[];
  rows: [name: string, ...cells: string[]][];
} {
  const policies: [string, RunReport | null][] = [
    ['spotplane', result.spotplane],
    ['baseline (break-before-make)', result.baseline],
    ['round robin over zones', result.roundRobin],
    ['SpotHedge (SkyServe)', result.spotHedge],
  ];
  return {
    header: ['policy', 'availability', 'cost/on-demand', 'spot share', 'failovers', 'max gap'],
    rows: policies.map(([name, r]) =>
      r
        ? [
            name,
            pct(r.availability),
            ratio(r.costVsOnDemand),
            pct(r.spotShare),
            String(r.failoverCount),
            duration(r.maxGapS),
          ]
        : [name],
    ),
  };
}

/** Formats a result as a table with units; `wallSeconds` (not part of the result) adds the run's speed. */
export function formatSummary(result: SimulationResult, wallSeconds?: number): string {
  const t = result.trace;
  const lines = [
    verdict(result),
    '',
    `spotplane simulation: ${t.source} trace, seed ${t.seed}, ${t.days.toFixed(1)} days (${dateTime(t.start)} to ${dateTime(t.end)})`,
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
  const table = policyTable(result);
  const nameWidth = Math.max(...table.rows.map(([name]) => name.length)) + 2;
  lines.push(
    '',
    `target ${result.target_capacity} ready; every policy on the same trace and accounting:`,
    `${table.header[0]!.padEnd(nameWidth)}${table.header[1]!.padEnd(14)}${table.header[2]!.padEnd(16)}${table.header[3]!.padEnd(12)}${table.header[4]!.padEnd(11)}${table.header[5]}`,
  );
  for (const [name, ...cells] of table.rows) {
    lines.push(
      cells.length
        ? `${name.padEnd(nameWidth)}${cells[0]!.padEnd(14)}${cells[1]!.padEnd(16)}${cells[2]!.padEnd(12)}${cells[3]!.padEnd(11)}${cells[4]}`
        : `${name.padEnd(nameWidth)}not run`,
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
        `Lambda ${usd(b.lambdaUsd)}, EventBridge ${usd(b.eventBridgeUsd)}, DynamoDB ${usd(b.dynamodbUsd)}, ` +
        `logs ${usd(b.logsUsd)}, API ${usd(b.apiUsd)}, ` +
        `Global Accelerator ${usd(b.endpointUsd)} fixed fee)`,
    );
  }
  if (result.spotplane && wallSeconds !== undefined && wallSeconds > 0) {
    lines.push(
      '',
      `simulated ${t.days.toFixed(1)} days in ${wallSeconds.toFixed(1)} s wall time (${Math.round((t.days * 86_400) / wallSeconds)}x)`,
    );
  }
  const termWidth = Math.max(...GLOSSARY.map(([term]) => term.length)) + 2;
  lines.push('', 'glossary:', ...GLOSSARY.map(([term, meaning]) => `  ${term.padEnd(termWidth)}${meaning}`));
  return lines.join('\n');
}
