import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployMain, teardownMain } from '../../deploy/main.ts';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};
const cwd = () => mkdtempSync(join(tmpdir(), 'spotplane-main-'));

describe('deploy.ts', () => {
  it('prints usage for --help and exits 0', async () => {
    const c = capture();
    expect(await deployMain(['--help'], c.io, cwd())).toBe(0);
    expect(c.out.join('\n')).toMatch(/^Usage: npx tsx deploy\.ts --hub REGION --worker REGION/);
    expect(c.out.join('\n')).toContain('--synth-only');
  });

  it('names the bad flag, shows usage and exits non-zero without a stack trace', async () => {
    const c = capture();
    expect(await deployMain(['--hub', 'mars-1', '--worker', 'us-west-2'], c.io, cwd())).toBe(2);
    const text = c.err.join('\n');
    expect(text).toMatch(/^error: --hub: must be one of/);
    expect(text).toContain('Usage:');
    expect(text).not.toMatch(/\n\s+at /);
  });
});

describe('deploy.ts --config', () => {
  it('fails on an invalid file before any synthesis, naming the file and the field', async () => {
    const c = capture();
    const dir = cwd();
    writeFileSync(
      join(dir, 'spotplane.json'),
      JSON.stringify({ hubRegion: 'us-east-1', workerRegions: ['us-west-2'], container: { port: 0 } }),
    );
    expect(await deployMain(['--config', 'spotplane.json', '--synth-only'], c.io, dir)).toBe(2);
    expect(c.err.join('\n')).toMatch(/^error: spotplane\.json: container\.port: /);
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
  });
});

describe('teardown.ts', () => {
  it('prints usage for --help and exits 0', async () => {
    const c = capture();
    expect(await teardownMain(['--help'], c.io, cwd())).toBe(0);
    expect(c.out.join('\n')).toMatch(/^Usage: npx tsx teardown\.ts \[--prefix P\] \[--delete-checkpoints\]/);
    expect(c.out.join('\n')).toMatch(/--delete-checkpoints +also empty and delete the checkpoint bucket/);
  });

  it('reports a damaged kept-bucket note by its path, without a stack trace', async () => {
    const c = capture();
    const dir = cwd();
    mkdirSync(join(dir, '.spotplane', 'state'), { recursive: true });
    writeFileSync(join(dir, '.spotplane', 'state', 'demo.kept-buckets.json'), '{"bucket": 1}');
    expect(await teardownMain(['--prefix', 'demo'], c.io, dir)).toBe(1);
    expect(c.err.join('\n')).toMatch(/^error: .*demo\.kept-buckets\.json: expected \[\{"bucket"/);
    expect(c.err.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown flag naming it', async () => {
    const c = capture();
    expect(await teardownMain(['--force'], c.io, cwd())).toBe(2);
    expect(c.err.join('\n')).toMatch(/^error: unknown flag --force/);
  });

  it('succeeds with nothing to do when this prefix was never deployed here', async () => {
    const c = capture();
    expect(await teardownMain(['--prefix', 'never'], c.io, cwd())).toBe(0);
    expect(c.out).toEqual(['nothing deployed with prefix "never"']);
  });
});
