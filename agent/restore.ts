/**
 * Restore at boot. S3 is the source of truth: the newest complete folder of the job wins. The local copy
 * is used only when S3 cannot be reached and the copy's metadata.json names the same job.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AgentClock } from './clock.ts';
import type { AgentConfig } from './config.ts';
import { RestoreError, S3UnreachableError } from './errors.ts';
import { jobRoot, latestCompleteFolder } from './layout.ts';
import type { AgentLog } from './log.ts';
import { readLocalMetadata } from './metadata.ts';
import { describe, UPLOAD_BACKOFF_MS } from './upload.ts';

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

/** Runs `fn` with the agent's backoff; a 4xx answer is final at once. */
async function withBackoff<T>(deps: RestoreDeps, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (isClientError(error)) throw error;
      const wait = UPLOAD_BACKOFF_MS[attempt - 1];
      if (wait === undefined)
        throw new S3UnreachableError(`${what} failed: ${describe(error)}`, { cause: error });
      deps.log.error(`${what} failed (attempt ${attempt}): ${describe(error)}; retrying in ${wait / 1000} s`);
      await deps.clock.sleep(wait);
    }
  }
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

/** Downloads every key of `folder` into `target` (which must not exist yet). */
async function download(deps: RestoreDeps, folder: string, keys: string[], target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const key of keys) {
    const path = join(target, ...key.slice(folder.length).split('/'));
    await mkdir(dirname(path), { recursive: true });
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.config.s3_bucket, Key: key }));
    if (!object.Body) throw new Error(`GetObject ${key} returned no body`);
    await pipeline(object.Body as Readable, createWriteStream(path));
  }
}

/** Replaces checkpoint_dir with `fresh` so that a crash half way never leaves a mix of two checkpoints. */
async function swapIn(dir: string, fresh: string, pid: number): Promise<void> {
  const old = `${dir}.old-${pid}`;
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
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
  const fresh = `${config.checkpoint_dir}.restoring-${deps.pid}`;
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
  await swapIn(config.checkpoint_dir, fresh, deps.pid);
  deps.log.info(`restored ${chosen.keys.length} file(s) from s3://${config.s3_bucket}/${chosen.folder}`);
  deps.log.state('S3_SOURCE');
  return { source: 'S3_SOURCE', folder: chosen.folder, files: chosen.keys.length };
}
