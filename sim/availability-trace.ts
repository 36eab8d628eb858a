/**
 * Reads a measured Spot availability trace: CSV with the header `timestamp,region,zone,available_instances`
 * (ISO-8601 UTC timestamps, one row per zone per tick). A zone's value holds until its next row; before its
 * first row a zone counts as unavailable (nothing was measured there yet). `available_instances` is how many
 * Spot instances the zone could hold at that moment: 0 means no Spot launch succeeds there and Spot instances
 * running there are reclaimed.
 *
 * Parsing is strict, and every error names its 1-based line: a wrong header, a bad timestamp, a region
 * spotplane does not know, a zone that is not in its region (or more zones than AWS has there), a count that
 * is not a whole number >= 0, or the same zone twice at one timestamp.
 */
import { isAwsRegion } from '../core/regions.ts';
import { regionOfZone, zoneCount } from '../core/zones.ts';
import { TraceParseError } from './errors.ts';
import type { Series } from './trace.ts';

export interface AvailabilityTrace {
  /** Per region, per zone: Spot instances the zone could hold, as a step function (sorted by time). */
  zones: Record<string, Record<string, Series<number>>>;
  rows: number;
  firstMs: number;
  lastMs: number;
  /** The shortest gap between two consecutive timestamps (the trace's tick), ms; 0 for a single timestamp. */
  tickMs: number;
}

const HEADER = ['timestamp', 'region', 'zone', 'available_instances'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00)$/;
const COUNT = /^\d+$/;

/**
 * Parses the text of an availability trace.
 *
 * @example
 * const trace = readAvailabilityTrace('timestamp,region,zone,available_instances\n2026-11-01T00:00:00Z,us-east-1,us-east-1a,2\n');
 * @throws {TraceParseError} with the 1-based line of the first problem.
 */
export function readAvailabilityTrace(text: string): AvailabilityTrace {
  const lines = text.split(/\r?\n/);
  const zones: Record<string, Record<string, { at: number; value: number }[]>> = {};
  const seen = new Set<string>();
  const times = new Set<number>();
  let header = false;
  let rows = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const fields = raw.split(',').map((f) => f.trim());
    if (!header) {
      const names = fields.map((f) => f.toLowerCase());
      if (names.join(',') !== HEADER.join(',')) {
        throw new TraceParseError(
          `expected the header ${HEADER.join(',')} (got ${JSON.stringify(raw.trim())})`,
          line,
        );
      }
      header = true;
      return;
    }
    if (fields.length !== HEADER.length) {
      throw new TraceParseError(
        `expected ${HEADER.length} comma-separated fields, got ${fields.length}`,
        line,
      );
    }
    const [timestamp, region, zone, available] = fields as [string, string, string, string];
    if (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
      throw new TraceParseError(
        `timestamp ${JSON.stringify(timestamp)} is not an ISO-8601 UTC time such as 2026-11-01T00:00:00Z`,
        line,
      );
    }
    if (!isAwsRegion(region)) throw new TraceParseError(`unknown region ${JSON.stringify(region)}`, line);
    if (regionOfZone(zone) !== region) {
      throw new TraceParseError(
        `zone ${JSON.stringify(zone)} is not an Availability Zone of ${region}`,
        line,
      );
    }
    if (!COUNT.test(available)) {
      throw new TraceParseError(
        `available_instances ${JSON.stringify(available)} is not a whole number >= 0`,
        line,
      );
    }
    const at = Date.parse(timestamp);
    const key = `${zone}@${at}`;
    if (seen.has(key)) throw new TraceParseError(`zone ${zone} has a second row for ${timestamp}`, line);
    seen.add(key);
    zones[region] ??= {};
    if (!zones[region][zone]) {
      const count = Object.keys(zones[region]).length + 1;
      if (count > zoneCount(region)) {
        throw new TraceParseError(
          `zone ${zone} would be zone ${count} of ${region}, which has ${zoneCount(region)} Availability Zones`,
          line,
        );
      }
      zones[region][zone] = [];
    }
    zones[region][zone].push({ at, value: Number(available) });
    times.add(at);
    rows++;
  });
  if (!header) throw new TraceParseError(`the file is empty; expected the header ${HEADER.join(',')}`, 0);
  if (rows === 0) throw new TraceParseError('the file has a header but no rows', 0);
  const sorted = [...times].sort((a, b) => a - b);
  let tickMs = 0;
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (tickMs === 0 || gap < tickMs) tickMs = gap;
  }
  const out: Record<string, Record<string, Series<number>>> = {};
  for (const [region, byZone] of Object.entries(zones)) {
    out[region] = {};
    for (const [zone, points] of Object.entries(byZone)) {
      points.sort((a, b) => a.at - b.at);
      const series: { at: number; value: number }[] = [];
      // A zone counts as unavailable before its first measurement.
      if (points[0]!.at > sorted[0]!) series.push({ at: sorted[0]!, value: 0 });
      for (const p of points) if (series.at(-1)?.value !== p.value) series.push(p);
      out[region][zone] = series;
    }
  }
  return { zones: out, rows, firstMs: sorted[0]!, lastMs: sorted.at(-1)!, tickMs };
}

/** Writes an availability trace back as CSV (one row per zone per tick), the format `readAvailabilityTrace` reads. */
export function writeAvailabilityTrace(
  zones: Readonly<Record<string, Readonly<Record<string, Series<number>>>>>,
  ticks: readonly number[],
): string {
  const out = [HEADER.join(',')];
  const cursors = new Map<string, number>();
  for (const at of ticks) {
    const stamp = new Date(at).toISOString().replace('.000Z', 'Z');
    for (const [region, byZone] of Object.entries(zones)) {
      for (const [zone, series] of Object.entries(byZone)) {
        let i = cursors.get(zone) ?? 0;
        while (i + 1 < series.length && series[i + 1]!.at <= at) i++;
        cursors.set(zone, i);
        out.push(`${stamp},${region},${zone},${series[i]!.value}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}
