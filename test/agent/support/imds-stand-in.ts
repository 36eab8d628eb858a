/**
 * A local IMDSv2 on 127.0.0.1: tokens are required for every GET (401 without or with a bad one),
 * the Spot notice answers 404 until a test sets it, and every request is recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  token: string | undefined;
  ttl: string | undefined;
  status: number;
}

export interface ImdsStandIn {
  endpoint: string;
  requests: RecordedRequest[];
  instanceId: string;
  setNotice(notice: { action: string; time: string } | null): void;
  setRebalance(notice: { noticeTime: string } | null): void;
  /** Invalidates every token issued so far (as if they expired). */
  revokeTokens(): void;
  /** Called on every poll of spot/instance-action, before it is answered. */
  onNoticePoll(hook: (count: number) => void): void;
  close(): Promise<void>;
}

export async function startImdsStandIn(instanceId = 'i-0123456789abcdef0'): Promise<ImdsStandIn> {
  const tokens = new Set<string>();
  const requests: RecordedRequest[] = [];
  let notice: { action: string; time: string } | null = null;
  let rebalance: { noticeTime: string } | null = null;
  let pollHook: (count: number) => void = () => {};
  let polls = 0;

  const answer = (req: IncomingMessage, res: ServerResponse, status: number, body = '') => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      token: req.headers['x-aws-ec2-metadata-token'] as string | undefined,
      ttl: req.headers['x-aws-ec2-metadata-token-ttl-seconds'] as string | undefined,
      status,
    });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };

  const server = createServer((req, res) => {
    req.resume();
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return answer(req, res, 400);
      const token = randomUUID();
      tokens.add(token);
      return answer(req, res, 200, token);
    }
    if (req.method !== 'GET') return answer(req, res, 405);
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token !== 'string' || !tokens.has(token)) return answer(req, res, 401);
    switch (req.url) {
      case '/latest/meta-data/instance-id':
        return answer(req, res, 200, instanceId);
      case '/latest/meta-data/placement/region':
        return answer(req, res, 200, 'us-west-2');
      case '/latest/meta-data/spot/instance-action':
        pollHook(++polls);
        return notice ? answer(req, res, 200, JSON.stringify(notice)) : answer(req, res, 404);
      case '/latest/meta-data/events/recommendations/rebalance':
        return rebalance ? answer(req, res, 200, JSON.stringify(rebalance)) : answer(req, res, 404);
      default:
        return answer(req, res, 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    instanceId,
    setNotice: (n) => {
      notice = n;
    },
    setRebalance: (n) => {
      rebalance = n;
    },
    revokeTokens: () => tokens.clear(),
    onNoticePoll: (hook) => {
      pollHook = hook;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
