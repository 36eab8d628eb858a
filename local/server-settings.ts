/** `npm start`'s settings: read from the environment once, each error naming the variable. */
import { type Config, configFromEnv, parseConfig } from '../core/config.ts';
import { StartupError } from './errors.ts';

export const HELP = `Usage: npm start [-- --help]

Runs the spotplane control plane locally (hub + worker regions in LocalCloud) and serves
the product API, the local-only routes and a dashboard.

Environment:
  PORT                  port to listen on (default 8787)
  ENDPOINT_PORT         port of the workload's stable endpoint (default PORT + 1, i.e. 8788)
  SPOTPLANE_TIME_SCALE  simulated seconds per real second (default 10)
  SPOTPLANE_CONFIG      configuration as JSON (default: hub us-east-1; workers us-east-1,
                        us-west-2, eu-west-1, eu-central-1)
  SPOTPLANE_LOG_LEVEL   Lambda logs: SILENT (default), INFO or DEBUG
`;

export const DEFAULT_LOCAL_CONFIG = {
  hubRegion: 'us-east-1',
  workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'],
} as const;

export interface Settings {
  port: number;
  /** The stable endpoint's port (0 = any free port). */
  endpointPort: number;
  scale: number;
  config: Config;
  logLevel: 'SILENT' | 'INFO' | 'DEBUG';
}

/** Reads and validates the environment once; every error names the variable. */
export function settingsFromEnv(env: Record<string, string | undefined>): Settings {
  const port = env.PORT === undefined || env.PORT === '' ? 8787 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartupError(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(env.PORT)})`);
  }
  const endpointPort =
    env.ENDPOINT_PORT === undefined || env.ENDPOINT_PORT === ''
      ? port === 0
        ? 0
        : port + 1
      : Number(env.ENDPOINT_PORT);
  if (!Number.isInteger(endpointPort) || endpointPort < 0 || endpointPort > 65_535) {
    throw new StartupError(
      `ENDPOINT_PORT must be an integer from 0 to 65535 (got ${JSON.stringify(env.ENDPOINT_PORT ?? String(endpointPort))})`,
    );
  }
  if (endpointPort !== 0 && endpointPort === port) {
    throw new StartupError(`ENDPOINT_PORT must differ from PORT (both ${port})`);
  }
  const scale =
    env.SPOTPLANE_TIME_SCALE === undefined || env.SPOTPLANE_TIME_SCALE === ''
      ? 10
      : Number(env.SPOTPLANE_TIME_SCALE);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new StartupError(
      `SPOTPLANE_TIME_SCALE must be a positive number (got ${JSON.stringify(env.SPOTPLANE_TIME_SCALE)})`,
    );
  }
  const logLevel = (env.SPOTPLANE_LOG_LEVEL ?? 'SILENT').toUpperCase();
  if (logLevel !== 'SILENT' && logLevel !== 'INFO' && logLevel !== 'DEBUG') {
    throw new StartupError(
      `SPOTPLANE_LOG_LEVEL must be SILENT, INFO or DEBUG (got ${JSON.stringify(env.SPOTPLANE_LOG_LEVEL)})`,
    );
  }
  const config = env.SPOTPLANE_CONFIG ? configFromEnv(env) : parseConfig(DEFAULT_LOCAL_CONFIG);
  return { port, endpointPort, scale, config, logLevel };
}
