/** AWS entry point of ToggleProvisioning (`POST /spot-provisioning`). */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { requiredEnv } from '../shared/env.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './toggle.ts';

export const handler = lazyHandler(() =>
  makeHandler({
    ...handlerDepsFromEnv(process.env),
    orchestratorArn: requiredEnv(process.env, 'ORCHESTRATOR_ARN'),
  }),
);
