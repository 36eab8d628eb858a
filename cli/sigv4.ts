/**
 * Signing requests to the deployed API (API Gateway with `AWS_IAM` authorization) with AWS Signature
 * Version 4, through the SDK's own signer (`@smithy/signature-v4`). Checked against AWS's published SigV4
 * test suite (test/cli/sigv4.test.ts).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** API Gateway's signing name. */
export const EXECUTE_API = 'execute-api';

export interface PlainRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Static credentials or a provider (e.g. the default chain), as the SDK's signer takes them. */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SigningOptions {
  region: string;
  credentials: Credentials;
  /** Defaults to `execute-api`; the test suite signs for `service`. */
  service?: string;
  /** Defaults to now; the test suite fixes it. */
  signingDate?: Date;
}

/**
 * The request's headers with `authorization`, `x-amz-date` (and `x-amz-security-token` for temporary
 * credentials) added. The `host` header is always signed, taken from the URL when not given.
 *
 * @example
 * const headers = await signRequest({ method: 'GET', url, headers: {} }, { region: 'us-east-1', credentials });
 */
export async function signRequest(
  request: PlainRequest,
  options: SigningOptions,
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const previous = query[key];
    query[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  const http = new HttpRequest({
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    method: request.method.toUpperCase(),
    // URL keeps the path percent-encoded; the signer encodes it itself (SigV4's canonical URI), so it gets it raw.
    path: decodeURIComponent(url.pathname),
    query,
    headers: { host: url.host, ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service ?? EXECUTE_API,
    sha256: Sha256,
    // API Gateway does not need x-amz-content-sha256 (S3 does); the payload hash is still signed.
    applyChecksum: false,
  });
  const signed = await signer.sign(http, options.signingDate ? { signingDate: options.signingDate } : {});
  return signed.headers as Record<string, string>;
}
