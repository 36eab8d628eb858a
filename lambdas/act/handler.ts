/** AWS entry point of Act. */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './act.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
