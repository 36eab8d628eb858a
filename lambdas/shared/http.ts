/**
 * Adapts API Gateway HTTP API (payload v2) events to the pure HTTP layer in core/http.ts, and back to
 * the `{ statusCode, headers, body }` result API Gateway expects.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpRequest, type HttpResponse, type Route, serve } from '../../core/http.ts';

/** Tolerates partial events (local callers, tests): every field falls back to something harmless. */
export function requestFromApiGateway(
  event: Partial<APIGatewayProxyEventV2> | null | undefined,
): HttpRequest {
  const method = event?.requestContext?.http?.method ?? 'GET';
  let path = event?.rawPath ?? event?.requestContext?.http?.path ?? '/';
  // A named stage appears as the first path segment of rawPath; the routes do not include it.
  const stage = event?.requestContext?.stage;
  if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    path = path.slice(stage.length + 1) || '/';
  }
  let body: string | null = typeof event?.body === 'string' ? event.body : null;
  if (body !== null && event?.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event?.headers ?? {})) headers[k.toLowerCase()] = v;
  return { method, path, headers, body };
}

/** The `{ statusCode, headers, body }` result API Gateway (HTTP API, payload v2) expects. */
export const toApiGatewayResult = (response: HttpResponse): APIGatewayProxyStructuredResultV2 => ({
  statusCode: response.statusCode,
  headers: response.headers,
  body: response.body,
});

/**
 * An API Gateway v2 handler over a route table; never throws (see `serve` in core/http.ts).
 *
 * @example
 * middy().handler(apiGatewayHandler(routes, (error) => logger.error('unexpected error', { error })));
 */
export function apiGatewayHandler(routes: readonly Route[], onUnexpected: (error: unknown) => void) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
    toApiGatewayResult(await serve(routes, requestFromApiGateway(event), onUnexpected));
}
