import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../agent/main.ts';
import { agentUserData, systemdUnits } from '../../agent/packaging.ts';
import { shellRunner } from '../../agent/runner.ts';

const run = promisify(execFile);

describe('systemd units', () => {
  it('keeps the watcher running with the contract restart policy and a stop timeout above the deadline', () => {
    const unit = systemdUnits()['spot-watch.service'] as string;
    for (const line of [
      'After=network-online.target',
      'Restart=always',
      'RestartSec=3',
      'StartLimitBurst=3',
      'StartLimitIntervalSec=60',
      'TimeoutStopSec=70',
      'ExecStart=/usr/bin/node /opt/spotplane-agent/spot-agent.cjs watch --config /etc/spotplane/agent.json',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });

  it('restores before the workload starts and installs the idle timer only when asked', () => {
    const units = systemdUnits({ workloadUnits: ['ecs.service', 'train.service'], idleShutdown: true });
    expect(units['spot-restore.service']).toContain('Before=ecs.service train.service');
    expect(units['spot-restore.service']).toContain('Type=oneshot');
    expect(units['spot-idle.timer']).toContain('OnUnitActiveSec=1min');
    expect(units['spot-idle.service']).toContain('idle-check --config /etc/spotplane/agent.json');
    expect(Object.keys(systemdUnits())).toEqual(['spot-watch.service', 'spot-restore.service']);
  });

  it('writes a user-data snippet that installs the bundle, the config and the units', () => {
    const script = agentUserData({
      config: { job_id: 'j1', s3_bucket: 'bkt-1' },
      bundleS3Uri: 's3://artifacts/spot-agent.cjs',
      idleShutdown: true,
    });
    expect(script).toContain('aws s3 cp s3://artifacts/spot-agent.cjs /opt/spotplane-agent/spot-agent.cjs');
    expect(script).toContain('"job_id": "j1"');
    expect(script).toContain("cat > /etc/systemd/system/spot-watch.service <<'SPOTPLANE_EOF'");
    expect(script).toContain('systemctl enable spot-restore.service spot-watch.service spot-idle.timer');
  });
});

describe('agent package', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'agent-pkg-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds a single-file bundle that runs with plain node', async () => {
    const lines: string[] = [];
    const code = await runCli(
      ['package', '--out', out],
      {},
      { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) },
    );

    expect(code).toBe(0);
    expect(lines).toContain(`wrote ${join(out, 'spot-agent.cjs')}`);
    expect(await readFile(join(out, 'systemd', 'spot-watch.service'), 'utf8')).toContain('TimeoutStopSec=70');
    const help = await run(process.execPath, [join(out, 'spot-agent.cjs'), '--help']);
    expect(help.stdout).toContain('Usage: npx tsx agent/cli.ts');
    await expect(
      run(process.execPath, [join(out, 'spot-agent.cjs'), 'watch', '--nope']),
    ).rejects.toMatchObject({ code: 2 });
  });
});

describe('shellRunner', () => {
  it('reports the exit code of a command', async () => {
    expect(await shellRunner.run('exit 3')).toEqual({ exitCode: 3, signal: null });
  });

  it('kills the command and its children when aborted', async () => {
    const abort = new AbortController();
    const running = shellRunner.run('sleep 30 & wait', { signal: abort.signal });
    abort.abort();
    expect(await running).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});
