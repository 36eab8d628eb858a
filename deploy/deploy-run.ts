/**
 * The deploy sequence: unless --synth-only, the pre-flight first (seconds, where synthesis takes a
 * minute); synthesize (with --synth-only stop there); refuse while source files are missing; record the
 * deployment, apply the hub (importing a checkpoint bucket an earlier teardown kept), then the workers in
 * parallel, and print the API URL. A progress line per stack and step carries the elapsed time. Every
 * dependency is injected so the sequence is testable offline.
 */
import { configWarnings } from '../core/config.ts';
import { endpointCostSummary } from '../core/endpoint-cost.ts';
import { checkpointBucketName } from '../infra/arns.ts';
import type { SynthOptions, SynthResult } from './app.ts';
import type { DeployArgs } from './args.ts';
import { adoptKeptBucket } from './checkpoint-steps.ts';
import { deleteHint, readKept, removeKept } from './checkpoints.ts';
import { type PreflightDeps, preflight } from './preflight.ts';
import { progress } from './progress.ts';
import { writeRecord } from './record.ts';
import type { CommandRunner } from './runner.ts';
import { applyStack, inParallel, stackOutputs } from './terraform-steps.ts';

export interface DeployDeps {
  rootDir: string;
  outdir: string;
  stateDir: string;
  synth: (options: SynthOptions) => Promise<SynthResult>;
  preflight: PreflightDeps;
  run: CommandRunner;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Milliseconds on any monotonic clock, for the elapsed times (default `performance.now`). */
  now?: () => number;
}

/** Returns the process exit code. */
export async function runDeploy(args: DeployArgs, deps: DeployDeps): Promise<number> {
  const { config } = args;
  for (const warning of configWarnings(config)) deps.err(`warning: ${warning}`);
  const steps = progress(deps.out, deps.now ?? (() => performance.now()));
  const checked = args.synthOnly ? null : await preflight(config, deps.preflight, steps.line);
  if (checked) {
    steps.line(`pre-flight passed: account ${checked.account}, applying with ${checked.terraform}`);
    for (const warning of checked.warnings) deps.err(`warning: ${warning}`);
  }
  const result = await steps.timed(
    `synthesizing ${1 + config.workerRegions.length} stacks (about a minute)`,
    () =>
      deps.synth({
        config,
        rootDir: deps.rootDir,
        outdir: deps.outdir,
        stateDir: deps.stateDir,
        subnets: args.subnets,
      }),
  );
  for (const stack of result.stacks) deps.out(`synthesized ${stack.name}: ${stack.file}`);
  if (result.missing.length > 0) {
    deps.err(`not written yet (their resources are left out): ${result.missing.join(', ')}`);
  }
  if (!checked) return 0;
  if (result.missing.length > 0) {
    deps.err('refusing to apply an incomplete deployment; --synth-only still works');
    return 1;
  }

  writeRecord(deps.stateDir, { config, subnets: args.subnets });

  const ctx = { terraform: checked.terraform, run: deps.run, log: deps.out, progress: steps };
  const hub = result.stacks.find((s) => s.kind === 'hub');
  const workers = result.stacks.filter((s) => s.kind === 'worker');
  if (!hub) throw new Error('synth produced no hub stack');
  // A bucket an earlier teardown kept is taken over again when it is the one this hub would create.
  const kept = readKept(deps.stateDir, config.prefix);
  const bucketName = checkpointBucketName(config.prefix, checked.account, config.hubRegion);
  const adopt = kept.find((k) => k.bucket === bucketName);
  for (const other of kept.filter((k) => k !== adopt)) {
    deps.err(
      `note: s3://${other.bucket} (${other.region}), kept by an earlier teardown, stays as it is; delete it with: ${deleteHint(config.prefix)}`,
    );
  }
  if (config.endpoint === 'global-accelerator')
    deps.out(`cost of the stable endpoint: ${endpointCostSummary()}`);
  steps.line(`applying ${hub.name} (${hub.region})`);
  try {
    await applyStack(ctx, hub, adopt && (() => adoptKeptBucket(ctx, hub, adopt, deps.err)));
  } catch (error) {
    deps.err(`${(error as Error).message}; workers not applied`);
    return 1;
  }
  if (adopt) removeKept(deps.stateDir, config.prefix, adopt.bucket);
  steps.line(`applying ${workers.map((w) => w.name).join(', ')} in parallel`);
  const failures = await inParallel(workers, (w) => applyStack(ctx, w));
  for (const failure of failures) deps.err(failure);
  const outputs = await stackOutputs(ctx, hub);
  const apiUrl = String(outputs.api_url);
  writeRecord(deps.stateDir, { config, subnets: args.subnets, apiUrl });
  deps.out(`API: ${apiUrl}`);
  if (outputs.endpoint_url !== undefined) {
    deps.out(`endpoint: ${String(outputs.endpoint_url)} (Global Accelerator; ${endpointCostSummary()})`);
  }
  if (failures.length > 0) {
    deps.err(`${failures.length} worker stack(s) failed; fix and run deploy again (it is idempotent)`);
    return 1;
  }
  deps.out(
    `deployed. Enable it with: npx tsx spotplane.ts enable${config.prefix === 'spotplane' ? '' : ` --prefix ${config.prefix}`}`,
  );
  return 0;
}
