import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineLog } from '../../agent/log.ts';
import { uploadCheckpoint } from '../../agent/upload.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { drive } from './support/drive.ts';
import { agentInFlight } from './support/in-flight.ts';
import { type S3StandIn, standInClient, startS3StandIn } from './support/s3-stand-in.ts';

let s3: S3StandIn;
let dir: string;
beforeAll(async () => {
  s3 = await startS3StandIn();
  dir = await mkdtemp(join(tmpdir(), 'agent-upload-'));
});
afterAll(async () => {
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

const metadata = {
  job_id: 'job-u',
  instance_id: 'i-1',
  action: 'manual',
  utc: '2026-11-24T10:00:00Z',
  version: '1.0.0',
};

describe('uploadCheckpoint', () => {
  it('treats an ETag that does not match the bytes sent as a failed attempt and sends the object again', async () => {
    await writeFile(join(dir, 'model.bin'), 'weights');
    const client = agentInFlight.s3(standInClient(s3.endpoint));
    let tampered = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const output = result.output as { ETag?: string };
        if (output.ETag && tampered === 0) {
          tampered++;
          output.ETag = '"00000000000000000000000000000000"';
        }
        return result;
      },
      { step: 'initialize', name: 'corruptFirstEtag' },
    );
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const lines: string[] = [];

    const result = await drive(
      clock,
      uploadCheckpoint(
        { s3: client, clock, log: lineLog(clock, (l) => lines.push(l)) },
        { bucket: s3.bucket, folder: 'ckpt/job-u/2026/11/24/100000Z/', dir, metadata },
      ),
    );

    expect(result).toEqual({ files: 2, attempts: 2 });
    expect(lines[0]).toContain('ChecksumMismatchError');
    expect(clock.now().toISOString()).toBe('2026-11-24T10:00:01.000Z');
    expect(await s3.text('ckpt/job-u/2026/11/24/100000Z/model.bin')).toBe('weights');
    client.destroy();
  });
});
