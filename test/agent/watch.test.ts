import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliOverrides } from '../../agent/main.ts';
import { AGENT_VERSION } from '../../agent/metadata.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { fakeProcesses, fakeRunner } from './support/fakes.ts';
import { type Harness, harness } from './support/harness.ts';
import { type ImdsStandIn, startImdsStandIn } from './support/imds-stand-in.ts';
import { deadEndpoint, type S3StandIn, standInClient, startS3StandIn } from './support/s3-stand-in.ts';

const WORKLOAD_PID = 4242;
let s3: S3StandIn;
let imds: ImdsStandIn;
let h: Harness;

beforeAll(async () => {
  s3 = await startS3StandIn();
});
afterAll(async () => {
  await s3.close();
});
beforeEach(async () => {
  imds = await startImdsStandIn();
  h = await harness();
  await writeFile(h.pidFile, `${WORKLOAD_PID}\n`);
});
afterEach(async () => {
  await imds.close();
  await h.cleanup();
});

function baseConfig(jobId: string, extra: Record<string, unknown> = {}) {
  return {
    job_id: jobId,
    s3_bucket: s3.bucket,
    s3_prefix: 'ckpt',
    checkpoint_dir: h.checkpointDir,
    lock_file: h.lockFile,
    workload_pid_file: h.pidFile,
    checkpoint_command: 'save-checkpoint',
    ...extra,
  };
}

/** The notice appears on the `poll`-th poll (polls run every 2 s from 10:00:00). */
function noticeOnPoll(poll: number, action = 'terminate') {
  imds.onNoticePoll((count) => {
    if (count === poll) imds.setNotice({ action, time: '2026-11-24T10:02:04Z' });
  });
}

const env = () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint });
/**
 * Runs `watch` once against the stand-ins: the notice path returns at once instead of staying resident,
 * unless the test passes a `stopSignal` to end a watch that sees no notice.
 */
function runWatch(overrides: Omit<CliOverrides, 'clock'> & { clock: VirtualClock }) {
  return h.run(['watch', '--config', h.configFile], env(), {
    s3: s3.client,
    ...(overrides.stopSignal ? {} : { stayResident: async () => {} }),
    ...overrides,
  });
}

const writesCheckpoint = () => () => {
  writeFileSync(join(h.checkpointDir, 'model.bin'), 'weights-v2');
  return 0;
};

describe('agent watch', () => {
  it('turns a Spot notice into SIGTERM, checkpoint and an upload with the exact keys and metadata', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await mkdir(join(h.checkpointDir, 'nested'), { recursive: true });
    await writeFile(join(h.checkpointDir, 'nested', 'optimizer.bin'), 'adam-state');
    await h.writeConfig(baseConfig('job-full'));
    noticeOnPoll(3);
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 1_500 });
    const runner = fakeRunner(clock, writesCheckpoint());

    const code = await runWatch({
      clock,
      processes,
      runner,
    });

    expect(code).toBe(0);
    expect(h.states()).toEqual([
      '2026-11-24T10:00:04Z DETECTED',
      '2026-11-24T10:00:04Z CHECKPOINT_START',
      '2026-11-24T10:00:05Z CHECKPOINT_OK',
      '2026-11-24T10:00:05Z UPLOAD_OK',
      '2026-11-24T10:00:05Z SHUTDOWN',
    ]);
    expect(processes.signals).toEqual([{ pid: WORKLOAD_PID, signal: 'SIGTERM', at: '2026-11-24T10:00:04Z' }]);
    expect(runner.calls.map((c) => c.command)).toEqual(['save-checkpoint']);
    const folder = 'ckpt/job-full/2026/11/24/100005Z/';
    expect(await s3.keys('ckpt/job-full/')).toEqual([
      `${folder}metadata.json`,
      `${folder}model.bin`,
      `${folder}nested/optimizer.bin`,
    ]);
    expect(await s3.text(`${folder}model.bin`)).toBe('weights-v2');
    expect(await s3.text(`${folder}nested/optimizer.bin`)).toBe('adam-state');
    expect(JSON.parse(await s3.text(`${folder}metadata.json`))).toEqual({
      job_id: 'job-full',
      instance_id: imds.instanceId,
      action: 'terminate',
      utc: '2026-11-24T10:00:05Z',
      version: AGENT_VERSION,
    });
  });

  it('never sends a metadata request without a session token, and asks for a 6-hour token', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await h.writeConfig(baseConfig('job-token', { use_rebalance_recommendation: true }));
    noticeOnPoll(5);
    imds.onNoticePoll((count) => {
      // A token that stops working half way must be renewed, not dropped.
      if (count === 3) imds.revokeTokens();
      if (count === 5) imds.setNotice({ action: 'terminate', time: '2026-11-24T10:02:08Z' });
    });

    const code = await runWatch({
      clock,
      processes: fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 0 }),
      runner: fakeRunner(clock, writesCheckpoint()),
    });

    expect(code).toBe(0);
    const puts = imds.requests.filter((r) => r.method === 'PUT');
    const gets = imds.requests.filter((r) => r.method === 'GET');
    expect(puts.length).toBe(2);
    expect(puts.every((r) => r.path === '/latest/api/token' && r.ttl === '21600')).toBe(true);
    expect(gets.length).toBeGreaterThan(8);
    expect(gets.every((r) => typeof r.token === 'string' && r.token.length > 0)).toBe(true);
    // Exactly one 401 (the revoked token), answered by a renewal and a retry.
    expect(gets.filter((r) => r.status === 401).length).toBe(1);
    expect(gets.some((r) => r.path === '/latest/meta-data/events/recommendations/rebalance')).toBe(true);
  });

  it('kills a hanging checkpoint and the workload at the deadline counted from detection', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await writeFile(join(h.checkpointDir, 'partial.bin'), 'half');
    await h.writeConfig(baseConfig('job-hang', { deadline_seconds: 60 }));
    noticeOnPoll(2);
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID });
    const runner = fakeRunner(clock, 'hang');

    const code = await runWatch({
      clock,
      processes,
      runner,
    });

    expect(code).toBe(0);
    expect(h.states()).toEqual([
      '2026-11-24T10:00:02Z DETECTED',
      '2026-11-24T10:00:02Z CHECKPOINT_START',
      '2026-11-24T10:01:02Z CHECKPOINT_TIMEOUT',
      '2026-11-24T10:01:02Z UPLOAD_OK',
      '2026-11-24T10:01:02Z SHUTDOWN',
    ]);
    expect(processes.signals).toEqual([
      { pid: WORKLOAD_PID, signal: 'SIGTERM', at: '2026-11-24T10:00:02Z' },
      { pid: WORKLOAD_PID, signal: 'SIGKILL', at: '2026-11-24T10:01:02Z' },
    ]);
    expect(runner.calls).toEqual([
      { command: 'save-checkpoint', at: '2026-11-24T10:00:02Z', abortedAt: '2026-11-24T10:01:02Z' },
    ]);
    expect(await s3.keys('ckpt/job-hang/')).toContain('ckpt/job-hang/2026/11/24/100102Z/partial.bin');
  });

  it('retries a failed upload three times, after 1 s, 2 s and 4 s, then reports UPLOAD_FAIL and keeps the local copy', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await writeFile(join(h.checkpointDir, 'model.bin'), 'weights-v1');
    await h.writeConfig(baseConfig('job-down'));
    noticeOnPoll(1);
    const down = standInClient(await deadEndpoint());
    const attempts: string[] = [];
    down.middlewareStack.add(
      (next) => async (args) => {
        attempts.push(clock.now().toISOString());
        return next(args);
      },
      { step: 'initialize', name: 'recordAttempts' },
    );

    const code = await runWatch({
      clock,
      s3: down,
      processes: fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 0 }),
      runner: fakeRunner(clock, () => 0),
    });

    expect(code).toBe(1);
    expect(attempts).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:00:01.000Z',
      '2026-11-24T10:00:03.000Z',
      '2026-11-24T10:00:07.000Z',
    ]);
    expect(h.states().slice(-2)).toEqual([
      '2026-11-24T10:00:07Z UPLOAD_FAIL',
      '2026-11-24T10:00:07Z SHUTDOWN',
    ]);
    // The log counts the tries the way the contract does: a first attempt, then retries 1-3 of 3.
    const folder = 'ckpt/job-down/2026/11/24/100000Z/';
    const failures = h.stdout
      .filter((l) => l.includes(`ERROR: upload to s3://${s3.bucket}/${folder} failed (`))
      .map((l) => /failed \(([^)]+)\).*?(; retry \d of 3 in \d s)?$/.exec(l)!.slice(1).join(''));
    expect(failures).toEqual([
      'first attempt; retry 1 of 3 in 1 s',
      'retry 1 of 3; retry 2 of 3 in 2 s',
      'retry 2 of 3; retry 3 of 3 in 4 s',
      'retry 3 of 3',
    ]);
    expect(h.stdout.join('\n')).toContain(
      'the first attempt and 3 retries (after 1 s / 2 s / 4 s) all failed',
    );
    expect(await readFile(join(h.checkpointDir, 'model.bin'), 'utf8')).toBe('weights-v1');
    expect(JSON.parse(await readFile(join(h.checkpointDir, 'metadata.json'), 'utf8'))).toMatchObject({
      job_id: 'job-down',
      action: 'terminate',
    });
    down.destroy();
  });

  it('does nothing on a notice while another live process holds the lock', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await mkdir(join(h.root, 'run'), { recursive: true });
    await writeFile(h.lockFile, '999\n');
    await h.writeConfig(baseConfig('job-locked'));
    noticeOnPoll(1);
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID, alsoAlive: [999] });
    const runner = fakeRunner(clock, () => 0);

    const code = await runWatch({
      clock,
      processes,
      runner,
    });

    expect(code).toBe(0);
    expect(h.states()).toEqual([]);
    expect(processes.signals).toEqual([]);
    expect(runner.calls).toEqual([]);
    expect(await s3.keys('ckpt/job-locked/')).toEqual([]);
    expect(await readFile(h.lockFile, 'utf8')).toBe('999\n');
  });

  it('removes a stale lock left by a dead process on start and keeps the lock after handling the notice', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await mkdir(join(h.root, 'run'), { recursive: true });
    await writeFile(h.lockFile, '31337\n');
    await h.writeConfig(baseConfig('job-stale'));
    noticeOnPoll(1);
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 0 });

    const code = await runWatch({
      clock,
      processes,
      runner: fakeRunner(clock, writesCheckpoint()),
    });

    expect(code).toBe(0);
    expect(h.stdout.some((l) => l.includes(`removed stale lock ${h.lockFile}`))).toBe(true);
    expect(h.states()).toContain('2026-11-24T10:00:00Z UPLOAD_OK');
    // A second trigger (the manual command) sees the watcher's lock and does nothing.
    expect(await readFile(h.lockFile, 'utf8')).toBe(`${processes.pid}\n`);
    const second = fakeRunner(clock, () => 0);
    const again = await h.run(['checkpoint', '--config', h.configFile], env(), {
      clock,
      s3: s3.client,
      processes: fakeProcesses(clock, { pid: 70_002, alsoAlive: [processes.pid] }),
      runner: second,
    });
    expect(again).toBe(0);
    expect(second.calls).toEqual([]);
    expect(h.stdout.at(-1)).toContain('nothing to do');
  });

  it('ignores rebalance recommendations unless use_rebalance_recommendation is set', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    imds.setRebalance({ noticeTime: '2026-11-24T09:59:00Z' });
    await h.writeConfig(baseConfig('job-rebalance-off'));
    const stop = new AbortController();
    imds.onNoticePoll((count) => {
      if (count === 4) stop.abort();
    });

    const code = await runWatch({
      clock,
      processes: fakeProcesses(clock, { workloadPid: WORKLOAD_PID }),
      runner: fakeRunner(clock, () => 0),
      stopSignal: stop.signal,
    });

    expect(code).toBe(0);
    expect(h.states()).toEqual([]);
    expect(imds.requests.some((r) => r.path.includes('rebalance'))).toBe(false);
  });

  it('treats a rebalance recommendation as a notice when the flag is set', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    imds.setRebalance({ noticeTime: '2026-11-24T09:59:00Z' });
    await writeFile(join(h.checkpointDir, 'model.bin'), 'w');
    await h.writeConfig(baseConfig('job-rebalance-on', { use_rebalance_recommendation: true }));

    const code = await runWatch({
      clock,
      processes: fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 0 }),
      runner: fakeRunner(clock, () => 0),
    });

    expect(code).toBe(0);
    const folder = 'ckpt/job-rebalance-on/2026/11/24/100000Z/';
    expect(JSON.parse(await s3.text(`${folder}metadata.json`)).action).toBe('rebalance');
  });

  it('syncs checkpoint_dir every sync_interval_seconds without touching the workload', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await writeFile(join(h.checkpointDir, 'model.bin'), 'step-100');
    await h.writeConfig(baseConfig('job-sync', { sync_interval_seconds: 30 }));
    const stop = new AbortController();
    imds.onNoticePoll(() => {
      if (h.stdout.some((l) => l.includes('INFO: uploaded'))) stop.abort();
    });
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID });
    const runner = fakeRunner(clock, () => 0);

    const code = await runWatch({
      clock,
      processes,
      runner,
      stopSignal: stop.signal,
    });

    expect(code).toBe(0);
    const folder = 'ckpt/job-sync/2026/11/24/100030Z/';
    expect(await s3.keys('ckpt/job-sync/')).toEqual([`${folder}metadata.json`, `${folder}model.bin`]);
    expect(JSON.parse(await s3.text(`${folder}metadata.json`)).action).toBe('sync');
    expect(processes.signals).toEqual([]);
    expect(runner.calls).toEqual([]);
    expect(h.states()).toEqual([]);
    expect(existsSync(h.lockFile)).toBe(false);
  });

  it('uploads nothing when the checkpoint directory is empty, so the last good checkpoint stays the newest', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await s3.put('ckpt/job-empty-dir/2026/11/24/090000Z/model.bin', 'good');
    await h.writeConfig(baseConfig('job-empty-dir'));
    noticeOnPoll(1);

    const code = await runWatch({
      clock,
      processes: fakeProcesses(clock, { workloadPid: WORKLOAD_PID, exitAfterSigtermMs: 0 }),
      runner: fakeRunner(clock, () => 1),
    });

    expect(code).toBe(1);
    expect(h.states()).toEqual([
      '2026-11-24T10:00:00Z DETECTED',
      '2026-11-24T10:00:00Z CHECKPOINT_START',
      '2026-11-24T10:00:00Z UPLOAD_FAIL',
      '2026-11-24T10:00:00Z SHUTDOWN',
    ]);
    expect(h.stdout.join('\n')).toContain('checkpoint command ended with exit code 1');
    expect(await s3.keys('ckpt/job-empty-dir/')).toEqual(['ckpt/job-empty-dir/2026/11/24/090000Z/model.bin']);
  });

  it('runs a manual checkpoint without signalling the workload and releases the lock afterwards', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await h.writeConfig(baseConfig('job-manual'));
    const processes = fakeProcesses(clock, { workloadPid: WORKLOAD_PID });
    const runner = fakeRunner(clock, writesCheckpoint());

    const code = await h.run(['checkpoint', '--config', h.configFile], env(), {
      clock,
      s3: s3.client,
      processes,
      runner,
    });

    expect(code).toBe(0);
    expect(h.states()).toEqual([
      '2026-11-24T10:00:00Z CHECKPOINT_START',
      '2026-11-24T10:00:00Z CHECKPOINT_OK',
      '2026-11-24T10:00:00Z UPLOAD_OK',
    ]);
    expect(processes.signals).toEqual([]);
    expect(JSON.parse(await s3.text('ckpt/job-manual/2026/11/24/100000Z/metadata.json')).action).toBe(
      'manual',
    );
    expect(existsSync(h.lockFile)).toBe(false);
  });
});
