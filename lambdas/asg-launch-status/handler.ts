/** AWS entry point of AsgLaunchStatus (worker, polled by LaunchInstance). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { workerSettingsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './status.ts';

export const handler = lazyHandler(() => {
  const config = configFromEnv(process.env);
  return makeHandler({
    clients: awsClients(),
    config,
    clock: systemClock,
    ...workerSettingsFromEnv(process.env, config.prefix),
  });
});
