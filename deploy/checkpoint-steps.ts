/**
 * The checkpoint bucket around teardown and deploy: teardown keeps it (forgets it in the hub state
 * before `destroy`, and notes it), `--delete-checkpoints` lets `destroy` delete it or empties and
 * deletes a bucket kept earlier, and deploy imports a kept bucket back instead of failing to create it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SynthesizedStack } from './app.ts';
import {
  addKept,
  bucketAddressesInStackFile,
  bucketInState,
  countCheckpoints,
  deleteBucketWithObjects,
  deleteHint,
  type KeptBucket,
  readKept,
  removeKept,
} from './checkpoints.ts';
import {
  applyOnly,
  forgetResources,
  importResource,
  type StepContext,
  stateList,
  step,
} from './terraform-steps.ts';

export type S3Factory = (region: string) => S3Client;

/** Before destroying the hub: note the bucket as kept, then remove it and its config from the state. */
export async function keepBucket(
  ctx: StepContext,
  hub: SynthesizedStack,
  stateDir: string,
  prefix: string,
): Promise<void> {
  const inState = bucketInState(stateDir, hub.name);
  if (!inState || inState.addresses.length === 0) return;
  // Noted first: if the state rm or the destroy fails, the bucket is still known to be kept.
  addKept(stateDir, prefix, { bucket: inState.name, region: hub.region });
  ctx.log(`keeping s3://${inState.name}: removing ${inState.addresses.join(', ')} from ${hub.name}'s state`);
  await forgetResources(ctx, hub, inState.addresses);
}

/** Before destroying the hub with --delete-checkpoints: switch force_destroy on for the bucket alone. */
export async function allowBucketDeletion(
  ctx: StepContext,
  hub: SynthesizedStack,
  stateDir: string,
): Promise<void> {
  const bucket = bucketInState(stateDir, hub.name)?.bucket;
  if (!bucket) return;
  await step(ctx, hub, ['init', '-input=false']);
  await applyOnly(ctx, hub, [bucket]);
}

const checkpointsPhrase = (n: number) =>
  n === 1 ? '1 object is your checkpoint' : `${n} objects are your checkpoints`;

/** One line per kept bucket, with how many checkpoints it holds and how to delete it. */
export async function reportKept(
  kept: readonly KeptBucket[],
  prefix: string,
  s3: S3Factory,
  out: (line: string) => void,
): Promise<void> {
  for (const k of kept) {
    let what: string;
    try {
      what = checkpointsPhrase(await countCheckpoints(s3(k.region), k.bucket));
    } catch (error) {
      what = `could not count its objects: ${(error as Error).message}`;
    }
    out(`Kept checkpoint bucket s3://${k.bucket} (${what}). Delete it with: ${deleteHint(prefix)}`);
  }
}

/** Empties and deletes every bucket an earlier teardown kept for `prefix`, forgetting each once gone. */
export async function deleteKeptBuckets(
  stateDir: string,
  prefix: string,
  s3: S3Factory,
  out: (line: string) => void,
): Promise<void> {
  for (const k of readKept(stateDir, prefix)) {
    const existed = await deleteBucketWithObjects(s3(k.region), k.bucket);
    removeKept(stateDir, prefix, k.bucket);
    out(existed ? `deleted checkpoint bucket s3://${k.bucket}` : `s3://${k.bucket} was already gone`);
  }
}

/**
 * Deploy, after the hub's init: imports the kept bucket and its config resources the state lacks, so
 * apply manages them again instead of failing on a bucket that already exists. When the bucket cannot
 * be imported (e.g. deleted by hand meanwhile) apply creates it.
 */
export async function adoptKeptBucket(
  ctx: StepContext,
  hub: SynthesizedStack,
  kept: KeptBucket,
  warn: (line: string) => void,
): Promise<void> {
  const addresses = bucketAddressesInStackFile(hub.file);
  if (!addresses) {
    warn(`warning: ${hub.name} defines no checkpoint bucket to adopt s3://${kept.bucket} into`);
    return;
  }
  const managed = new Set(await stateList(ctx, hub));
  if (!managed.has(addresses.bucket)) {
    ctx.log(`adopting kept checkpoint bucket s3://${kept.bucket}`);
    if (!(await importResource(ctx, hub, addresses.bucket, kept.bucket))) {
      warn(
        `warning: could not import s3://${kept.bucket} as ${addresses.bucket}; apply will try to create it`,
      );
      return;
    }
  }
  for (const address of addresses.all.filter((a) => a !== addresses.bucket && !managed.has(a))) {
    // A config the user removed by hand cannot be imported; apply recreates it.
    if (!(await importResource(ctx, hub, address, kept.bucket))) {
      warn(`warning: could not import ${address}; apply will create it`);
    }
  }
}
