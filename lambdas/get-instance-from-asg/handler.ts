/** AWS entry point of GetInstanceFromAsg (worker, invoked by LaunchInstance). */
import { lazyHandler } from '../shared/lazy.ts';
import { workerDepsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './instances.ts';

export const handler = lazyHandler(() => makeHandler(workerDepsFromEnv(process.env)));
