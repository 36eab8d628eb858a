/** Reads the environment variables a Lambda needs, once, at its entry point; every error names the variable. */
import { names } from '../../core/naming.ts';
import { EnvironmentError } from './errors.ts';

type Env = Record<string, string | undefined>;

/**
 * The value of environment variable `name`.
 *
 * @throws {EnvironmentError} naming the variable when it is unset or blank.
 */
export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new EnvironmentError(`${name} is not set`);
  return value;
}

/** The region this function serves: `SPOTPLANE_REGION`, else the `AWS_REGION` Lambda sets. */
export function ownRegion(env: Env): string {
  const region = env.SPOTPLANE_REGION ?? env.AWS_REGION;
  if (!region) throw new EnvironmentError('SPOTPLANE_REGION (or AWS_REGION) is not set');
  return region;
}

/** The worker ASG: `ASG_NAME`, defaulting to the name deploy gives it. */
export const asgName = (env: Env, prefix: string): string => env.ASG_NAME ?? names(prefix).autoScalingGroup;

/** The worker's ECS cluster: `ECS_CLUSTER`, defaulting to the name deploy gives it. */
export const clusterName = (env: Env, prefix: string): string => env.ECS_CLUSTER ?? names(prefix).ecsCluster;
