import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import { decideIdle, type IdleProbes, runIdleCheck } from '../../agent/idle.ts';
import {
  neuronDeviceHolders,
  parseNeuronLs,
  parseNvidiaApps,
  parseProcesses,
  parseProcStat,
  systemIdleProbes,
} from '../../agent/idle-probes.ts';
import { lineLog } from '../../agent/log.ts';
import { manualClock } from '../../core/clock.ts';
import { fakeRunner } from './support/fakes.ts';

const idleConfig = (dir: string, extra: Record<string, unknown> = {}) =>
  parseAgentConfig({
    job_id: 'j',
    s3_bucket: 'bkt',
    s3_prefix: '',
    checkpoint_dir: '/c',
    lock_file: '/l',
    idle: {
      boot_grace_seconds: 600,
      idle_checks_before_shutdown: 3,
      cpu_threshold_percent: 10,
      state_file: join(dir, 'state.json'),
      lock_file: join(dir, 'idle.lock'),
      ...extra,
    },
  }).idle!;

describe('decideIdle', () => {
  const config = idleConfig('/tmp/unused');
  const at = new Date('2026-11-24T10:00:00Z');
  const quiet = { uptimeSeconds: 3600, activity: [], cpu: { busy: 105, total: 1100 } };

  it.each([
    [
      'counts nothing during the boot grace period',
      { idle_streak: 2 },
      { ...quiet, uptimeSeconds: 599 },
      'grace',
      0,
    ],
    [
      'resets the streak on a session',
      { idle_streak: 2 },
      { ...quiet, activity: ['ssh alice@pts/0'] },
      'active',
      0,
    ],
    ['counts an idle check', { idle_streak: 0 }, quiet, 'idle', 1],
    ['shuts down on the Nth idle check in a row', { idle_streak: 2 }, quiet, 'shutdown', 3],
    [
      'treats CPU at the threshold as activity',
      { idle_streak: 2, cpu: { busy: 0, total: 1000 } },
      { ...quiet, cpu: { busy: 10, total: 1100 } },
      'active',
      0,
    ],
    [
      'treats CPU below the threshold as idle',
      { idle_streak: 0, cpu: { busy: 100, total: 1000 } },
      { ...quiet, cpu: { busy: 109, total: 1100 } },
      'idle',
      1,
    ],
  ])('%s', (_name, previous, seen, verdict, streak) => {
    const result = decideIdle(config, previous, seen, at);
    expect(result.verdict).toBe(verdict);
    expect(result.state.idle_streak).toBe(streak);
    expect(result.state.cpu).toEqual(seen.cpu);
  });
});

describe('runIdleCheck', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-idle-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const probes = (over: Partial<IdleProbes> = {}): IdleProbes => ({
    uptimeSeconds: async () => 7200,
    sessions: async () => [],
    multiplexers: async () => [],
    acceleratorProcesses: async () => [],
    cpuTimes: async () => ({ busy: 0, total: 0 }),
    ...over,
  });

  it('shuts down after N idle checks in a row, remembering the streak between runs', async () => {
    const clock = manualClock('2026-11-24T10:00:00Z');
    const runner = fakeRunner(clock, () => 0);
    const lines: string[] = [];
    const deps = {
      config: idleConfig(dir),
      clock,
      log: lineLog(clock, (l) => lines.push(l)),
      probes: probes(),
      runner,
      processes: { pid: 5, isAlive: (pid: number) => pid === 5 },
    };

    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(await runIdleCheck(deps));

    expect(verdicts).toEqual(['idle', 'idle', 'shutdown']);
    expect(runner.calls.map((c) => c.command)).toEqual(['shutdown -h now']);
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).idle_streak).toBe(3);
  });

  it('starts over after activity (a GPU process) interrupts the streak', async () => {
    const clock = manualClock('2026-11-24T10:00:00Z');
    const runner = fakeRunner(clock, () => 0);
    let gpu: string[] = [];
    const deps = {
      config: idleConfig(dir),
      clock,
      log: lineLog(clock, () => {}),
      probes: probes({ acceleratorProcesses: async () => gpu }),
      runner,
      processes: { pid: 5, isAlive: (pid: number) => pid === 5 },
    };

    await runIdleCheck(deps);
    await runIdleCheck(deps);
    gpu = ['gpu process 1234, python'];
    expect(await runIdleCheck(deps)).toBe('active');
    gpu = [];
    expect(await runIdleCheck(deps)).toBe('idle');

    expect(runner.calls).toEqual([]);
  });

  it('skips a check while another one holds the lock', async () => {
    await writeFile(join(dir, 'idle.lock'), '77\n');
    const clock = manualClock('2026-11-24T10:00:00Z');
    const lines: string[] = [];
    const runner = fakeRunner(clock, () => 0);

    const result = await runIdleCheck({
      config: idleConfig(dir, { idle_checks_before_shutdown: 1 }),
      clock,
      log: lineLog(clock, (l) => lines.push(l)),
      probes: probes(),
      runner,
      processes: { pid: 5, isAlive: (pid) => pid === 77 || pid === 5 },
    });

    expect(result).toBe('skipped');
    expect(runner.calls).toEqual([]);
    expect(lines.join('\n')).toContain('another idle check (process 77)');
  });

  it('does not count a check whose probe failed as idle', async () => {
    const clock = manualClock('2026-11-24T10:00:00Z');
    const runner = fakeRunner(clock, () => 0);
    const deps = {
      config: idleConfig(dir, { idle_checks_before_shutdown: 1 }),
      clock,
      log: lineLog(clock, () => {}),
      probes: probes({
        acceleratorProcesses: async () => {
          throw new Error('nvidia-smi: driver not loaded');
        },
      }),
      runner,
      processes: { pid: 5, isAlive: (pid: number) => pid === 5 },
    };

    await expect(runIdleCheck(deps)).rejects.toThrow('driver not loaded');
    expect(runner.calls).toEqual([]);
  });
});

describe('idle probes', () => {
  it('finds SSH logins, SSM sessions and multiplexers in ps output, not the listening daemons', () => {
    const ps = [
      'sshd            sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
      'sshd            sshd: alice@pts/0',
      'sshd-session    sshd-session: bob@notty',
      'ssm-session-wor /usr/bin/ssm-session-worker alice-0a1b2c i-0abc',
      'amazon-ssm-agen /usr/bin/amazon-ssm-agent',
      'tmux: server    tmux new -s train',
      'SCREEN          SCREEN -S eval',
      'python3         python3 train.py',
    ].join('\n');
    expect(parseProcesses(ps)).toEqual({
      sessions: ['ssh alice@pts/0', 'ssh bob@notty', 'ssm session'],
      multiplexers: ['tmux', 'screen'],
    });
  });

  it('reads GPU processes from nvidia-smi and Neuron processes from neuron-ls', () => {
    expect(parseNvidiaApps('1234, python\n\n')).toEqual(['gpu process 1234, python']);
    expect(parseNvidiaApps('No running processes found\n')).toEqual([]);
    const neuron = [
      '+--------+--------+--------+-----------+--------------+-------+-------------+---------+',
      '| NEURON | NEURON | NEURON | CONNECTED |     PCI      |  PID  |   COMMAND   | RUNTIME |',
      '| DEVICE | CORES  | MEMORY |  DEVICES  |     BDF      |       |             | VERSION |',
      '+--------+--------+--------+-----------+--------------+-------+-------------+---------+',
      '| 0      | 4      | 8 GB   | 1         | 0000:00:1c.0 | 23518 | app infer   | 2.0.0   |',
      '|        |        |        |           |              | 23531 | app2 infer  | 2.0.0   |',
      '| 1      | 4      | 8 GB   | 2, 0      | 0000:00:1d.0 |       |             |         |',
    ].join('\n');
    expect(parseNeuronLs(neuron)).toEqual(['neuron process 23518', 'neuron process 23531']);
    expect(parseNeuronLs('')).toEqual([]);
  });

  it('reads the PID column of the Trn2-era `neuron-ls --wide` table (plain neuron-ls has none)', () => {
    const wide = [
      '+--------+--------+---------+--------+---------------+---------+--------+--------------------+---------+',
      '| NEURON | NEURON | LOGICAL | NEURON |   CONNECTED   |   PCI   |  PID   |      COMMAND       | RUNTIME |',
      '| DEVICE | CORES  |   NC    | MEMORY |    DEVICES    |   BDF   |        |                    | VERSION |',
      '+--------+--------+---------+--------+---------------+---------+--------+--------------------+---------+',
      '| 0      | 8      | 4       | 96 GB  | 12, 3, 4, 1   | cc:00.0 | 268911 | vllm serve --mo... | 2.0.0   |',
      '| 1      | 8      | 4       | 96 GB  | 13, 0, 5, 2   | b5:00.0 | 268911 | vllm serve --mo... | 2.0.0   |',
      '+--------+--------+---------+--------+---------------+---------+--------+--------------------+---------+',
    ].join('\n');
    expect(parseNeuronLs(wide)).toEqual(['neuron process 268911']);
    const plain = [
      '| NEURON | NEURON | LOGICAL | NEURON |   CONNECTED   |   PCI   |',
      '| 0      | 8      | 4       | 96 GB  | 12, 3, 4, 1   | cc:00.0 |',
    ].join('\n');
    expect(parseNeuronLs(plain)).toEqual([]);
  });

  it('counts a process holding /dev/neuronN open as Neuron activity, whatever else it holds', () => {
    expect(
      neuronDeviceHolders([
        { pid: 10, targets: ['/dev/null', 'socket:[123]'] },
        { pid: 11, targets: ['/dev/neuron0', 'pipe:[9]'] },
        { pid: 12, targets: ['/dev/neuron_ctl'] },
        { pid: 13, targets: ['/dev/nvidia0'] },
      ]),
    ).toEqual(['neuron process 11']);
  });

  it('asks neuron-ls for its wide table and merges it with the /proc scan, one entry per process', async () => {
    const calls: string[] = [];
    const probes = systemIdleProbes(
      async (file, args) => {
        calls.push([file, ...args].join(' '));
        if (file === 'neuron-ls') return '| PID | COMMAND |\n| 4242 | vllm |\n';
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
      async () => '',
      async () => [
        { pid: 4242, targets: ['/dev/neuron0'] },
        { pid: 4343, targets: ['/dev/neuron1'] },
      ],
    );
    expect(await probes.acceleratorProcesses()).toEqual(['neuron process 4242', 'neuron process 4343']);
    expect(calls).toContain('neuron-ls --wide');
  });

  it('turns /proc/stat into busy and total CPU time', () => {
    expect(parseProcStat('cpu  10 1 5 80 4 0 0 0 0 0\ncpu0 1 1 1 1 1 1 1 1\n')).toEqual({
      busy: 16,
      total: 100,
    });
    expect(() => parseProcStat('intr 1')).toThrow('no "cpu" line');
  });

  it('treats a missing nvidia-smi or neuron-ls as "no accelerator processes"', async () => {
    const missing = Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    const probes = systemIdleProbes(
      async (file) => {
        if (file === 'ps') return 'sshd sshd: alice@pts/1\n';
        throw missing;
      },
      async (path) => (path === '/proc/uptime' ? '1234.5 999.0\n' : 'cpu  1 0 1 8 0 0 0 0\n'),
      async () => [],
    );
    expect(await probes.acceleratorProcesses()).toEqual([]);
    expect(await probes.sessions()).toEqual(['ssh alice@pts/1']);
    expect(await probes.multiplexers()).toEqual([]);
    expect(await probes.uptimeSeconds()).toBe(1234.5);
    expect(await probes.cpuTimes()).toEqual({ busy: 2, total: 10 });
  });
});
