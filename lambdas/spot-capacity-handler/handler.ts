/** AWS entry point of SpotCapacityHandler (target of the hub rule for `spotplane.worker` events). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './capacity-handler.ts';

export const handler = lazyHandler(() =>
  makeHandler({ clients: awsClients(), config: configFromEnv(process.env), clock: systemClock }),
);
