/** AWS entry point of the state-store Lambda (invoked by the Orchestrator). */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './store.ts';

export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
