/** AWS entry point of AsgLaunchStatus (worker, polled by LaunchInstance). */
import { lazyHandler } from '../shared/lazy.ts';
import { workerDepsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './status.ts';

export const handler = lazyHandler(() => makeHandler(workerDepsFromEnv(process.env)));
