/** AWS entry point of the state-store Lambda (invoked by the Orchestrator). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './store.ts';

export const handler = lazyHandler(() =>
  makeHandler({ clients: awsClients(), config: configFromEnv(process.env), clock: systemClock }),
);
