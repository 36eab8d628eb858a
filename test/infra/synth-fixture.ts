/**
 * One synthesized deployment shared by the tests of a file: hub us-east-1, workers us-west-2 (given
 * subnets) and eu-west-1 (VPC created), built from the real tree into a temporary directory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Config, parseConfig } from '../../core/config.ts';
import { type SynthResult, synthesize } from '../../deploy/app.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const GIVEN_SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'];

export const fixtureConfig = (): Config =>
  parseConfig({
    prefix: 'sptest',
    hubRegion: 'us-east-1',
    workerRegions: ['us-west-2', 'eu-west-1'],
    instanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'],
  });

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is inspected structurally.
export type TfJson = Record<string, any>;

export interface Fixture {
  config: Config;
  dir: string;
  result: SynthResult;
  stacks: Record<string, TfJson>;
  synthMs: number;
}

export async function synthFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'spotplane-synth-'));
  const config = fixtureConfig();
  const started = performance.now();
  const result = await synthesize({
    config,
    rootDir: ROOT,
    outdir: join(dir, 'cdktf.out'),
    stateDir: join(dir, 'state'),
    subnets: { 'us-west-2': GIVEN_SUBNETS },
  });
  const synthMs = performance.now() - started;
  const stacks = Object.fromEntries(
    result.stacks.map((s) => [s.name, JSON.parse(readFileSync(s.file, 'utf8')) as TfJson]),
  );
  return { config, dir, result, stacks, synthMs };
}

/** Every resource of a type in a stack, as [logical id, body]. */
export const resources = (stack: TfJson, type: string): [string, TfJson][] =>
  Object.entries((stack.resource?.[type] ?? {}) as Record<string, TfJson>);

export const allResources = (stacks: Record<string, TfJson>, type: string): [string, TfJson][] =>
  Object.values(stacks).flatMap((s) => resources(s, type));
