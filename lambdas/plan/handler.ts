/** AWS entry point of Plan. */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './plan.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
