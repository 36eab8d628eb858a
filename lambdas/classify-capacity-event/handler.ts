/** AWS entry point of ClassifyCapacityEvent (worker, first step of CapacityMonitor). */
import { lazyHandler } from '../shared/lazy.ts';
import { workerDepsFromEnv } from '../shared/worker-deps.ts';
import { makeHandler } from './classify.ts';

export const handler = lazyHandler(() => makeHandler(workerDepsFromEnv(process.env)));
