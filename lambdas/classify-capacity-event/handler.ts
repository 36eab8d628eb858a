/** AWS entry point of ClassifyCapacityEvent (worker, first step of CapacityMonitor). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { workerSettingsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './classify.ts';

export const handler = lazyHandler(() => {
  const config = configFromEnv(process.env);
  return makeHandler({
    clients: awsClients(),
    config,
    clock: systemClock,
    ...workerSettingsFromEnv(process.env, config.prefix),
  });
});
