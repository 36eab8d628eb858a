/** Lambda entry point. Built on first invocation so importing this module needs no environment. */
import type { Context } from 'aws-lambda';
import { systemClock } from '../../core/clock.ts';
import { configFromEnv } from '../../core/config.ts';
import { awsClients } from '../shared/clients.ts';
import { makeHandler } from './make-handler.ts';

let built: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: unknown, context: Context) => {
  built ??= makeHandler({ clients: awsClients(), config: configFromEnv(process.env), clock: systemClock });
  return built(event, context);
};
