/**
 * The local HTTP server: the product API through the real handlers (as API Gateway HTTP API v2
 * events), the local-only routes, and the dashboard at `/`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpRequest, jsonResponse, serve } from '../core/http.ts';
import { serveDashboard } from '../dashboard/route.ts';
import type { LocalControlPlane } from './deployment.ts';
import type { HistoryRecorder } from './history.ts';
import { localRoutes } from './local-routes.ts';

/** API Gateway's payload limit is 10 MB; spotplane's bodies are tiny, so a much smaller cap is kinder. */
const MAX_BODY_BYTES = 64 * 1024;

export function createLocalServer(
  plane: LocalControlPlane,
  log: (line: string) => void = () => undefined,
  options: { history?: HistoryRecorder } = {},
): Server {
  const routes = localRoutes(plane, options.history);
  return createServer((req, res) => {
    // The HTTP Date is the simulated clock's: a client (spotplane.ts status) counts time left on it as on AWS.
    res.setHeader('date', plane.cloud.clock.now().toUTCString());
    if (serveDashboard(req, res)) return;
    handle(plane, routes, req)
      .then((out) => {
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
      })
      .catch((error: unknown) => {
        log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        const out = jsonResponse(500, { message: 'Internal error; see the server log', errors: [] });
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
      });
  });
}

async function handle(
  plane: LocalControlPlane,
  routes: ReturnType<typeof localRoutes>,
  req: IncomingMessage,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const url = new URL(req.url ?? '/', 'http://local');
  const method = (req.method ?? 'GET').toUpperCase();
  const { body, tooLarge } = await readBody(req);
  if (tooLarge) {
    return jsonResponse(413, {
      message: `Request body too large (max ${MAX_BODY_BYTES} bytes)`,
      errors: ['body: too large'],
    });
  }
  if (url.pathname.startsWith('/_local/')) {
    const request: HttpRequest = { method, path: url.pathname, headers: lowerHeaders(req), body };
    return serve(routes, request, () => undefined);
  }
  const result = await plane.handleApi(apiGatewayEvent(req, url, method, body, plane.cloud.clock.now()));
  return {
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: typeof result.body === 'string' ? result.body : '',
  };
}

/** The event API Gateway (HTTP API, payload format 2.0) would hand the Lambda for this request. */
export function apiGatewayEvent(
  req: Pick<IncomingMessage, 'headers' | 'socket'>,
  url: URL,
  method: string,
  body: string | null,
  now: Date,
): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(',') : (v ?? ''),
    ]),
  );
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket?.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== null ? { body } : {}),
    isBase64Encoded: false,
  };
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]),
  );
}

/** The body as text (null when there is none), or `tooLarge` past the cap. */
async function readBody(req: IncomingMessage): Promise<{ body: string | null; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { body: null, tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { body: text === '' ? null : text, tooLarge: false };
}
