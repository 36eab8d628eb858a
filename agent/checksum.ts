/**
 * What S3 should report for an object we upload, computed while the bytes stream past (one read of
 * the file, bounded memory). S3's ETag is the MD5 of the object for a single PUT and, for a multipart
 * upload, the MD5 of the parts' MD5s followed by "-<parts>"; some S3 implementations (s3rver) report the
 * whole-object MD5 for multipart uploads too, and either proves the bytes arrived intact.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class EtagHasher extends Transform {
  private readonly whole = createHash('md5');
  private readonly partDigests: Buffer[] = [];
  private part: Hash = createHash('md5');
  private partBytes = 0;
  bytes = 0;

  constructor(private readonly partSize: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.whole.update(chunk);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, this.partSize - this.partBytes);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partBytes += take;
      offset += take;
      if (this.partBytes === this.partSize) this.closePart();
    }
    callback(null, chunk);
  }

  private closePart(): void {
    this.partDigests.push(this.part.digest());
    this.part = createHash('md5');
    this.partBytes = 0;
  }

  /** The ETags (without quotes) S3 may report for these bytes; call after the stream has ended. */
  expectedEtags(): string[] {
    if (this.partBytes > 0 || this.partDigests.length === 0) this.closePart();
    const md5 = this.whole.digest('hex');
    if (this.partDigests.length === 1) return [md5];
    const composite = createHash('md5').update(Buffer.concat(this.partDigests)).digest('hex');
    return [md5, `${composite}-${this.partDigests.length}`];
  }
}

/** Whether `etag` (as S3 returns it, quoted) is one of `expected`. */
export function etagMatches(etag: string | undefined, expected: readonly string[]): boolean {
  if (!etag) return false;
  return expected.includes(etag.replace(/"/g, '').toLowerCase());
}
