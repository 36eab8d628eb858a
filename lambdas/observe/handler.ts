/** AWS entry point of Observe. */
import { ENDPOINT_GROUPS_ENV } from '../../core/endpoint.ts';
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { EnvironmentError } from '../shared/errors.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './observe.ts';

export const handler = lazyHandler(() => {
  const deps = handlerDepsFromEnv(process.env);
  // With Global Accelerator the hub must see its endpoint groups, or it would never register a replica.
  if (deps.config.endpoint === 'global-accelerator' && !deps.endpoint)
    throw new EnvironmentError(`${ENDPOINT_GROUPS_ENV} is not set (endpoint is "global-accelerator")`);
  return makeHandler(deps);
});
