/** Dependencies of the worker-region Lambdas: the region they serve and the ASG they look after. */
import type { HandlerDeps } from './deps.ts';
import { asgName, ownRegion } from './env.ts';

export interface WorkerDeps extends HandlerDeps {
  region: string;
  asgName: string;
}

export const workerSettingsFromEnv = (env: Record<string, string | undefined>, prefix: string) => ({
  region: ownRegion(env),
  asgName: asgName(env, prefix),
});
