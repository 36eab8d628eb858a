/** AWS entry point of the RegionFinder (hub, invoked by the Orchestrator). */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './make-handler.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
