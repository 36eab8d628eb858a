/**
 * An IMDSv2-only client. Every metadata request carries a session token; there is no code path that
 * sends a request without one, so IMDSv1 is never used even when the instance still allows it.
 */
import type { AgentClock } from './clock.ts';
import { ImdsError } from './errors.ts';

export const IMDS_DEFAULT_ENDPOINT = 'http://169.254.169.254';
/** Six hours, the longest session IMDS grants. */
export const IMDS_TOKEN_TTL_SECONDS = 21_600;
/** Renew this long before the token expires, so a poll never races the expiry. */
const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;
export const IMDS_REQUEST_TIMEOUT_MS = 2_000;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Spot interruption notice from `spot/instance-action`. */
export interface InstanceAction {
  action: string;
  time: string;
}

/** Rebalance recommendation from `events/recommendations/rebalance`. */
export interface RebalanceRecommendation {
  noticeTime: string;
}

export interface ImdsClientOptions {
  clock: Pick<AgentClock, 'now'>;
  fetch?: FetchLike;
  /** Base URL; the CLI passes `AWS_EC2_METADATA_SERVICE_ENDPOINT` when set. */
  endpoint?: string;
  /**
   * The signal that bounds one request. Real time on purpose, not the agent clock: it guards a real
   * socket, and a virtual clock that jumps to its next timer in tests would abort requests still in flight.
   */
  requestTimeout?: (ms: number) => AbortSignal;
}

export class ImdsClient {
  private readonly clock: Pick<AgentClock, 'now'>;
  private readonly fetch: FetchLike;
  private readonly endpoint: string;
  private readonly requestTimeout: (ms: number) => AbortSignal;
  private token: { value: string; renewAt: number } | undefined;

  constructor(options: ImdsClientOptions) {
    this.clock = options.clock;
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.endpoint = (options.endpoint ?? IMDS_DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.requestTimeout = options.requestTimeout ?? ((ms) => AbortSignal.timeout(ms));
  }

  /** The Spot interruption notice, or null while there is none (IMDS answers 404). */
  async instanceAction(): Promise<InstanceAction | null> {
    const body = await this.getOptional('/latest/meta-data/spot/instance-action');
    if (body === null) return null;
    const parsed = parseJson(body, 'spot/instance-action') as Partial<InstanceAction>;
    return { action: String(parsed.action ?? 'unknown'), time: String(parsed.time ?? '') };
  }

  /** The rebalance recommendation, or null while there is none. */
  async rebalanceRecommendation(): Promise<RebalanceRecommendation | null> {
    const body = await this.getOptional('/latest/meta-data/events/recommendations/rebalance');
    if (body === null) return null;
    const parsed = parseJson(body, 'events/recommendations/rebalance') as Partial<RebalanceRecommendation>;
    return { noticeTime: String(parsed.noticeTime ?? '') };
  }

  async instanceId(): Promise<string> {
    const body = await this.getOptional('/latest/meta-data/instance-id');
    if (body === null) throw new ImdsError('IMDS has no instance-id', 404);
    return body.trim();
  }

  async region(): Promise<string> {
    const body = await this.getOptional('/latest/meta-data/placement/region');
    if (body === null) throw new ImdsError('IMDS has no placement/region', 404);
    return body.trim();
  }

  /** GET with a token; a 401 means the token was revoked or expired early, so renew once and retry. */
  private async getOptional(path: string): Promise<string | null> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.currentToken(attempt > 0);
      const response = await this.request(path, {
        method: 'GET',
        headers: { 'X-aws-ec2-metadata-token': token },
      });
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        continue;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new ImdsError(`IMDS GET ${path} answered ${response.status}`, response.status);
      }
      return response.text();
    }
  }

  private async currentToken(forceRenew: boolean): Promise<string> {
    const now = this.clock.now().getTime();
    if (!forceRenew && this.token && now < this.token.renewAt) return this.token.value;
    const response = await this.request('/latest/api/token', {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL_SECONDS) },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ImdsError(`IMDS token request answered ${response.status}`, response.status);
    }
    const value = (await response.text()).trim();
    if (value === '') throw new ImdsError('IMDS returned an empty token');
    this.token = { value, renewAt: now + IMDS_TOKEN_TTL_SECONDS * 1000 - TOKEN_RENEW_MARGIN_MS };
    return value;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(`${this.endpoint}${path}`, {
        ...init,
        signal: this.requestTimeout(IMDS_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ImdsError(`IMDS ${init.method} ${path} failed: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
  }
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ImdsError(`IMDS ${what} is not JSON: ${body.slice(0, 80)}`, undefined, { cause: error });
  }
}
