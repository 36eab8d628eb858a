import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import { AgentConfigError } from '../../agent/errors.ts';
import { runCli } from '../../agent/main.ts';

const minimal = {
  job_id: 'llama-ft-7',
  s3_bucket: 'spotplane-checkpoints',
  s3_prefix: 'ckpt',
  checkpoint_dir: '/var/lib/job/checkpoint',
  lock_file: '/run/spotplane/agent.lock',
};

function issuesOf(raw: unknown): string[] {
  try {
    parseAgentConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentConfigError);
    return [...(error as AgentConfigError).issues];
  }
  throw new Error('expected the config to be rejected');
}

describe('agent config', () => {
  it('fills the documented defaults', () => {
    expect(parseAgentConfig(minimal)).toEqual({
      ...minimal,
      deadline_seconds: 60,
      poll_interval_seconds: 2,
      use_rebalance_recommendation: false,
    });
  });

  it('fills idle defaults when an empty idle block is given', () => {
    expect(parseAgentConfig({ ...minimal, idle: {} }).idle).toEqual({
      boot_grace_seconds: 900,
      idle_checks_before_shutdown: 30,
      cpu_threshold_percent: 10,
      state_file: '/var/lib/spotplane/idle-state.json',
      lock_file: '/run/spotplane/idle.lock',
      shutdown_command: 'shutdown -h now',
    });
  });

  it.each([
    [{ ...minimal, job_id: undefined }, 'job_id: is required'],
    [{ ...minimal, s3_bucket: 'Bad_Bucket' }, 's3_bucket: must be an S3 bucket name'],
    [{ ...minimal, s3_prefix: '/ckpt/' }, 's3_prefix: must not start or end with "/"'],
    [{ ...minimal, checkpoint_dir: 'relative/dir' }, 'checkpoint_dir: must be an absolute path'],
    [{ ...minimal, lock_file: 42 }, 'lock_file:'],
    [{ ...minimal, deadline_seconds: 0 }, 'deadline_seconds:'],
    [{ ...minimal, poll_interval_seconds: 'fast' }, 'poll_interval_seconds:'],
    [{ ...minimal, use_rebalance_recommendation: 'yes' }, 'use_rebalance_recommendation:'],
    [{ ...minimal, sync_interval_seconds: 5 }, 'sync_interval_seconds:'],
    [{ ...minimal, idle: { cpu_threshold_percent: 150 } }, 'idle.cpu_threshold_percent:'],
    [{ ...minimal, region: 'mars-1' }, 'region: must be an AWS region'],
    [{ ...minimal, deadline: 60 }, 'deadline: unknown field'],
  ])('names the bad field (%#)', (raw, expected) => {
    expect(issuesOf(raw).join('\n')).toContain(expected);
  });
});

describe('agent CLI', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-cli-'));
    out = [];
    err = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints usage for --help and exits 0', async () => {
    expect(await runCli(['--help'], {}, io())).toBe(0);
    expect(out.join('\n')).toContain('Usage: npx tsx agent/cli.ts <command> --config <file.json>');
  });

  it.each([
    [['launch', '--config', 'x.json'], 'unknown command: launch'],
    [['watch', '--verbose'], "Unknown option '--verbose'"],
    [[], 'missing command'],
    [['watch'], 'watch needs --config'],
    [['package'], 'package needs --out'],
    [['watch', 'extra', '--config', 'x.json'], 'unknown command: watch extra'],
  ])('rejects %j with usage and exit code 2', async (argv, message) => {
    expect(await runCli(argv, {}, io())).toBe(2);
    expect(err.join('\n')).toContain(message);
    expect(err.join('\n')).toContain('Usage:');
  });

  it('fails fast naming every bad field of the config file', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify({ ...minimal, job_id: '', deadline_seconds: -1 }));

    expect(await runCli(['watch', '--config', file], {}, io())).toBe(2);

    expect(err.join('\n')).toMatch(/job_id: must be 1-128/);
    expect(err.join('\n')).toMatch(/deadline_seconds:/);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['a missing file', undefined, 'cannot read config file'],
    ['a file that is not JSON', '{"job_id": ', 'is not valid JSON'],
  ])('explains %s', async (_case, body, message) => {
    const file = join(dir, 'agent.json');
    if (body !== undefined) await writeFile(file, body);
    expect(await runCli(['restore', '--config', file], {}, io())).toBe(2);
    expect(err.join('\n')).toContain(message);
  });

  it('refuses idle-check without an idle block', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(file, JSON.stringify(minimal));
    expect(await runCli(['idle-check', '--config', file], {}, io())).toBe(2);
    expect(out.join('\n')).toContain('needs an "idle" block');
  });

  it('runs one idle check with the real probes and records the streak', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(
      file,
      JSON.stringify({
        ...minimal,
        idle: {
          boot_grace_seconds: 0,
          idle_checks_before_shutdown: 1000,
          cpu_threshold_percent: 100,
          state_file: join(dir, 'idle-state.json'),
          lock_file: join(dir, 'idle.lock'),
          // Never a real shutdown from a test, whatever the probes see.
          shutdown_command: 'true',
        },
      }),
    );

    expect(await runCli(['idle-check', '--config', file], {}, io())).toBe(0);

    expect(out.join('\n')).toMatch(/INFO: idle check: (idle 1\/1000|active \()/);
    const state = JSON.parse(await readFile(join(dir, 'idle-state.json'), 'utf8'));
    expect(state.cpu.total).toBeGreaterThan(0);
  });
});
