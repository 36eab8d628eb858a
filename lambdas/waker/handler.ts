/** AWS entry point of the Waker. */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './waker.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
