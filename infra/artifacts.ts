/**
 * What the stacks deploy besides Terraform resources: the bundled Lambdas and agent, and the state
 * machine loader. Built once (bundling is the slow part) and shared by every stack of a synth.
 */
import type { LambdaName } from '../core/naming.ts';
import type { DefinitionLoader } from './definitions.ts';
import type { LambdaBundle } from './lambda-bundle.ts';

export interface Artifacts {
  /** The repository root (statemachines/, lambdas/, agent/). */
  rootDir: string;
  bundles: ReadonlyMap<LambdaName, LambdaBundle>;
  agentBundle?: { path: string; sha256Hex: string };
  loadDefinition: DefinitionLoader;
  /** Source files the deployment needs that do not exist yet (a deploy refuses to apply then). */
  missing: string[];
}
