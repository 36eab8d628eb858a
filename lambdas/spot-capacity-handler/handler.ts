/** AWS entry point of SpotCapacityHandler (target of the hub rule for `spotplane.worker` events). */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './capacity-handler.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
