/**
 * Synthesizes one deployment: the hub stack and one stack per worker region, written as Terraform
 * JSON under `<outdir>/stacks/<stack>/cdk.tf.json`. Needs no cloud credentials.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App } from 'cdktn';
import type { Config } from '../core/config.ts';
import { HUB_LAMBDAS } from '../hub/permissions.ts';
import { HubStack } from '../hub/stack.ts';
import { AGENT_ENTRY, bundleAgent } from '../infra/agent-bundle.ts';
import type { Artifacts } from '../infra/artifacts.ts';
import { loadWithStackValues, MACHINE_FILES } from '../infra/definitions.ts';
import { bundleLambdas, discoverHandlers } from '../infra/lambda-bundle.ts';
import { hubStackName, workerStackName } from '../infra/stack-names.ts';
import { WORKER_LAMBDAS, WorkerStack } from '../worker/stack.ts';

export interface SynthOptions {
  config: Config;
  rootDir: string;
  /** Where `stacks/<stack>/cdk.tf.json` go (the CLI uses `cdktf.out`). */
  outdir: string;
  /** Directory of the Terraform state files (absolute). */
  stateDir: string;
  /** User subnets per worker region. */
  subnets?: Readonly<Record<string, readonly string[]>>;
  /** Synthesize the checkpoint bucket with force_destroy (teardown --delete-checkpoints). */
  deleteCheckpointsOnDestroy?: boolean;
  /** Reuse bundles between synths (tests); built when absent. */
  artifacts?: Artifacts;
}

export interface SynthesizedStack {
  name: string;
  kind: 'hub' | 'worker';
  region: string;
  /** Absolute path of the stack's `cdk.tf.json`. */
  file: string;
  /** The stack's working directory for terraform. */
  dir: string;
}

export interface SynthResult {
  stacks: SynthesizedStack[];
  /** Source files not written yet; their resources are left out (apply refuses). */
  missing: string[];
  artifacts: Artifacts;
}

/** Bundles Lambdas and the agent and finds the loader: the slow, shareable part of a synth. */
export async function buildArtifacts(rootDir: string, workDir: string): Promise<Artifacts> {
  const { present, missing } = discoverHandlers(rootDir, [...HUB_LAMBDAS, ...WORKER_LAMBDAS]);
  const bundles = bundleLambdas(rootDir, present, join(workDir, 'lambdas'));
  const agentBundle = await bundleAgent(rootDir, join(workDir, 'agent'));
  const missingFiles = [
    ...missing.map((n) => `lambdas/${n}/handler.ts`),
    ...(agentBundle ? [] : [AGENT_ENTRY]),
    ...Object.values(MACHINE_FILES)
      .map((f) => `statemachines/${f}`)
      .filter((f) => !existsSync(join(rootDir, f))),
  ];
  return {
    rootDir,
    bundles,
    agentBundle,
    loadDefinition: loadWithStackValues,
    missing: missingFiles,
  };
}

export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const { config, outdir } = options;
  const artifacts = options.artifacts ?? (await buildArtifacts(options.rootDir, join(outdir, '.build')));
  const app = new App({ outdir, skipValidation: false });
  const stacks: SynthesizedStack[] = [];
  const add = (name: string, kind: SynthesizedStack['kind'], region: string) => {
    const dir = join(outdir, 'stacks', name);
    stacks.push({ name, kind, region, dir, file: join(dir, 'cdk.tf.json') });
    return relative(dir, join(options.stateDir, `${name}.tfstate`));
  };
  const hubName = hubStackName(config.prefix);
  new HubStack(app, hubName, {
    config,
    artifacts,
    statePath: add(hubName, 'hub', config.hubRegion),
    deleteCheckpointsOnDestroy: options.deleteCheckpointsOnDestroy,
  });
  for (const region of config.workerRegions) {
    const name = workerStackName(config.prefix, region);
    new WorkerStack(app, name, {
      config,
      region,
      artifacts,
      statePath: add(name, 'worker', region),
      subnetIds: options.subnets?.[region],
    });
  }
  app.synth();
  return { stacks, missing: artifacts.missing, artifacts };
}
