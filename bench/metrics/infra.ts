/**
 * synth_hub_two_workers_s: wall time of `deploy.ts --hub us-east-1 --worker us-west-2 --worker eu-west-1
 * --synth-only` in a fresh process (the tsx CLI on this Node, which is what `npx tsx deploy.ts` runs once
 * npx has found it), bundling included, into a temporary directory removed afterwards.
 * terraform_validate_s: `terraform init -backend=false` + `terraform validate` of the three stacks one
 * after the other, offline through the provider mirror when present; only when terraform (or tofu) is
 * on PATH, otherwise the figure is left out and stderr says why.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findOnPath } from '../../deploy/runner.ts';
import { terraformEnv, validateStack } from '../../deploy/terraform-validate.ts';
import type { Benchmark, Figure } from '../types.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ARGS = ['--hub', 'us-east-1', '--worker', 'us-west-2', '--worker', 'eu-west-1', '--synth-only'];

/** Runs deploy.ts in a child process; resolves the stack directories it printed. */
function synthInFreshProcess(cwd: string): Promise<string[]> {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsxCli, join(ROOT, 'deploy.ts'), ...ARGS], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const files = [...stdout.matchAll(/^synthesized \S+: (.+)\/cdk\.tf\.json$/gm)].map(
        (m) => m[1] as string,
      );
      if (code !== 0 || files.length !== 3) {
        fail(
          new Error(`bench: deploy.ts --synth-only exited ${code} with ${files.length} stacks\n${stderr}`),
        );
      } else done(files);
    });
  });
}

async function validateAll(terraform: string, stackDirs: readonly string[]): Promise<void> {
  const { env, offline } = terraformEnv();
  if (!offline)
    console.error('bench: infra: no provider mirror found; terraform init downloads the provider');
  for (const dir of stackDirs) {
    const result = await validateStack(terraform, dir, env);
    if (!result.valid)
      throw new Error(`bench: terraform validate failed in ${dir}: ${result.errors.join('; ')}`);
  }
}

export const benchmark: Benchmark = {
  name: 'infra',
  async measure() {
    const cwd = mkdtempSync(join(tmpdir(), 'spotplane-bench-infra-'));
    try {
      const synthStart = performance.now();
      const stackDirs = await synthInFreshProcess(cwd);
      const figures: Figure[] = [
        { key: 'synth_hub_two_workers_s', value: (performance.now() - synthStart) / 1000, unit: 's' },
      ];
      const terraform = findOnPath(['terraform', 'tofu']);
      if (!terraform) {
        console.error('bench: infra: neither terraform nor tofu is on PATH; terraform_validate_s left out');
        return figures;
      }
      const validateStart = performance.now();
      await validateAll(terraform, stackDirs);
      figures.push({
        key: 'terraform_validate_s',
        value: (performance.now() - validateStart) / 1000,
        unit: 's',
      });
      return figures;
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  },
};
