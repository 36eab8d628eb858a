/**
 * Uploads a checkpoint directory to its S3 folder: every file streamed (multipart above one part),
 * each object's ETag checked against the bytes read, metadata.json last so that its presence marks the
 * folder complete. Whole-folder retries follow retry.ts (1 s, 2 s, 4 s); a failure never touches the local copy.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectHasher } from './checksum.ts';
import type { AgentClock } from './clock.ts';
import { ChecksumMismatchError, UploadFailedError } from './errors.ts';
import { METADATA_FILE, RESTORE_STAGING_PREFIX } from './layout.ts';
import type { AgentLog } from './log.ts';
import type { CheckpointMetadata } from './metadata.ts';
import { MAX_RETRIES, withRetries } from './retry.ts';

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

export interface UploadDeps {
  s3: S3Client;
  clock: AgentClock;
  log: AgentLog;
  /** Bytes per multipart part (at least 5 MiB); memory use is about 4 parts. */
  partSize?: number;
}

/** Files under `dir`, as paths relative to it with "/" separators, sorted; metadata.json excluded. */
export async function listCheckpointFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => path !== METADATA_FILE && !path.startsWith(RESTORE_STAGING_PREFIX))
    .sort();
}

/** S3 allows at most 10,000 parts, so a file above 10,000 x `preferred` gets proportionally larger parts. */
export const MAX_PARTS = 10_000;
export function partSizeFor(bytes: number, preferred: number): number {
  const needed = Math.ceil(bytes / MAX_PARTS);
  return needed <= preferred ? preferred : Math.ceil(needed / (1024 * 1024)) * 1024 * 1024;
}

/** Streams one file to `key` and checks the checksum S3 reports against the bytes that were sent. */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  options: { partSize: number; signal?: AbortSignal },
): Promise<void> {
  const partSize = partSizeFor((await stat(path)).size, options.partSize);
  const hasher = new ObjectHasher(partSize);
  const abortController = new AbortController();
  const onAbort = () => abortController.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: hasher },
      partSize,
      queueSize: 4,
      abortController,
    });
    // 1 MiB reads: fewer, larger chunks to hash and to assemble into parts.
    const reading = pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hasher);
    let result: Awaited<ReturnType<Upload['done']>>;
    try {
      result = await upload.done();
    } catch (error) {
      // Stops reading the file when the upload gave up half way.
      hasher.destroy(error as Error);
      await reading.catch(() => undefined);
      throw error;
    }
    await reading;
    const verdict = hasher.verify(result);
    if (!verdict.ok) throw new ChecksumMismatchError(key, verdict.expected, verdict.actual);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export interface CheckpointUpload {
  bucket: string;
  /** `<prefix>/<job_id>/YYYY/MM/DD/HHMMSSZ/` */
  folder: string;
  dir: string;
  metadata: CheckpointMetadata;
  signal?: AbortSignal;
}

/**
 * Writes metadata.json into the local copy (so it can serve as a restore fallback), then uploads the
 * folder with retries. Files verified in an earlier attempt are not sent again.
 */
export async function uploadCheckpoint(
  deps: UploadDeps,
  job: CheckpointUpload,
): Promise<{ files: number; attempts: number }> {
  const partSize = deps.partSize ?? DEFAULT_PART_SIZE;
  await mkdir(job.dir, { recursive: true });
  const data = await listCheckpointFiles(job.dir);
  if (data.length === 0) {
    // A folder with only metadata.json would count as the newest checkpoint and hide the last good one.
    throw new UploadFailedError(`${job.dir} holds no checkpoint files; nothing uploaded`, 0);
  }
  await writeFile(join(job.dir, METADATA_FILE), `${JSON.stringify(job.metadata, null, 2)}\n`);
  const files = [...data, METADATA_FILE];
  const done = new Set<string>();
  const { tries } = await withRetries(
    {
      clock: deps.clock,
      log: deps.log,
      what: `upload to s3://${job.bucket}/${job.folder}`,
      exhausted: (message, cause) => new UploadFailedError(message, MAX_RETRIES + 1, { cause }),
      signal: job.signal,
    },
    async () => {
      for (const file of files) {
        if (done.has(file)) continue;
        await uploadFile(deps.s3, job.bucket, `${job.folder}${file}`, join(job.dir, file), {
          partSize,
          signal: job.signal,
        });
        done.add(file);
      }
    },
    describe,
  );
  return { files: files.length, attempts: tries };
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return `${error.name}${code && code !== error.name ? ` (${code})` : ''}: ${error.message || 'no message'}`;
  }
  return String(error);
}
