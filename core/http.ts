/**
 * A small, pure HTTP layer for spotplane's API: routes, JSON bodies validated with zod, and the error
 * mapping of the public contract (400 with `{message, errors}`, 404, 405, and a body-less-of-internals
 * 500). The API Gateway adapter (lambdas/shared/http.ts) and the local server both sit on it.
 */
import { z } from 'zod';
import { describeIssues } from './config.ts';
import { HttpError } from './errors.ts';

export interface HttpRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** Raw body text (already base64-decoded), or null when there is none. */
  body: string | null;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export { HttpError };

export interface RouteResult {
  statusCode?: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  handle(request: HttpRequest): Promise<RouteResult>;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON response with `content-type: application/json` (and any extra headers). */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/**
 * Reads a JSON body and validates it. Every failure is a 400 naming the field: a missing or
 * non-JSON body, unknown fields, wrong types, values outside the allowed set.
 */
export function parseJsonBody<S extends z.ZodType>(request: HttpRequest, schema: S): z.output<S> {
  if (request.body === null || request.body.trim() === '') {
    throw new HttpError(400, 'Request body is required: a JSON object', ['body: missing']);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body);
  } catch (cause) {
    throw new HttpError(400, 'Request body is not valid JSON', ['body: not valid JSON'], { cause });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const errors = describeIssues(result.error);
    throw new HttpError(400, `Invalid request body: ${errors.join('; ')}`, errors, { cause: result.error });
  }
  return result.data;
}

/** Strips a trailing slash so `/spot-instances/` and `/spot-instances` are one route. */
const normalizePath = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/**
 * Answers one request from a route table. Never throws: an error the route raised on purpose
 * (`HttpError`) is shown as is; anything else is reported to `onUnexpected` and answered with a 500
 * that reveals nothing about the internals.
 */
export async function serve(
  routes: readonly Route[],
  request: HttpRequest,
  onUnexpected: (error: unknown) => void,
): Promise<HttpResponse> {
  const path = normalizePath(request.path);
  const method = request.method.toUpperCase();
  const onPath = routes.filter((r) => r.path === path);
  if (onPath.length === 0) {
    return jsonResponse(404, { message: `No route for ${path}`, errors: [`path: unknown route ${path}`] });
  }
  const route = onPath.find((r) => r.method === method);
  if (!route) {
    const allowed = onPath.map((r) => r.method);
    return jsonResponse(
      405,
      {
        message: `Method ${method} is not allowed on ${path}`,
        errors: [`method: use ${allowed.join(', ')}`],
      },
      { allow: allowed.join(', ') },
    );
  }
  try {
    const result = await route.handle(request);
    return jsonResponse(result.statusCode ?? 200, result.body);
  } catch (error) {
    if (error instanceof HttpError) {
      return jsonResponse(error.statusCode, { message: error.message, errors: error.errors });
    }
    onUnexpected(error);
    return jsonResponse(500, { message: 'Internal error; the details are in the service logs', errors: [] });
  }
}

/** The schema for `POST /spot-provisioning`; `teardown` defaults to false. */
export const toggleRequestSchema = z.strictObject({
  action: z.enum(['enable', 'disable'], { error: 'must be "enable" or "disable"' }),
  teardown: z.boolean({ error: 'must be true or false' }).default(false),
});
export type ToggleRequest = z.output<typeof toggleRequestSchema>;
