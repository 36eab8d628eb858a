import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { drive } from './support/drive.ts';
import { fakeProcesses } from './support/fakes.ts';
import { type Harness, harness } from './support/harness.ts';
import { startImdsStandIn } from './support/imds-stand-in.ts';
import { agentInFlight } from './support/in-flight.ts';
import { deadEndpoint, type S3StandIn, standInClient, startS3StandIn } from './support/s3-stand-in.ts';

let s3: S3StandIn;
let h: Harness;

beforeAll(async () => {
  s3 = await startS3StandIn();
});
afterAll(async () => {
  await s3.close();
});
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const metadata = (jobId: string, utc: string) =>
  JSON.stringify({ job_id: jobId, instance_id: 'i-0aaa', action: 'terminate', utc, version: '1.0.0' });

async function configure(jobId: string, bucket = s3.bucket) {
  await h.writeConfig({
    job_id: jobId,
    s3_bucket: bucket,
    s3_prefix: 'ckpt',
    checkpoint_dir: h.checkpointDir,
    lock_file: h.lockFile,
  });
}

async function restoreWith(client = s3.client) {
  const clock = virtualClock('2026-11-24T12:00:00Z');
  const code = await h.run(
    ['restore', '--config', h.configFile],
    {},
    {
      clock,
      s3: client,
      processes: fakeProcesses(clock),
    },
  );
  return { code, clock };
}

async function localFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(h.checkpointDir, { recursive: true })).sort()) {
    const path = join(h.checkpointDir, name);
    try {
      out[name] = await readFile(path, 'utf8');
    } catch {
      // a directory
    }
  }
  return out;
}

describe('agent restore', () => {
  it('restores the newest complete folder by the timestamp in its key, replacing the local copy', async () => {
    const root = 'ckpt/job-r1/';
    // Uploaded newest-first, so S3's LastModified order is the reverse of the checkpoints' order.
    await s3.put(`${root}2026/11/24/110000Z/model.bin`, 'incomplete upload, no metadata');
    await s3.put(`${root}2026/11/24/090000Z/model.bin`, 'step-900');
    await s3.put(`${root}2026/11/24/090000Z/nested/opt.bin`, 'opt-900');
    await s3.put(`${root}2026/11/24/090000Z/metadata.json`, metadata('job-r1', '2026-11-24T09:00:00Z'));
    await s3.put(`${root}2026/11/23/235959Z/model.bin`, 'step-100');
    await s3.put(`${root}2026/11/23/235959Z/metadata.json`, metadata('job-r1', '2026-11-23T23:59:59Z'));
    await writeFile(join(h.checkpointDir, 'stale.bin'), 'from an older run');
    await configure('job-r1');
    const inode = (await stat(h.checkpointDir)).ino;

    const { code } = await restoreWith();

    expect(code).toBe(0);
    expect(h.states()).toEqual(['2026-11-24T12:00:00Z S3_SOURCE']);
    expect(await localFiles()).toEqual({
      'metadata.json': metadata('job-r1', '2026-11-24T09:00:00Z'),
      'model.bin': 'step-900',
      'nested/opt.bin': 'opt-900',
    });
    // The directory itself is kept (it may be a mount point); only its contents change.
    expect((await stat(h.checkpointDir)).ino).toBe(inode);
  });

  it('prefers S3 over a valid local copy of the same job', async () => {
    await s3.put('ckpt/job-r2/2026/11/24/080000Z/model.bin', 'from-s3');
    await s3.put('ckpt/job-r2/2026/11/24/080000Z/metadata.json', metadata('job-r2', '2026-11-24T08:00:00Z'));
    await writeFile(join(h.checkpointDir, 'model.bin'), 'from-disk');
    await writeFile(join(h.checkpointDir, 'metadata.json'), metadata('job-r2', '2026-11-24T11:00:00Z'));
    await configure('job-r2');

    expect((await restoreWith()).code).toBe(0);

    expect(h.states()).toEqual(['2026-11-24T12:00:00Z S3_SOURCE']);
    expect(await readFile(join(h.checkpointDir, 'model.bin'), 'utf8')).toBe('from-s3');
  });

  it('is a clean no-op when S3 has nothing for the job, leaving the local directory alone', async () => {
    await s3.put(
      'ckpt/other-job/2026/11/24/080000Z/metadata.json',
      metadata('other-job', '2026-11-24T08:00:00Z'),
    );
    await writeFile(join(h.checkpointDir, 'model.bin'), 'untouched');
    await configure('job-empty');

    expect((await restoreWith()).code).toBe(0);

    expect(h.states()).toEqual([]);
    expect(h.stdout.some((l) => l.includes('nothing to restore'))).toBe(true);
    expect(await localFiles()).toEqual({ 'model.bin': 'untouched' });
  });

  it('falls back to a local copy with the same job_id only after S3 stays unreachable through the backoff', async () => {
    await writeFile(join(h.checkpointDir, 'model.bin'), 'local-weights');
    await writeFile(join(h.checkpointDir, 'metadata.json'), metadata('job-local', '2026-11-24T11:59:00Z'));
    await configure('job-local');
    const down = standInClient(await deadEndpoint());

    const { code } = await restoreWith(down);

    expect(code).toBe(0);
    expect(h.states()).toEqual(['2026-11-24T12:00:07Z LOCAL_SOURCE']);
    expect(h.stdout.filter((l) => / retry \d of 3 in \d s$/.test(l)).length).toBe(3);
    expect(await readFile(join(h.checkpointDir, 'model.bin'), 'utf8')).toBe('local-weights');
    down.destroy();
  });

  it.each([
    [
      'belongs to another job',
      metadata('someone-else', '2026-11-24T11:59:00Z'),
      'belongs to job "someone-else"',
    ],
    ['has a metadata.json that is not JSON', '{not json', 'not valid JSON'],
    ['has a metadata.json missing fields', JSON.stringify({ job_id: 'job-bad' }), 'is invalid'],
    ['has no metadata.json', undefined, 'no readable metadata.json'],
  ])('refuses the local fallback when the local copy %s', async (_case, body, reason) => {
    await writeFile(join(h.checkpointDir, 'model.bin'), 'local-weights');
    if (body !== undefined) await writeFile(join(h.checkpointDir, 'metadata.json'), body);
    await configure('job-bad');
    const down = standInClient(await deadEndpoint());

    const { code } = await restoreWith(down);

    expect(code).toBe(1);
    expect(h.states()).toEqual([]);
    expect(h.stdout.at(-1)).toContain(reason);
    down.destroy();
  });

  it('does not fall back to the local copy when S3 answers with an error (bucket missing)', async () => {
    await writeFile(join(h.checkpointDir, 'metadata.json'), metadata('job-nobucket', '2026-11-24T11:59:00Z'));
    await configure('job-nobucket', 'no-such-bucket-here');

    const { code } = await restoreWith();

    expect(code).toBe(1);
    expect(h.states()).toEqual([]);
    expect(h.stdout.at(-1)).toMatch(
      /S3 refused to list s3:\/\/no-such-bucket-here\/ckpt\/job-nobucket\/: NoSuchBucket/,
    );
  });

  it('restores what the watcher uploaded (round trip through the same layout)', async () => {
    await mkdir(join(h.checkpointDir, 'shards'), { recursive: true });
    const big = Buffer.alloc(6 * 1024 * 1024 + 123, 7);
    const { uploadCheckpoint } = await import('../../agent/upload.ts');
    const { lineLog } = await import('../../agent/log.ts');
    const clock = virtualClock('2026-11-24T10:00:00Z');
    await writeFile(join(h.checkpointDir, 'shards', 'big.bin'), big);
    await drive(
      clock,
      uploadCheckpoint(
        { s3: agentInFlight.s3(s3.client), clock, log: lineLog(clock, () => {}), partSize: 5 * 1024 * 1024 },
        {
          bucket: s3.bucket,
          folder: 'ckpt/job-rt/2026/11/24/100000Z/',
          dir: h.checkpointDir,
          metadata: JSON.parse(metadata('job-rt', '2026-11-24T10:00:00Z')),
        },
      ),
    );
    await writeFile(join(h.checkpointDir, 'shards', 'big.bin'), 'overwritten locally');
    await configure('job-rt');

    expect((await restoreWith()).code).toBe(0);

    expect((await readFile(join(h.checkpointDir, 'shards', 'big.bin'))).equals(big)).toBe(true);
  });

  it('reaches S3 through AWS_ENDPOINT_URL_S3 (path-style) and finds the region through IMDS', async () => {
    await s3.put('ckpt/job-env/2026/11/24/070000Z/model.bin', 'via-env');
    await s3.put(
      'ckpt/job-env/2026/11/24/070000Z/metadata.json',
      metadata('job-env', '2026-11-24T07:00:00Z'),
    );
    await configure('job-env');
    const imds = await startImdsStandIn();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    vi.stubEnv('AWS_PROFILE', '');
    const clock = virtualClock('2026-11-24T12:00:00Z');
    try {
      const code = await h.run(
        ['restore', '--config', h.configFile],
        { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint },
        { clock, processes: fakeProcesses(clock) },
      );

      expect(code).toBe(0);
      expect(h.states()).toEqual(['2026-11-24T12:00:00Z S3_SOURCE']);
      expect(await readFile(join(h.checkpointDir, 'model.bin'), 'utf8')).toBe('via-env');
      expect(imds.requests.some((r) => r.path === '/latest/meta-data/placement/region')).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await imds.close();
    }
  });
});
