/** AWS entry point of ToggleProvisioning (`POST /spot-provisioning`). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { requiredEnv } from '../shared/env.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './toggle.ts';

export const handler = lazyHandler(() =>
  makeHandler({
    clients: awsClients(),
    config: configFromEnv(process.env),
    clock: systemClock,
    orchestratorArn: requiredEnv(process.env, 'ORCHESTRATOR_ARN'),
  }),
);
