/**
 * The deployment record (`<stateDir>/<prefix>.deployment.json`): what deploy.ts applied, so
 * teardown.ts can rebuild the same stacks for `terraform destroy` from only `--prefix`, and spotplane.ts
 * finds the API.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, parseConfig } from '../core/config.ts';
import { AWS_REGIONS } from '../core/regions.ts';
import { stackBelongsTo } from '../infra/stack-names.ts';

export interface DeploymentRecord {
  config: Config;
  subnets: Record<string, string[]>;
  /** The HTTP API's URL, once the hub stack is applied (spotplane.ts calls it). */
  apiUrl?: string;
}

export const recordPath = (stateDir: string, prefix: string) => join(stateDir, `${prefix}.deployment.json`);
export const statePath = (stateDir: string, stack: string) => join(stateDir, `${stack}.tfstate`);

export function writeRecord(stateDir: string, record: DeploymentRecord): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(recordPath(stateDir, record.config.prefix), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(stateDir: string, prefix: string): DeploymentRecord | undefined {
  const path = recordPath(stateDir, prefix);
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    config?: unknown;
    subnets?: Record<string, string[]>;
    apiUrl?: unknown;
  };
  return {
    config: parseConfig(raw.config),
    subnets: raw.subnets ?? {},
    ...(typeof raw.apiUrl === 'string' && { apiUrl: raw.apiUrl }),
  };
}

export function removeRecord(stateDir: string, prefix: string): void {
  rmSync(recordPath(stateDir, prefix), { force: true });
}

/** State files in `stateDir` that belong to `prefix` (exact stack names, never a longer prefix's). */
export function stateFilesOf(stateDir: string, prefix: string): string[] {
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir)
    .filter((f) => f.endsWith('.tfstate'))
    .map((f) => f.slice(0, -'.tfstate'.length))
    .filter((stack) => stackBelongsTo(stack, prefix, AWS_REGIONS))
    .sort();
}

/** The `prefix` output a stack's state recorded, or undefined for an empty state. */
export function statePrefix(stateDir: string, stack: string): string | undefined {
  const path = statePath(stateDir, stack);
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as { outputs?: { prefix?: { value?: unknown } } };
  const value = state.outputs?.prefix?.value;
  return typeof value === 'string' ? value : undefined;
}

/** True when the stack's state holds any resource. */
export function stateHasResources(stateDir: string, stack: string): boolean {
  const path = statePath(stateDir, stack);
  if (!existsSync(path)) return false;
  const state = JSON.parse(readFileSync(path, 'utf8')) as { resources?: unknown[] };
  return (state.resources ?? []).length > 0;
}
