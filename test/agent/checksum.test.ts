import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { etagMatches, ObjectHasher } from '../../agent/checksum.ts';
import { partSizeFor } from '../../agent/upload.ts';

const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const crc = (b: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b));
  return out;
};

async function hashed(data: Buffer, partSize: number, chunk: number): Promise<ObjectHasher> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) chunks.push(data.subarray(i, i + chunk));
  const hasher = new ObjectHasher(partSize);
  hasher.resume();
  await pipeline(Readable.from(chunks), hasher);
  return hasher;
}

const data = Buffer.from(Array.from({ length: 25 }, (_, i) => i));
const parts = [data.subarray(0, 10), data.subarray(10, 20), data.subarray(20)];

describe('ObjectHasher', () => {
  it('expects the plain MD5 and CRC32 for a single part', async () => {
    const hasher = await hashed(Buffer.from('hello'), 10, 2);
    expect(hasher.expectedEtags()).toEqual([md5(Buffer.from('hello')).toString('hex')]);
    expect(hasher.expectedCrc32()).toEqual([crc(Buffer.from('hello')).toString('base64')]);
  });

  it('also expects the multipart forms (digest of part digests, "-N") whatever the chunking', async () => {
    const compositeMd5 = `${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')}-3`;
    const compositeCrc = `${crc(Buffer.concat(parts.map(crc))).toString('base64')}-3`;
    for (const chunk of [1, 3, 7, 25]) {
      const hasher = await hashed(data, 10, chunk);
      expect(hasher.expectedEtags()).toEqual([md5(data).toString('hex'), compositeMd5]);
      expect(hasher.expectedCrc32()).toEqual([crc(data).toString('base64'), compositeCrc]);
    }
  });

  it('trusts a matching CRC32 even when the ETag is no MD5 (SSE-KMS)', async () => {
    const hasher = await hashed(data, 10, 4);
    const compositeCrc = `${crc(Buffer.concat(parts.map(crc))).toString('base64')}-3`;
    expect(hasher.verify({ ETag: '"kms-opaque-etag-3"', ChecksumCRC32: compositeCrc })).toEqual({ ok: true });
  });

  it('rejects a CRC32 that does not match, whatever the ETag says', async () => {
    const hasher = await hashed(data, 10, 4);
    const verdict = hasher.verify({ ETag: `"${md5(data).toString('hex')}"`, ChecksumCRC32: 'AAAAAA==' });
    expect(verdict).toMatchObject({ ok: false, actual: 'CRC32 AAAAAA==' });
  });

  it('falls back to the ETag when S3 reports no checksum', async () => {
    const hasher = await hashed(data, 10, 4);
    expect(hasher.verify({ ETag: `"${md5(data).toString('hex')}"` })).toEqual({ ok: true });
    expect(hasher.verify({ ETag: '"0000"' })).toMatchObject({ ok: false });
    expect(hasher.verify({})).toMatchObject({ ok: false, actual: undefined });
  });

  it('compares ETags without quotes', () => {
    expect(etagMatches('"abc"', ['abc'])).toBe(true);
    expect(etagMatches('"abd"', ['abc'])).toBe(false);
    expect(etagMatches(undefined, ['abc'])).toBe(false);
  });
});

describe('partSizeFor', () => {
  const MiB = 1024 * 1024;
  it('keeps the preferred part size while the file fits in 10,000 parts', () => {
    expect(partSizeFor(1024 * MiB, 16 * MiB)).toBe(16 * MiB);
    expect(partSizeFor(10_000 * 16 * MiB, 16 * MiB)).toBe(16 * MiB);
  });

  it('grows parts (whole MiB) so that a huge checkpoint never needs more than 10,000', () => {
    const size = 500 * 1024 * MiB;
    const part = partSizeFor(size, 16 * MiB);
    expect(part % MiB).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(10_000);
    expect(part).toBe(52 * MiB);
  });
});
