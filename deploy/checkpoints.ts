/**
 * Keeping the checkpoint bucket across teardown: which Terraform addresses make up the bucket (from the
 * synthesized stack or from the state, never guessed), the note teardown leaves when it keeps the
 * bucket (`<stateDir>/<prefix>.kept-bucket.json`), and the S3 side (counting checkpoints, and
 * emptying and deleting a kept bucket on --delete-checkpoints).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CHECKPOINT_PREFIX } from '../infra/bucket-layout.ts';
import { CheckpointBucketError } from './errors.ts';
import { statePath } from './record.ts';

/** The hub stack output naming the checkpoint bucket (hub/stack.ts). */
export const CHECKPOINT_OUTPUT = 'checkpoint_bucket';
const BUCKET_TYPE = 'aws_s3_bucket';
/** Bucket-config resources (versioning, encryption, policy, ...) share this type prefix; objects do not. */
const BUCKET_CONFIG_TYPE = /^aws_s3_bucket_/;

/** The bucket and its config resources as Terraform addresses; `bucket` is the bucket's own address. */
export interface BucketAddresses {
  bucket: string;
  all: string[];
}

type TfJson = {
  output?: Record<string, { value?: unknown }>;
  resource?: Record<string, Record<string, { bucket?: unknown }>>;
};

/**
 * Reads the addresses from a synthesized stack (`cdk.tf.json`): the bucket is the one the
 * `checkpoint_bucket` output refers to; its config resources are the `aws_s3_bucket_*` resources whose
 * `bucket` refers to it. Undefined when the stack has no checkpoint bucket.
 */
export function bucketAddressesInConfig(stack: TfJson): BucketAddresses | undefined {
  const ref = /^\$\{aws_s3_bucket\.([^.}]+)\.(?:bucket|id)\}$/.exec(
    String(stack.output?.[CHECKPOINT_OUTPUT]?.value ?? ''),
  )?.[1];
  if (!ref || !stack.resource?.[BUCKET_TYPE]?.[ref]) return undefined;
  const refersToBucket = (value: unknown) =>
    value === `\${${BUCKET_TYPE}.${ref}.id}` || value === `\${${BUCKET_TYPE}.${ref}.bucket}`;
  const configs = Object.entries(stack.resource)
    .filter(([type]) => BUCKET_CONFIG_TYPE.test(type))
    .flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(([, body]) => refersToBucket(body.bucket))
        .map(([name]) => `${type}.${name}`),
    );
  const bucket = `${BUCKET_TYPE}.${ref}`;
  return { bucket, all: [bucket, ...configs.sort()] };
}

export function bucketAddressesInStackFile(file: string): BucketAddresses | undefined {
  if (!existsSync(file)) return undefined;
  return bucketAddressesInConfig(JSON.parse(readFileSync(file, 'utf8')) as TfJson);
}

interface StateResource {
  module?: string;
  mode?: string;
  type?: string;
  name?: string;
  instances?: { attributes?: { bucket?: unknown } }[];
}

/**
 * The checkpoint bucket as the stack's state holds it: its name (from the `checkpoint_bucket` output)
 * and the addresses of the bucket and every bucket-config resource on it that the state still has.
 */
export function bucketInState(
  stateDir: string,
  stack: string,
): { name: string; bucket?: string; addresses: string[] } | undefined {
  const path = statePath(stateDir, stack);
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as {
    outputs?: Record<string, { value?: unknown }>;
    resources?: StateResource[];
  };
  const name = state.outputs?.[CHECKPOINT_OUTPUT]?.value;
  if (typeof name !== 'string') return undefined;
  const onBucket = (state.resources ?? []).filter(
    (r) => r.mode === 'managed' && (r.instances ?? []).some((i) => i.attributes?.bucket === name),
  );
  const address = (r: StateResource) => `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}`;
  const buckets = onBucket.filter((r) => r.type === BUCKET_TYPE).map(address);
  const configs = onBucket.filter((r) => BUCKET_CONFIG_TYPE.test(r.type ?? '')).map(address);
  return { name, bucket: buckets[0], addresses: [...buckets, ...configs.sort()] };
}

/** A bucket a teardown kept, so deploy re-adopts it and `--delete-checkpoints` can still delete it. */
export interface KeptBucket {
  bucket: string;
  region: string;
}

/** Every bucket kept for `prefix` (one per hub region it was deployed in); empty when none. */
export const keptPath = (stateDir: string, prefix: string) => join(stateDir, `${prefix}.kept-buckets.json`);

export function readKept(stateDir: string, prefix: string): KeptBucket[] {
  const path = keptPath(stateDir, prefix);
  if (!existsSync(path)) return [];
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const valid =
    Array.isArray(raw) && raw.every((k) => typeof k?.bucket === 'string' && typeof k?.region === 'string');
  if (!valid) throw new CheckpointBucketError(`${path}: expected [{"bucket": "...", "region": "..."}]`);
  return (raw as KeptBucket[]).map(({ bucket, region }) => ({ bucket, region }));
}

function writeKeptList(stateDir: string, prefix: string, kept: readonly KeptBucket[]): void {
  if (kept.length === 0) {
    rmSync(keptPath(stateDir, prefix), { force: true });
    return;
  }
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(keptPath(stateDir, prefix), `${JSON.stringify(kept, null, 2)}\n`);
}

export function addKept(stateDir: string, prefix: string, kept: KeptBucket): void {
  const others = readKept(stateDir, prefix).filter((k) => k.bucket !== kept.bucket);
  writeKeptList(stateDir, prefix, [...others, kept]);
}

export function removeKept(stateDir: string, prefix: string, bucket: string): void {
  writeKeptList(
    stateDir,
    prefix,
    readKept(stateDir, prefix).filter((k) => k.bucket !== bucket),
  );
}

export const deleteHint = (prefix: string) => `npx tsx teardown.ts --prefix ${prefix} --delete-checkpoints`;

/** Current objects under the checkpoint prefix (what the agents uploaded), over every page. */
export async function countCheckpoints(s3: S3Client, bucket: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: `${CHECKPOINT_PREFIX}/`,
        ContinuationToken: token,
      }),
    );
    count += page.KeyCount ?? page.Contents?.length ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

const isNoSuchBucket = (error: unknown) => (error as Error).name === 'NoSuchBucket';

/**
 * Deletes every object version and delete marker, then the bucket (the bucket is versioned, so a plain
 * object delete would leave versions behind). Returns false when the bucket no longer exists.
 */
export async function deleteBucketWithObjects(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(
        (v) => ({ Key: v.Key as string, VersionId: v.VersionId }),
      );
      // A listing page holds at most 1000 entries, the most DeleteObjects takes.
      if (objects.length > 0) {
        const out = await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new CheckpointBucketError(
            `could not delete ${failed.length} object version(s) in s3://${bucket}, e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
          );
        }
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (isNoSuchBucket(error)) return false;
    if (error instanceof CheckpointBucketError) throw error;
    throw new CheckpointBucketError(`could not delete s3://${bucket}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
