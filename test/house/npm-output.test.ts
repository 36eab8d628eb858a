/**
 * npm stays audible and scripts keep their stdout (issue 15): the project's `.npmrc` does not silence npm,
 * and `npm run bench -- …` prints the script's own output on stdout with npm's "> script" banner elsewhere,
 * so `npm run bench -- --json` is one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs npm in the repository as a user would: without the npm_config_* of the npm that started vitest. */
function npm(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
  return spawnSync('npm', args, { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

describe("the project's npm settings", () => {
  it('leave npm at a log level that shows its warnings', () => {
    const result = npm('config', 'get', 'loglevel');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).not.toBe('silent');
  });

  it("keep npm's banner off a script's stdout", () => {
    const result = npm('run', 'bench', '--', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith('Usage: npm run bench')).toBe(true);
    expect(result.stdout).not.toContain('> ');
    expect(result.stderr).toContain('> spotplane');
  });
});
