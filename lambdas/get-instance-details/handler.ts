/** AWS entry point of GetInstanceDetails (`GET /spot-instances`). */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './details.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
