/**
 * What S3 should report for an object we upload, computed while the bytes stream past (one read of
 * the file, bounded memory). Two independent proofs, whichever S3 returns:
 * - CRC32 (`ChecksumCRC32`), which the SDK sends by default to AWS and S3 checks server side: the whole
 *   object's CRC32, or for a multipart upload the CRC32 of the parts' CRC32s followed by "-<parts>".
 *   This is the one that works with SSE-KMS, where the ETag is not an MD5.
 * - the ETag: the MD5 of the object for a single PUT, or the MD5 of the parts' MD5s plus "-<parts>" for a
 *   multipart upload; some S3 implementations (s3rver) report the whole-object MD5 there too.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface ReportedChecksums {
  ETag?: string;
  ChecksumCRC32?: string;
}

const crcBytes = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};

export class ObjectHasher extends Transform {
  private readonly wholeMd5 = createHash('md5');
  private wholeCrc = 0;
  private readonly partMd5s: Buffer[] = [];
  private readonly partCrcs: Buffer[] = [];
  private partMd5: Hash = createHash('md5');
  private partCrc = 0;
  private partBytes = 0;
  private finished = false;

  constructor(private readonly partSize: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.wholeMd5.update(chunk);
    this.wholeCrc = crc32(chunk, this.wholeCrc);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, this.partSize - this.partBytes);
      const slice = chunk.subarray(offset, offset + take);
      this.partMd5.update(slice);
      this.partCrc = crc32(slice, this.partCrc);
      this.partBytes += take;
      offset += take;
      if (this.partBytes === this.partSize) this.closePart();
    }
    callback(null, chunk);
  }

  private closePart(): void {
    this.partMd5s.push(this.partMd5.digest());
    this.partCrcs.push(crcBytes(this.partCrc));
    this.partMd5 = createHash('md5');
    this.partCrc = 0;
    this.partBytes = 0;
  }

  private totals(): { md5: string; crc: string; parts: number } {
    if (!this.finished && (this.partBytes > 0 || this.partMd5s.length === 0)) this.closePart();
    this.finished = true;
    return {
      md5: this.wholeMd5.copy().digest('hex'),
      crc: crcBytes(this.wholeCrc).toString('base64'),
      parts: this.partMd5s.length,
    };
  }

  /** ETags (without quotes) S3 may report for these bytes; call after the stream has ended. */
  expectedEtags(): string[] {
    const { md5, parts } = this.totals();
    if (parts === 1) return [md5];
    const composite = createHash('md5').update(Buffer.concat(this.partMd5s)).digest('hex');
    return [md5, `${composite}-${parts}`];
  }

  /** `ChecksumCRC32` values S3 may report (full object, or composite for a multipart upload). */
  expectedCrc32(): string[] {
    const { crc, parts } = this.totals();
    if (parts === 1) return [crc];
    return [crc, `${crcBytes(crc32(Buffer.concat(this.partCrcs))).toString('base64')}-${parts}`];
  }

  /**
   * Whether what S3 reported proves the object holds exactly these bytes. A reported CRC32 decides on its
   * own (it survives SSE-KMS); without one, the ETag must match.
   */
  verify(
    reported: ReportedChecksums,
  ): { ok: true } | { ok: false; expected: string[]; actual: string | undefined } {
    if (reported.ChecksumCRC32) {
      const expected = this.expectedCrc32();
      return expected.includes(reported.ChecksumCRC32)
        ? { ok: true }
        : {
            ok: false,
            expected: expected.map((c) => `CRC32 ${c}`),
            actual: `CRC32 ${reported.ChecksumCRC32}`,
          };
    }
    const expected = this.expectedEtags();
    return etagMatches(reported.ETag, expected)
      ? { ok: true }
      : {
          ok: false,
          expected: expected.map((e) => `ETag ${e}`),
          actual: reported.ETag && `ETag ${reported.ETag}`,
        };
  }
}

/** Whether `etag` (as S3 returns it, quoted) is one of `expected`. */
export function etagMatches(etag: string | undefined, expected: readonly string[]): boolean {
  if (!etag) return false;
  return expected.includes(etag.replace(/"/g, '').toLowerCase());
}
