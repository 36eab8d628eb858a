/**
 * The teardown sequence: find this prefix's deployment, refuse any stack whose state names another
 * prefix, disable provisioning with teardown (nothing left running), destroy the workers in parallel,
 * then the hub. The checkpoint bucket is kept (forgotten in the hub state before destroy) unless
 * --delete-checkpoints. Running it again finds nothing and succeeds.
 */

import { hubStackName } from '../infra/stack-names.ts';
import type { SynthOptions, SynthResult } from './app.ts';
import type { TeardownArgs } from './args.ts';
import {
  allowBucketDeletion,
  deleteKeptBuckets,
  keepBucket,
  reportKept,
  type S3Factory,
} from './checkpoint-steps.ts';
import { readKept } from './checkpoints.ts';
import { progress } from './progress.ts';
import { disableProvisioning, type LambdaInvoker } from './provisioning.ts';
import { readRecord, removeRecord, stateFilesOf, stateHasResources, statePrefix } from './record.ts';
import type { CommandRunner } from './runner.ts';
import { destroyStack, inParallel } from './terraform-steps.ts';

export interface TeardownDeps {
  rootDir: string;
  outdir: string;
  stateDir: string;
  synth: (options: SynthOptions) => Promise<SynthResult>;
  findTerraform: () => string | undefined;
  run: CommandRunner;
  invoke: LambdaInvoker;
  /** S3 per region: counts kept checkpoints, deletes a kept bucket on --delete-checkpoints. */
  s3: S3Factory;
  sleep: (ms: number) => Promise<void>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Milliseconds on any monotonic clock, for the elapsed times (default `performance.now`). */
  now?: () => number;
}

export async function runTeardown(args: TeardownArgs, deps: TeardownDeps): Promise<number> {
  const { prefix } = args;
  const record = readRecord(deps.stateDir, prefix);
  const stateStacks = stateFilesOf(deps.stateDir, prefix);
  if (!record) {
    if (stateStacks.some((s) => stateHasResources(deps.stateDir, s))) {
      deps.err(
        `found Terraform state for ${stateStacks.join(', ')} but no deployment record ${prefix}.deployment.json; ` +
          'run deploy.ts with the same flags once to recreate it, then teardown again',
      );
      return 1;
    }
    deps.out(`nothing deployed with prefix "${prefix}"`);
    await finishCheckpoints(args, deps);
    return 0;
  }
  const foreign = stateStacks.filter((s) => {
    const owner = statePrefix(deps.stateDir, s);
    return owner !== undefined && owner !== prefix;
  });
  if (foreign.length > 0) {
    deps.err(`refusing: the state of ${foreign.join(', ')} belongs to another prefix`);
    return 1;
  }
  const terraform = deps.findTerraform();
  if (!terraform) {
    deps.err('neither terraform nor tofu is on PATH');
    return 1;
  }

  const { config } = record;
  if (stateHasResources(deps.stateDir, hubStackName(prefix))) {
    try {
      const clean = await disableProvisioning({
        prefix,
        hubRegion: config.hubRegion,
        invoke: deps.invoke,
        sleep: deps.sleep,
        log: deps.out,
      });
      if (!clean) deps.err('warning: the hub did not confirm the teardown in time; destroying anyway');
    } catch (error) {
      deps.err(`warning: could not disable provisioning (${(error as Error).message}); destroying anyway`);
    }
  }

  const steps = progress(deps.out, deps.now ?? (() => performance.now()));
  const result = await steps.timed(
    `synthesizing ${1 + config.workerRegions.length} stacks (about a minute)`,
    () =>
      deps.synth({
        config,
        rootDir: deps.rootDir,
        outdir: deps.outdir,
        stateDir: deps.stateDir,
        subnets: record.subnets,
        deleteCheckpointsOnDestroy: args.deleteCheckpoints,
      }),
  );
  const ctx = { terraform, run: deps.run, log: deps.out, progress: steps };
  const workers = result.stacks.filter((s) => s.kind === 'worker');
  const hub = result.stacks.find((s) => s.kind === 'hub');
  steps.line(`destroying ${workers.map((w) => w.name).join(', ')} in parallel`);
  const failures = await inParallel(workers, (w) => destroyStack(ctx, w));
  if (failures.length > 0) {
    for (const failure of failures) deps.err(failure);
    deps.err('hub kept because a worker stack is left; run teardown again');
    return 1;
  }
  if (hub) {
    steps.line(`destroying ${hub.name}`);
    const hubFailures = await inParallel([hub], async (h) => {
      if (args.deleteCheckpoints) await allowBucketDeletion(ctx, h, deps.stateDir);
      else await keepBucket(ctx, h, deps.stateDir, prefix);
      await destroyStack(ctx, h);
    });
    if (hubFailures.length > 0) {
      for (const failure of hubFailures) deps.err(failure);
      return 1;
    }
  }
  removeRecord(deps.stateDir, prefix);
  deps.out(`teardown of "${prefix}" complete`);
  await finishCheckpoints(args, deps);
  return 0;
}

/** Deletes the kept buckets on --delete-checkpoints; otherwise says where the checkpoints are. */
async function finishCheckpoints(args: TeardownArgs, deps: TeardownDeps): Promise<void> {
  if (args.deleteCheckpoints) await deleteKeptBuckets(deps.stateDir, args.prefix, deps.s3, deps.out);
  else await reportKept(readKept(deps.stateDir, args.prefix), args.prefix, deps.s3, deps.out);
}
