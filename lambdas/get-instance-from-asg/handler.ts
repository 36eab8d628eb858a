/** AWS entry point of GetInstanceFromAsg (worker, invoked by LaunchInstance). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { workerSettingsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './instances.ts';

export const handler = lazyHandler(() => {
  const config = configFromEnv(process.env);
  return makeHandler({
    clients: awsClients(),
    config,
    clock: systemClock,
    ...workerSettingsFromEnv(process.env, config.prefix),
  });
});
