/** What every spotplane handler factory receives: injected, so LocalCloud, mocks and AWS are interchangeable. */
import { type Clock, systemClock } from '../../core/clock.ts';
import { type Config, configFromEnv } from '../../core/config.ts';
import { ENDPOINT_GROUPS_ENV, ENDPOINT_URL_ENV, type StableEndpointRef } from '../../core/endpoint.ts';
import { type AwsClients, awsClients } from './clients.ts';
import { EnvironmentError } from './errors.ts';
import type { Observability } from './observability.ts';
import type { Sleep } from './sleep.ts';

export interface HandlerDeps {
  clients: AwsClients;
  config: Config;
  clock: Clock;
  /**
   * Waits on `clock` (retry backoff, the deadline of a market call); real time when absent. LocalCloud passes
   * its clock's, so a deadline is measured in the run's time, never the machine's.
   */
  sleep?: Sleep;
  /** Defaults to a Powertools logger and metrics named after the function. */
  observability?: Observability;
  /** The deployed stable endpoint (hub Lambdas, endpoint "global-accelerator"); absent: none managed. */
  endpoint?: StableEndpointRef;
}

/**
 * The stable endpoint from `ENDPOINT_URL` and `ENDPOINT_GROUPS` (the hub stack sets both), or undefined
 * when neither is set.
 *
 * @throws {EnvironmentError} naming the variable when only one is set or `ENDPOINT_GROUPS` is not a JSON
 *   object of region -> ARN strings.
 */
export function endpointFromEnv(env: Record<string, string | undefined>): StableEndpointRef | undefined {
  const url = env[ENDPOINT_URL_ENV];
  const raw = env[ENDPOINT_GROUPS_ENV];
  if (url === undefined && raw === undefined) return undefined;
  if (!url) throw new EnvironmentError(`${ENDPOINT_URL_ENV} is not set (${ENDPOINT_GROUPS_ENV} is)`);
  if (!raw) throw new EnvironmentError(`${ENDPOINT_GROUPS_ENV} is not set (${ENDPOINT_URL_ENV} is)`);
  let groups: unknown;
  try {
    groups = JSON.parse(raw);
  } catch (error) {
    throw new EnvironmentError(`${ENDPOINT_GROUPS_ENV} is not JSON`, { cause: error });
  }
  const ok =
    typeof groups === 'object' &&
    groups !== null &&
    !Array.isArray(groups) &&
    Object.values(groups).every((v) => typeof v === 'string' && v.length > 0);
  if (!ok)
    throw new EnvironmentError(
      `${ENDPOINT_GROUPS_ENV} must be a JSON object of region -> endpoint group ARN`,
    );
  return { url, groups: groups as Record<string, string> };
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
  const endpoint = endpointFromEnv(env);
  return {
    clients: awsClients(),
    config: configFromEnv(env),
    clock: systemClock,
    ...(endpoint && { endpoint }),
  };
}
