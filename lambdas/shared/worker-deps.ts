/** Dependencies of the worker-region Lambdas: the region they serve and the ASG they look after. */
import { type HandlerDeps, handlerDepsFromEnv } from './deps.ts';
import { asgName, clusterName, ownRegion } from './env.ts';

export interface WorkerDeps extends HandlerDeps {
  region: string;
  asgName: string;
  /** The worker's ECS cluster; the deployed name for the prefix when not given. */
  clusterName?: string;
}

/**
 * The worker region (`SPOTPLANE_REGION`, else `AWS_REGION`), ASG (`ASG_NAME`) and ECS cluster (`ECS_CLUSTER`),
 * each defaulting to the deployed name.
 */
export const workerSettingsFromEnv = (env: Record<string, string | undefined>, prefix: string) => ({
  region: ownRegion(env),
  asgName: asgName(env, prefix),
  clusterName: clusterName(env, prefix),
});

/**
 * The dependencies of a deployed worker Lambda; only `handler.ts` entry points call this.
 *
 * @throws {ConfigError | EnvironmentError} naming the bad setting.
 */
export function workerDepsFromEnv(env: Record<string, string | undefined>): WorkerDeps {
  const deps = handlerDepsFromEnv(env);
  return { ...deps, ...workerSettingsFromEnv(env, deps.config.prefix) };
}
