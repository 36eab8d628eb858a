/**
 * Flags of `local/cli.ts simulate`, parsed and validated in one place; every error names the flag.
 */
import { parseArgs } from 'node:util';
import { MAX_PER_REGION, MAX_TOTAL_REPLICAS } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { AWS_REGIONS, isAwsRegion } from '../core/regions.ts';
import type { SimulateOptions } from './simulate.ts';

export const SIMULATE_USAGE = `Usage: npx tsx local/cli.ts simulate [flags]

Backtests spotplane on a market trace: runs the real control plane (state machines and handlers on
LocalCloud) under a virtual clock, and beside it, on the same trace and accounting, today's
break-before-make baseline, round robin over zones and SpotHedge (SkyServe, EuroSys '25).

  --days N                 simulated days (default 30; with --trace: the export's span)
  --regions R,R,...        worker regions (default us-east-1,us-east-2,us-west-2,ca-central-1,
                           eu-west-1,eu-west-2,eu-central-1,eu-north-1; with --trace: the export's)
  --seed N                 seed of the synthetic market and timings (default 1)
  --trace FILE             Spot price history: \`aws ec2 describe-spot-price-history --output text\`
                           output or CSV (timestamp, availability zone, instance type, product
                           description, price); every zone and type at its own price over the
                           export's whole span; scores, droughts and interruptions stay synthetic
  --availability-trace FILE
                           measured Spot availability, CSV with the header
                           timestamp,region,zone,available_instances (a zone's value holds until its
                           next row; 0 = no Spot there, and Spot running there is reclaimed);
                           regions are the file's unless --regions; prices from --trace,
                           --flat-spot-ratio or the synthetic walk
  --warning-seconds S      interruption warning to termination (default 120; 0 = no warning)
  --launch-seconds S       fixed instance boot + container healthy time (default: 60-150 s, drawn)
  --flat-spot-ratio R      every Spot price = R x that type's on-demand price, constant (0 < R <= 1)
  --target-capacity N      replicas that must be ready (default 1; at most 30)
  --spare-capacity N       extra Spot replicas kept as a hedge (default 0)
  --max-per-region N       at most N replicas in one region (default target + spare, at most 10)
  --placement-policy P     fleet (spread over regions, Spot hedges, on-demand for the shortfall) or
                           one-region (one replica in one region at a time); default fleet for more
                           than one replica, one-region for one, as in the configuration
  --on-demand-fallback     run on-demand for the shortfall while Spot cannot supply it (default off,
                           as in the configuration)
  --instance-types T,T     instance types (default g6.xlarge,g5.xlarge,g6e.xlarge)
  --interruption-scale X   multiply every region's interruption rate (default 1)
  --drought-scale X        multiply every region's drought rate (default 1)
  --start ISO              start of a synthetic trace (default 2026-11-01T00:00:00Z)
  --json                   print the result as JSON (contract keys availability, cost_vs_on_demand,
                           target_capacity, spot_share, failovers, max_gap_s; every policy's under
                           "policies")
  --html FILE              also write a self-contained HTML chart
  --help                   show this help

Same trace and seed, same result.`;

export interface SimulateCommand {
  options: SimulateOptions;
  tracePath?: string;
  availabilityTracePath?: string;
  json: boolean;
  htmlPath?: string;
}

function positive(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} must be a positive number (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function nonNegative(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number >= 0 (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function list(flag: string, raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`${flag} must be a comma-separated list without empty items`);
  const dup = items.find((s, i) => items.indexOf(s) !== i);
  if (dup) throw new UsageError(`${flag} names ${dup} twice`);
  return items;
}

/**
 * Parses `simulate`'s arguments (after the subcommand).
 * @returns null when --help was asked for.
 * @throws {UsageError} naming the bad flag.
 */
export function parseSimulateArgs(args: readonly string[]): SimulateCommand | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        days: { type: 'string' },
        regions: { type: 'string' },
        seed: { type: 'string' },
        trace: { type: 'string' },
        'availability-trace': { type: 'string' },
        'warning-seconds': { type: 'string' },
        'launch-seconds': { type: 'string' },
        'flat-spot-ratio': { type: 'string' },
        'target-capacity': { type: 'string' },
        'spare-capacity': { type: 'string' },
        'max-per-region': { type: 'string' },
        'placement-policy': { type: 'string' },
        'on-demand-fallback': { type: 'boolean' },
        'instance-types': { type: 'string' },
        'interruption-scale': { type: 'string' },
        'drought-scale': { type: 'string' },
        start: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  if (values.help) return null;
  const str = (k: string) => values[k] as string | undefined;
  const options: SimulateOptions = { seed: 1 };
  const seed = str('seed');
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed) || Number(seed) > 2 ** 32 - 1) {
      throw new UsageError(
        `--seed must be a whole number from 0 to ${2 ** 32 - 1} (got ${JSON.stringify(seed)})`,
      );
    }
    options.seed = Number(seed);
  }
  if (str('days') !== undefined) options.days = positive('--days', str('days')!);
  if (str('regions') !== undefined) {
    const regions = list('--regions', str('regions')!);
    const bad = regions.find((r) => !isAwsRegion(r));
    if (bad) throw new UsageError(`--regions: unknown region ${bad}; known: ${AWS_REGIONS.join(', ')}`);
    options.regions = regions;
  }
  if (str('instance-types') !== undefined) {
    const types = list('--instance-types', str('instance-types')!);
    const bad = types.find((t) => !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t));
    if (bad)
      throw new UsageError(
        `--instance-types: ${JSON.stringify(bad)} is not an instance type such as g6.xlarge`,
      );
    options.instanceTypes = types;
  }
  if (str('interruption-scale') !== undefined) {
    options.interruptionScale = nonNegative('--interruption-scale', str('interruption-scale')!);
  }
  if (str('drought-scale') !== undefined)
    options.droughtScale = nonNegative('--drought-scale', str('drought-scale')!);
  if (str('start') !== undefined) {
    const start = str('start')!;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z$/.test(start) || Number.isNaN(Date.parse(start))) {
      throw new UsageError(
        `--start must be a UTC time such as 2026-11-01T00:00:00Z (got ${JSON.stringify(start)})`,
      );
    }
    if (str('trace') !== undefined)
      throw new UsageError('--start applies to synthetic traces only; --trace sets its own start');
    options.start = new Date(start);
  }
  if (str('warning-seconds') !== undefined)
    options.warningSeconds = nonNegative('--warning-seconds', str('warning-seconds')!);
  if (str('launch-seconds') !== undefined)
    options.launchSeconds = positive('--launch-seconds', str('launch-seconds')!);
  if (str('flat-spot-ratio') !== undefined) {
    const ratio = positive('--flat-spot-ratio', str('flat-spot-ratio')!);
    if (ratio > 1)
      throw new UsageError(
        `--flat-spot-ratio must be at most 1 (got ${JSON.stringify(str('flat-spot-ratio'))})`,
      );
    options.flatSpotRatio = ratio;
  }
  if (str('target-capacity') !== undefined)
    options.targetCapacity = integer('--target-capacity', str('target-capacity')!, 1, MAX_TOTAL_REPLICAS);
  if (str('spare-capacity') !== undefined)
    options.spareCapacity = integer('--spare-capacity', str('spare-capacity')!, 0, MAX_PER_REGION);
  if (str('max-per-region') !== undefined)
    options.maxPerRegion = integer('--max-per-region', str('max-per-region')!, 1, MAX_PER_REGION);
  const policy = str('placement-policy');
  if (policy !== undefined) {
    if (policy !== 'fleet' && policy !== 'one-region')
      throw new UsageError(`--placement-policy must be fleet or one-region (got ${JSON.stringify(policy)})`);
    options.placementPolicy = policy;
  }
  if (values['on-demand-fallback'] === true) options.onDemandFallback = true;
  const availabilityTracePath = str('availability-trace');
  if (availabilityTracePath !== undefined && availabilityTracePath.trim() === '')
    throw new UsageError('--availability-trace must name a file');
  if (availabilityTracePath !== undefined && str('start') !== undefined)
    throw new UsageError('--start applies to synthetic traces only; --availability-trace sets its own start');
  const html = str('html');
  if (html !== undefined && html.trim() === '') throw new UsageError('--html must name a file');
  const tracePath = str('trace');
  if (tracePath !== undefined && tracePath.trim() === '') throw new UsageError('--trace must name a file');
  return { options, tracePath, availabilityTracePath, json: values.json === true, htmlPath: html };
}
