/** What every spotplane handler factory receives: injected, so LocalCloud, mocks and AWS are interchangeable. */
import { type Clock, systemClock } from '../../core/clock.ts';
import { type Config, configFromEnv } from '../../core/config.ts';
import { type AwsClients, awsClients } from './clients.ts';
import type { Observability } from './observability.ts';

export interface HandlerDeps {
  clients: AwsClients;
  config: Config;
  clock: Clock;
  /** Defaults to a Powertools logger and metrics named after the function. */
  observability?: Observability;
}

/**
 * The dependencies of a deployed Lambda: real AWS clients, the system clock and the configuration from
 * `SPOTPLANE_CONFIG`. Only `handler.ts` entry points call this, passing `process.env`.
 *
 * @example
 * export const handler = lazyHandler(() => makeHandler(handlerDepsFromEnv(process.env)));
 * @throws {ConfigError} naming the bad field when the configuration is missing or invalid.
 */
export function handlerDepsFromEnv(env: Record<string, string | undefined>): HandlerDeps {
  return { clients: awsClients(), config: configFromEnv(env), clock: systemClock };
}
