/**
 * The spotplane HTTP API as the CLI calls it: `GET /spot-instances` and `POST /spot-provisioning`, signed
 * with SigV4 when the target needs it. Every failure is an `ApiError` naming the URL.
 */
import { isStatusView, type StatusView } from '../core/status-view.ts';
import { ApiError } from './errors.ts';
import { type Credentials, signRequest } from './sigv4.ts';
import type { Target } from './target.ts';

export interface ApiAnswer<T> {
  body: T;
  /** The exact text the API answered (what `--json` prints). */
  text: string;
  /** The server's clock (the `Date` header; the local server sends its simulated time), else undefined. */
  serverTime?: number;
}

export interface ApiClient {
  readonly url: string;
  status(): Promise<ApiAnswer<StatusView>>;
  provisioning(body: {
    action: 'enable' | 'disable';
    teardown?: boolean;
  }): Promise<ApiAnswer<{ message: string }>>;
}

export interface ClientDeps {
  fetch?: typeof fetch;
  /** Credentials for signed targets (default: the AWS SDK's default chain, resolved on first use). */
  credentials?: () => Credentials;
  /** Per-request timeout. */
  timeoutMs?: number;
}

const messageOf = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(parsed.errors) ? parsed.errors.filter((e) => typeof e === 'string') : [];
    if (typeof parsed.message === 'string') return [parsed.message, ...errors].join('; ');
  } catch {
    // Not JSON: show the start of it.
  }
  return text.slice(0, 200);
};

export function apiClient(target: Target, deps: ClientDeps = {}): ApiClient {
  const doFetch = deps.fetch ?? fetch;
  let credentials: Credentials | undefined;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer<unknown>> {
    const url = `${target.url}${path}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let headers: Record<string, string> = {
      accept: 'application/json',
      ...(payload !== undefined && { 'content-type': 'application/json' }),
    };
    if (target.signingRegion) {
      credentials ??= deps.credentials?.() ?? (await defaultCredentials());
      try {
        headers = await signRequest(
          { method, url, headers, ...(payload !== undefined && { body: payload }) },
          { region: target.signingRegion, credentials },
        );
      } catch (error) {
        throw new ApiError(
          `cannot sign the request to ${url}: no usable AWS credentials (${(error as Error).message})`,
          url,
          { cause: error },
        );
      }
    }
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        ...(payload !== undefined && { body: payload }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ApiError(`cannot reach ${url} (${reason})`, url, { cause: error });
    }
    const text = await res.text();
    if (!res.ok) {
      const hint =
        res.status === 403 && target.signingRegion
          ? ' (the signed request was refused: are these the credentials of the deploying account?)'
          : '';
      throw new ApiError(`${method} ${url} answered HTTP ${res.status}: ${messageOf(text)}${hint}`, url);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ApiError(`${method} ${url} answered something that is not JSON: ${text.slice(0, 120)}`, url, {
        cause: error,
      });
    }
    const date = Date.parse(res.headers.get('date') ?? '');
    return { body: parsed, text, ...(Number.isNaN(date) ? {} : { serverTime: date }) };
  }

  return {
    url: target.url,
    async status() {
      const answer = await call('GET', '/spot-instances');
      if (!isStatusView(answer.body)) {
        throw new ApiError(
          `GET ${target.url}/spot-instances answered a body without status, provisioning, region, instances and excluded_regions`,
          `${target.url}/spot-instances`,
        );
      }
      return answer as ApiAnswer<StatusView>;
    },
    async provisioning(body) {
      const answer = await call('POST', '/spot-provisioning', body);
      const message = (answer.body as { message?: unknown }).message;
      return { ...answer, body: { message: typeof message === 'string' ? message : '' } };
    },
  };
}

/** The AWS SDK's default credential chain (environment, SSO, shared files, IMDS, ...), loaded only when signing. */
async function defaultCredentials(): Promise<Credentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain();
}
