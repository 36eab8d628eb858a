/**
 * `terraform validate` on a synthesized stack, offline when a provider mirror is available: a
 * temporary CLI config points `terraform init` at the mirror instead of the registry.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandRunner, spawnRunner } from './runner.ts';

/** Where this project's machines keep the AWS provider for offline use (override: SPOTPLANE_TF_MIRROR). */
export const DEFAULT_PROVIDER_MIRROR = '/opt/tf-plugins';

export function mirrorCliConfig(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Environment for terraform: the mirror's CLI config when the mirror exists, else the user's own setup. */
export function terraformEnv(mirrorDir = process.env.SPOTPLANE_TF_MIRROR ?? DEFAULT_PROVIDER_MIRROR): {
  env: Record<string, string>;
  offline: boolean;
} {
  if (!existsSync(mirrorDir)) return { env: {}, offline: false };
  const file = join(mkdtempSync(join(tmpdir(), 'spotplane-tfrc-')), 'terraform.rc');
  writeFileSync(file, mirrorCliConfig(mirrorDir));
  return { env: { TF_CLI_CONFIG_FILE: file, TF_IN_AUTOMATION: '1' }, offline: true };
}

export interface ValidateResult {
  valid: boolean;
  errors: string[];
  warnings: string[];
}

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
}

const describe = (d: Diagnostic) =>
  `${d.summary}${d.detail ? `: ${d.detail}` : ''}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ''}`;

export async function validateStack(
  terraform: string,
  stackDir: string,
  env: Record<string, string>,
  run: CommandRunner = spawnRunner,
): Promise<ValidateResult> {
  const init = await run(terraform, ['init', '-backend=false', '-input=false', '-no-color'], {
    cwd: stackDir,
    env,
  });
  if (init.code !== 0)
    return { valid: false, errors: [`terraform init failed: ${init.stderr.trim()}`], warnings: [] };
  const out = await run(terraform, ['validate', '-json', '-no-color'], { cwd: stackDir, env });
  const report = JSON.parse(out.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
  return {
    valid: report.valid,
    errors: report.diagnostics.filter((d) => d.severity === 'error').map(describe),
    warnings: report.diagnostics.filter((d) => d.severity === 'warning').map(describe),
  };
}
