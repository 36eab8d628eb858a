/** AWS entry point of GetInstanceDetails (`GET /spot-instances`). */
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './details.ts';

export const handler = lazyHandler(() =>
  makeHandler({ clients: awsClients(), config: configFromEnv(process.env), clock: systemClock }),
);
