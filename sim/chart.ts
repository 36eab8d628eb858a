/**
 * A self-contained HTML page (inline SVG, no scripts, no external assets): the verdict, every figure the
 * CLI prints, the Spot price of each region over the run, its droughts and interruption warnings, where
 * each policy's capacity ran and served, and a glossary.
 */
import { dateTime, niceTicks } from '../core/display.ts';
import type { SimulationRun } from './simulate.ts';
import { policyTable, rows } from './summary.ts';
import type { RunTimeline } from './timeline.ts';
import { spotPriceAt, type Trace } from './trace.ts';
import { GLOSSARY, verdict } from './verdict.ts';

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];
const WIDTH = 1100;
const LEFT = 70;
const RIGHT = 150;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PRICE_TOP = 40;
const PRICE_H = 320;
const ROW_H = 14;

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

function priceSteps(trace: Trace, region: string): { at: number; price: number }[] {
  const type = trace.instanceTypes[0]!;
  const r = trace.regions.find((x) => x.region === region)!;
  const series = r.spotPrice[type] ?? Object.values(r.spotPrice)[0]!;
  const times = [
    trace.startMs,
    ...series.map((p) => p.at).filter((t) => t > trace.startMs && t < trace.endMs),
  ];
  return times.map((at) => ({ at, price: spotPriceAt(trace, region, at, type) }));
}

function lane(
  run: RunTimeline,
  y: number,
  x: (t: number) => number,
  color: (region: string) => string,
  label: string,
): string {
  const parts = [`<text x="${LEFT - 6}" y="${y + 11}" text-anchor="end">${escapeXml(label)}</text>`];
  parts.push(
    `<rect x="${LEFT}" y="${y}" width="${PLOT_W}" height="${ROW_H}" fill="#f3d6d6"><title>no healthy server</title></rect>`,
  );
  for (const s of run.instances) {
    parts.push(
      `<rect x="${fmt(x(s.startMs))}" y="${y}" width="${fmt(Math.max(0.5, x(s.endMs) - x(s.startMs)))}" height="${ROW_H}" fill="${color(s.region)}" opacity="0.35"/>`,
    );
  }
  for (const h of run.healthy) {
    parts.push(
      `<rect x="${fmt(x(h.startMs))}" y="${y + 3}" width="${fmt(Math.max(0.5, x(h.endMs) - x(h.startMs)))}" height="${ROW_H - 6}" fill="${color(h.region)}"><title>${escapeXml(h.region)} serving ${new Date(h.startMs).toISOString()} - ${new Date(h.endMs).toISOString()}</title></rect>`,
    );
  }
  return parts.join('');
}

/** Renders a simulation as one HTML page. */
export function renderHtml(run: SimulationRun): string {
  const { trace, result } = run;
  const regions = trace.regions.map((r) => r.region);
  const color = (region: string) => PALETTE[Math.max(0, regions.indexOf(region)) % PALETTE.length]!;
  const span = trace.endMs - trace.startMs;
  const x = (t: number) =>
    LEFT + ((Math.min(Math.max(t, trace.startMs), trace.endMs) - trace.startMs) / span) * PLOT_W;
  const steps = new Map(regions.map((r) => [r, priceSteps(trace, r)]));
  const all = [...steps.values()].flat().map((p) => p.price);
  const maxPrice = Math.max(...all) * 1.05;
  const minPrice = Math.min(...all) * 0.95;
  const y = (p: number) => PRICE_TOP + PRICE_H - ((p - minPrice) / (maxPrice - minPrice || 1)) * PRICE_H;

  const svg: string[] = [];
  // Axes and grid: a line at each UTC midnight (every few days on a long run), prices at nice steps.
  const DAY = 86_400_000;
  const days = span / DAY;
  const dayStep = Math.max(1, Math.ceil(days / 15));
  const dayLabel = (t: number) =>
    new Date(t).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  for (let t = Math.ceil(trace.startMs / DAY) * DAY; t <= trace.endMs; t += dayStep * DAY) {
    const gx = fmt(x(t));
    svg.push(`<line x1="${gx}" y1="${PRICE_TOP}" x2="${gx}" y2="${PRICE_TOP + PRICE_H}" stroke="#eee"/>`);
    svg.push(`<text x="${gx}" y="${PRICE_TOP + PRICE_H + 14}" text-anchor="middle">${dayLabel(t)}</text>`);
  }
  const { ticks, decimals } = niceTicks(minPrice, maxPrice, 6);
  for (const p of ticks.filter((v) => v >= minPrice && v <= maxPrice)) {
    svg.push(`<line x1="${LEFT}" y1="${fmt(y(p))}" x2="${LEFT + PLOT_W}" y2="${fmt(y(p))}" stroke="#eee"/>`);
    svg.push(
      `<text x="${LEFT - 6}" y="${fmt(y(p) + 4)}" text-anchor="end">$${p.toFixed(Math.max(2, decimals))}</text>`,
    );
  }
  svg.push(
    `<text x="14" y="${PRICE_TOP + PRICE_H / 2}" transform="rotate(-90 14 ${PRICE_TOP + PRICE_H / 2})" text-anchor="middle">Spot price, ${escapeXml(trace.instanceTypes[0]!)}, USD per hour</text>`,
  );
  // Price lines (steps).
  regions.forEach((region, i) => {
    const pts = steps.get(region)!;
    let d = `M${fmt(x(pts[0]!.at))} ${fmt(y(pts[0]!.price))}`;
    for (const p of pts.slice(1)) d += `H${fmt(x(p.at))}V${fmt(y(p.price))}`;
    d += `H${fmt(x(trace.endMs))}`;
    svg.push(
      `<path d="${d}" fill="none" stroke="${color(region)}" stroke-width="1.3"><title>${escapeXml(region)}</title></path>`,
    );
    svg.push(
      `<rect x="${LEFT + PLOT_W + 12}" y="${PRICE_TOP + i * 18}" width="12" height="12" fill="${color(region)}"/>`,
    );
    svg.push(`<text x="${LEFT + PLOT_W + 30}" y="${PRICE_TOP + i * 18 + 10}">${escapeXml(region)}</text>`);
  });
  // Market rows: droughts shaded, interruption warnings as ticks.
  let rowY = PRICE_TOP + PRICE_H + 34;
  svg.push(
    `<text x="${LEFT}" y="${rowY - 6}" font-weight="bold">Capacity: droughts (grey) and interruption warnings (ticks)</text>`,
  );
  for (const r of trace.regions) {
    svg.push(`<text x="${LEFT - 6}" y="${rowY + 11}" text-anchor="end">${escapeXml(r.region)}</text>`);
    svg.push(
      `<rect x="${LEFT}" y="${rowY}" width="${PLOT_W}" height="${ROW_H}" fill="${color(r.region)}" opacity="0.12"/>`,
    );
    r.capacityAvailable.forEach((p, i) => {
      if (p.value) return;
      const end = r.capacityAvailable[i + 1]?.at ?? trace.endMs;
      svg.push(
        `<rect x="${fmt(x(p.at))}" y="${rowY}" width="${fmt(Math.max(1, x(end) - x(p.at)))}" height="${ROW_H}" fill="#888"><title>no capacity ${new Date(p.at).toISOString()} - ${new Date(end).toISOString()}</title></rect>`,
      );
    });
    for (const at of r.interruptions) {
      svg.push(
        `<line x1="${fmt(x(at))}" y1="${rowY}" x2="${fmt(x(at))}" y2="${rowY + ROW_H}" stroke="#000" stroke-width="1"/>`,
      );
    }
    rowY += ROW_H + 4;
  }
  rowY += 24;
  svg.push(
    `<text x="${LEFT}" y="${rowY - 6}" font-weight="bold">Where capacity ran (light: billed, dark: serving, pink: no healthy server)</text>`,
  );
  if (run.timelines.spotplane) {
    svg.push(lane(run.timelines.spotplane, rowY, x, color, 'spotplane'));
    rowY += ROW_H + 6;
  }
  svg.push(lane(run.timelines.baseline, rowY, x, color, 'baseline'));
  rowY += ROW_H + 20;

  // Every figure the CLI prints, both policies side by side.
  const cell = (v: string) => `<td>${escapeXml(v)}</td>`;
  const baseRows = rows(result.baseline);
  const spotRows = result.spotplane ? rows(result.spotplane) : null;
  const table = baseRows
    .map(
      ([key, b], i) =>
        `<tr><th>${escapeXml(key)}</th>${cell(spotRows?.[i]?.[1] ?? 'not run')}${cell(b)}</tr>`,
    )
    .join('');
  const policies = policyTable(result);
  const policyHtml = `<table><tr>${policies.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${policies.rows
    .map(
      ([name, ...cells]) =>
        `<tr><th>${escapeXml(name ?? '')}</th>${(cells.length ? cells : ['not run']).map(cell).join('')}</tr>`,
    )
    .join('')}</table>`;
  const cp = result.spotplane?.controlPlane;
  const bill = cp
    ? `<p>${escapeXml(
        `Control plane bill: $${cp.billPerMonthUsd.totalUsd.toFixed(2)} per month ` +
          `(${cp.transitionsPerDay.toFixed(1)} state transitions and ${cp.lambdaInvocationsPerDay.toFixed(1)} Lambda invocations per day).`,
      )}</p>`
    : '';
  const glossary = GLOSSARY.map(
    ([term, meaning]) => `<dt>${escapeXml(term)}</dt><dd>${escapeXml(meaning)}</dd>`,
  ).join('');
  const t = result.trace;
  const title = `spotplane simulation: ${t.source} trace, seed ${t.seed}, ${t.days.toFixed(1)} days`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font:13px system-ui,sans-serif;margin:20px;color:#222}svg text{font:11px system-ui,sans-serif}
table{border-collapse:collapse;margin-top:8px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left}
.verdict{font-size:16px;font-weight:600}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;max-width:1100px}dt{font-weight:600}dd{margin:0}</style>
</head><body>
<h1>${escapeXml(title)}</h1>
<p class="verdict">${escapeXml(verdict(result))}</p>
<p>${escapeXml(`${dateTime(t.start)} to ${dateTime(t.end)}; regions ${t.regions.join(', ')}; ${t.interruptions} interruption warnings, ${t.droughts} droughts`)}</p>
${result.spotplaneError ? `<p><strong>spotplane was not run:</strong> ${escapeXml(result.spotplaneError)}</p>` : ''}
<table><tr><th></th><th>spotplane</th><th>baseline (break-before-make, 600 s retry)</th></tr>${table}</table>
<p>${escapeXml(`Target ${result.target_capacity} ready; every policy on the same trace and accounting:`)}</p>
${policyHtml}
${bill}
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${rowY}" viewBox="0 0 ${WIDTH} ${rowY}" role="img" aria-label="Spot price per region and where capacity ran">
${svg.join('\n')}
</svg>
<h2>Glossary</h2>
<dl>${glossary}</dl>
</body></html>
`;
}
