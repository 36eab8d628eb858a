/**
 * Restore at boot. S3 is the source of truth: the newest complete folder of the job wins. The local copy
 * is used only when S3 cannot be reached and the copy's metadata.json names the same job.
 */

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AgentClock } from './clock.ts';
import type { AgentConfig } from './config.ts';
import { ChecksumMismatchError, RestoreError, S3UnreachableError } from './errors.ts';
import { jobRoot, latestCompleteFolder, RESTORE_STAGING_PREFIX } from './layout.ts';
import type { AgentLog } from './log.ts';
import { readLocalMetadata } from './metadata.ts';
import { withRetries } from './retry.ts';
import { describe } from './upload.ts';

export interface RestoreDeps {
  config: AgentConfig;
  clock: AgentClock;
  log: AgentLog;
  s3: S3Client;
  /** Suffix of the temporary download directory, unique per process. */
  pid: number;
}

export type RestoreOutcome =
  | { source: 'S3_SOURCE'; folder: string; files: number }
  | { source: 'LOCAL_SOURCE'; dir: string }
  | { source: 'NONE' };

/**
 * S3 answered, but with an error that a retry or the local copy cannot fix (wrong bucket, no permission).
 * Any answer with a 4xx status counts; network failures, timeouts and 5xx count as "unreachable".
 */
function isClientError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/** Runs `fn` with the agent's retries (retry.ts); a 4xx answer is final at once. */
async function withBackoff<T>(deps: RestoreDeps, what: string, fn: () => Promise<T>): Promise<T> {
  const { value } = await withRetries(
    {
      clock: deps.clock,
      log: deps.log,
      what,
      isFinal: isClientError,
      exhausted: (message, cause) => new S3UnreachableError(message, { cause }),
    },
    fn,
    describe,
  );
  return value;
}

async function listJobKeys(deps: RestoreDeps, root: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: deps.config.s3_bucket, Prefix: root, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Streams one object to `path`, checking its length and (for a single-part object) its MD5 ETag. */
async function downloadObject(deps: RestoreDeps, key: string, path: string): Promise<void> {
  // With checksum mode on, the SDK checks the object's stored CRC32/SHA256 (when S3 has one) as it streams.
  const object = await deps.s3.send(
    new GetObjectCommand({ Bucket: deps.config.s3_bucket, Key: key, ChecksumMode: 'ENABLED' }),
  );
  if (!object.Body) throw new Error(`GetObject ${key} returned no body`);
  const md5 = createHash('md5');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(object.Body as Readable, count, createWriteStream(path));
  if (object.ContentLength !== undefined && bytes !== object.ContentLength) {
    throw new Error(`GetObject ${key}: got ${bytes} bytes, expected ${object.ContentLength}`);
  }
  // A multipart ETag ("...-N") depends on the upload's part size and an SSE-KMS ETag is no MD5: only a
  // plain single-part ETag can be compared.
  const etag = object.ETag?.replace(/"/g, '');
  const kms = object.ServerSideEncryption?.startsWith('aws:kms') ?? false;
  const digest = md5.digest('hex');
  if (etag && !kms && !etag.includes('-') && etag !== digest) {
    throw new ChecksumMismatchError(key, [`ETag ${etag}`], `MD5 ${digest}`);
  }
}

/** Downloads every key of `folder` into `staging` (emptied first). */
async function download(deps: RestoreDeps, folder: string, keys: string[], staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const key of keys) {
    const path = join(staging, ...key.slice(folder.length).split('/'));
    await mkdir(dirname(path), { recursive: true });
    await downloadObject(deps, key, path);
  }
}

/**
 * Replaces the contents of checkpoint_dir with those of `staging` (inside it). Entries are renamed,
 * never copied, and the directory itself stays put: it may be a mount point.
 */
async function swapIn(dir: string, staging: string): Promise<void> {
  const stagingName = relative(dir, staging);
  for (const entry of await readdir(dir)) {
    if (entry !== stagingName) await rm(join(dir, entry), { recursive: true, force: true });
  }
  for (const entry of await readdir(staging)) await rename(join(staging, entry), join(dir, entry));
  await rm(staging, { recursive: true, force: true });
}

async function fallBackToLocal(deps: RestoreDeps, unreachable: S3UnreachableError): Promise<RestoreOutcome> {
  const dir = deps.config.checkpoint_dir;
  const local = await readLocalMetadata(dir);
  if (!local.ok) {
    throw new RestoreError(
      `S3 is unreachable (${unreachable.message}) and the local copy in ${dir} is not usable: ${local.reason}`,
      {
        cause: unreachable,
      },
    );
  }
  if (local.metadata.job_id !== deps.config.job_id) {
    throw new RestoreError(
      `S3 is unreachable (${unreachable.message}) and the local copy in ${dir} belongs to job "${local.metadata.job_id}", not "${deps.config.job_id}"`,
      { cause: unreachable },
    );
  }
  deps.log.info(
    `S3 is unreachable (${unreachable.message}); using the local copy from ${local.metadata.utc}`,
  );
  deps.log.state('LOCAL_SOURCE');
  return { source: 'LOCAL_SOURCE', dir };
}

export async function restore(deps: RestoreDeps): Promise<RestoreOutcome> {
  const { config } = deps;
  const root = jobRoot(config.s3_prefix, config.job_id);
  const where = `s3://${config.s3_bucket}/${root}`;
  let latest: ReturnType<typeof latestCompleteFolder>;
  try {
    latest = latestCompleteFolder(
      root,
      await withBackoff(deps, `listing ${where}`, () => listJobKeys(deps, root)),
    );
  } catch (error) {
    if (error instanceof S3UnreachableError) return fallBackToLocal(deps, error);
    throw new RestoreError(`S3 refused to list ${where}: ${describe(error)}`, { cause: error });
  }
  if (!latest) {
    deps.log.info(`no checkpoint for job ${config.job_id} in ${where}; nothing to restore`);
    return { source: 'NONE' };
  }
  const fresh = join(config.checkpoint_dir, `${RESTORE_STAGING_PREFIX}${deps.pid}`);
  const chosen = latest;
  try {
    await withBackoff(deps, `downloading s3://${config.s3_bucket}/${chosen.folder}`, () =>
      download(deps, chosen.folder, chosen.keys, fresh),
    );
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    if (error instanceof S3UnreachableError) return fallBackToLocal(deps, error);
    throw new RestoreError(
      `S3 refused a download from s3://${config.s3_bucket}/${chosen.folder}: ${describe(error)}`,
      {
        cause: error,
      },
    );
  }
  await swapIn(config.checkpoint_dir, fresh);
  deps.log.info(`restored ${chosen.keys.length} file(s) from s3://${config.s3_bucket}/${chosen.folder}`);
  deps.log.state('S3_SOURCE');
  return { source: 'S3_SOURCE', folder: chosen.folder, files: chosen.keys.length };
}
