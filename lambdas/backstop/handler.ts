/** AWS entry point of the Backstop. */
import { handlerDepsFromEnv } from '../shared/deps.ts';
import { requiredEnv } from '../shared/env.ts';
import { lazyHandler } from '../shared/lazy.ts';
import { makeHandler } from './backstop.ts';

export const handler = lazyHandler(() =>
  makeHandler({
    ...handlerDepsFromEnv(process.env),
    orchestratorArn: requiredEnv(process.env, 'ORCHESTRATOR_ARN'),
  }),
);
