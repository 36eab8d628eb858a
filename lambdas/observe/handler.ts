/** AWS entry point of Observe. */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './observe.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
