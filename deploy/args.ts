/**
 * Flags of `deploy.ts` and `teardown.ts` (see ARCHITECTURE.md). Values are validated with the shared
 * config schema, and every error names the flag the user typed, not the config field behind it.
 */
import { readFileSync } from 'node:fs';
import { type Config, ConfigError, parseConfig } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { parseFlags } from '../core/flags.ts';

export const DEPLOY_USAGE = `Usage: npx tsx deploy.ts --hub REGION --worker REGION [--worker REGION ...] [options]

Synthesizes the hub stack and one stack per worker region (CDK Terrain) and applies them with
Terraform or OpenTofu: the hub first, then the workers in parallel. Prints the API URL.

Options:
  --config FILE                a JSON configuration (the schema of core/config.ts: container,
                               instanceTypes, targetCapacity, spareCapacity, endpoint, allowedCidrs,
                               ...); the flags below override what it says
  --hub REGION                 hub region (Orchestrator, API, hub Lambdas); required unless the
                               file sets hubRegion
  --worker REGION              a worker region (GPU capacity); repeat for several; required
                               unless the file sets workerRegions
  --hub-as-worker              also run GPU capacity in the hub region
  --prefix P                   names every resource (default: spotplane)
  --instance-types T,T         GPU instance types (default: g6.xlarge,g5.xlarge,g6e.xlarge)
  --subnets REGION=ID,ID       use these subnets in REGION instead of creating a VPC; repeatable
  --synth-only                 only write cdktf.out/stacks/<stack>/cdk.tf.json (no credentials needed)
  --help                       show this help
`;

export const TEARDOWN_USAGE = `Usage: npx tsx teardown.ts [--prefix P] [--delete-checkpoints]

Disables provisioning with teardown (every worker scaled to zero), then destroys the worker stacks
and the hub stack that deploy.ts created for prefix P. Safe to run again; never touches the stacks
of another prefix. The checkpoint bucket is KEPT with its objects (your work) unless you give
--delete-checkpoints; a later deploy with the same prefix and hub region takes it over again.

Options:
  --prefix P              the deployment to destroy (default: spotplane)
  --delete-checkpoints    also empty and delete the checkpoint bucket (including one an earlier
                          teardown kept)
  --help                  show this help
`;

export interface DeployArgs {
  help: boolean;
  config: Config;
  subnets: Record<string, string[]>;
  synthOnly: boolean;
}

export interface TeardownArgs {
  help: boolean;
  prefix: string;
  /** Empty and delete the checkpoint bucket instead of keeping it. */
  deleteCheckpoints: boolean;
}

/** Config field (first path segment) -> the flag that sets it. */
const FLAG_FOR_FIELD: Record<string, string> = {
  hubRegion: '--hub',
  workerRegions: '--worker',
  prefix: '--prefix',
  instanceTypes: '--instance-types',
};

/**
 * Validates the merged configuration; each error names where the bad value came from: the flag
 * that set the field, else the `--config` file (and the field inside it).
 */
function configFromFlags(
  input: Record<string, unknown>,
  flagged: ReadonlySet<string>,
  file?: string,
): Config {
  try {
    return parseConfig(input);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.issues.map((issue) => {
      const field = issue.split(/[.:]/)[0] ?? '';
      const flag = FLAG_FOR_FIELD[field];
      if (flag && flagged.has(field)) return `${flag}: ${issue.slice(issue.indexOf(':') + 2)}`;
      return file ? `${file}: ${issue}` : issue;
    });
    throw new UsageError(lines.join('\n'), { cause: error });
  }
}

/** Reads a `--config` file as a JSON object; every failure names the file. */
export function readConfigFile(path: string, read: (path: string) => string): Record<string, unknown> {
  let text: string;
  try {
    text = read(path);
  } catch (cause) {
    throw new UsageError(`--config ${path}: cannot read it (${(cause as Error).message})`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`--config ${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `--config ${path}: must hold a JSON object (the configuration), not ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

const list = (value: string) => value.split(',').map((v) => v.trim());

/**
 * Parses deploy's flags, with `--config FILE` (read through `read`) as the base the flags override.
 * Every configuration error is found here, before any synthesis.
 */
export function parseDeployArgs(
  argv: readonly string[],
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): DeployArgs {
  const { values } = parseFlags(argv, {
    config: { type: 'string' },
    hub: { type: 'string' },
    worker: { type: 'string', multiple: true },
    'hub-as-worker': { type: 'boolean' },
    prefix: { type: 'string' },
    'instance-types': { type: 'string' },
    subnets: { type: 'string', multiple: true },
    'synth-only': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) return { help: true, config: parseConfig({}), subnets: {}, synthOnly: false };
  const file = values.config;
  const base = file === undefined ? {} : readConfigFile(file, read);
  const hub = values.hub ?? (typeof base.hubRegion === 'string' ? base.hubRegion : undefined);
  if (!hub) {
    throw new UsageError(
      `--hub is required (the hub region, e.g. --hub us-east-1)${file ? `: ${file} sets no hubRegion` : ''}`,
    );
  }
  const flagWorkers = values.worker ?? [];
  const fileWorkers = Array.isArray(base.workerRegions) ? (base.workerRegions as string[]) : [];
  const workers = flagWorkers.length > 0 ? flagWorkers : fileWorkers;
  const hubAsWorker = values['hub-as-worker'] === true;
  if (workers.length === 0 && !hubAsWorker) {
    throw new UsageError(
      `--worker is required at least once (or give --hub-as-worker)${file ? `: ${file} sets no workerRegions` : ''}`,
    );
  }
  if (hubAsWorker && workers.includes(hub)) {
    throw new UsageError(`--worker ${hub} repeats the hub region, which --hub-as-worker already adds`);
  }
  if (!hubAsWorker && flagWorkers.includes(hub)) {
    throw new UsageError(
      `--worker ${hub} is the hub region (--hub ${hub}): to run GPU capacity in the hub region too, give --hub-as-worker instead of --worker ${hub}`,
    );
  }
  const types = values['instance-types'];
  const fromFlags: Record<string, unknown> = {
    ...(values.hub !== undefined && { hubRegion: hub }),
    ...((flagWorkers.length > 0 || hubAsWorker) && {
      workerRegions: hubAsWorker ? [hub, ...workers] : workers,
    }),
    ...(values.prefix !== undefined && { prefix: values.prefix }),
    ...(types !== undefined && { instanceTypes: list(types) }),
  };
  const config = configFromFlags({ ...base, ...fromFlags }, new Set(Object.keys(fromFlags)), file);
  const subnets: Record<string, string[]> = {};
  for (const entry of values.subnets ?? []) {
    const [region, ids] = entry.split('=', 2);
    if (!region || !ids)
      throw new UsageError(`--subnets: expected REGION=subnet-id,subnet-id (got "${entry}")`);
    if (!config.workerRegions.includes(region as never)) {
      throw new UsageError(
        `--subnets: ${region} is not a worker region (${config.workerRegions.join(', ')})`,
      );
    }
    const parsed = list(ids);
    const bad = parsed.find((id) => !/^subnet-[0-9a-f]{8,17}$/.test(id));
    if (bad !== undefined)
      throw new UsageError(`--subnets: "${bad}" is not a subnet id (subnet-0123abcd...)`);
    if (subnets[region]) throw new UsageError(`--subnets: ${region} given more than once`);
    subnets[region] = parsed;
  }
  return { help: false, config, subnets, synthOnly: values['synth-only'] === true };
}

export function parseTeardownArgs(argv: readonly string[]): TeardownArgs {
  const { values } = parseFlags(argv, {
    prefix: { type: 'string' },
    'delete-checkpoints': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) return { help: true, prefix: 'spotplane', deleteCheckpoints: false };
  const prefix = values.prefix;
  const config = configFromFlags(prefix === undefined ? {} : { prefix }, new Set(['prefix']));
  return { help: false, prefix: config.prefix, deleteCheckpoints: values['delete-checkpoints'] === true };
}
