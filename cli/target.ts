/**
 * Which API the CLI talks to and how: `--api URL` as given (signed when it is an API Gateway URL); else the
 * deployment deploy.ts recorded for the prefix (signed); else the local server.
 */
import { readRecord } from '../deploy/record.ts';
import { ApiError } from './errors.ts';

export const LOCAL_API = 'http://127.0.0.1:8787';

export interface Target {
  url: string;
  /** The region to sign for (`execute-api`); absent: the request goes unsigned (the local server). */
  signingRegion?: string;
  /** Where the URL came from, for messages. */
  source: 'flag' | 'deployment' | 'local';
}

/** `https://abc123.execute-api.eu-west-1.amazonaws.com` -> `eu-west-1`. */
export function apiGatewayRegion(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
}

/**
 * @throws {ApiError} when the prefix has a deployment record without the API URL (deployed by an older
 *   deploy.ts): the user must pass --api or deploy again.
 */
export function resolveTarget(options: { api?: string; prefix: string; stateDir: string }): Target {
  if (options.api !== undefined) {
    const region = apiGatewayRegion(options.api);
    return { url: options.api, source: 'flag', ...(region && { signingRegion: region }) };
  }
  const record = readRecord(options.stateDir, options.prefix);
  if (!record) return { url: LOCAL_API, source: 'local' };
  if (!record.apiUrl) {
    throw new ApiError(
      `the deployment "${options.prefix}" in ${options.stateDir} has no API URL recorded (deployed by an older deploy.ts): pass --api URL or run deploy.ts again`,
      options.stateDir,
    );
  }
  const url = record.apiUrl.replace(/\/+$/, '');
  return { url, source: 'deployment', signingRegion: apiGatewayRegion(url) ?? record.config.hubRegion };
}
