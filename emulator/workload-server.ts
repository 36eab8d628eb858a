/**
 * A stand-in for the user's inference server: what a local ECS task runs instead of the container. It
 * listens on loopback and speaks the OpenAI-compatible subset spotplane's endpoint is used with:
 * `GET <health path>` (503 while the "model" loads, then 200), `GET /v1/models` and
 * `POST /v1/chat/completions` (a `chat.completion` whose reply names the replica's instance and
 * region). Loading ends when the task's simulated start time has passed on the run's clock.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.ts';

export interface WorkloadServerOptions {
  instanceId: string;
  region: string;
  /** The model id it claims to serve. */
  model: string;
  /** The container's health check path (e.g. `/health`). */
  healthPath: string;
  clock: Clock;
  /** When the server is done loading and answers requests (clock time). */
  readyAt: Date;
}

/** A running stand-in; `stop()` closes it and every connection, as a stopped container does. */
export interface WorkloadServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
const openAiError = (message: string, param: string | null) => ({
  error: { message, type: 'invalid_request_error', param, code: null },
});

function chatProblem(body: unknown): { message: string; param: string } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { message: 'the body must be a JSON object', param: 'body' };
  }
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: 'messages must be a non-empty array', param: 'messages' };
  }
  const bad = messages.findIndex(
    (m) => typeof m !== 'object' || m === null || typeof (m as { role?: unknown }).role !== 'string',
  );
  if (bad >= 0)
    return { message: `messages[${bad}] must be an object with a role`, param: `messages.${bad}` };
  return null;
}

/**
 * Starts a stand-in on 127.0.0.1 (an ephemeral port).
 *
 * @example
 * const server = await startWorkloadServer({ instanceId: 'i-0abc', region: 'us-west-2', model: 'm', healthPath: '/health', clock, readyAt: clock.now() });
 */
export async function startWorkloadServer(o: WorkloadServerOptions): Promise<WorkloadServer> {
  const ready = () => o.clock.now().getTime() >= o.readyAt.getTime();
  let completions = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === o.healthPath && method === 'GET') {
      if (!ready()) send(res, 503, { status: 'loading' });
      else send(res, 200, { status: 'ok', instance_id: o.instanceId, region: o.region });
      return;
    }
    if (!ready()) {
      send(res, 503, openAiError('the model is still loading', null), { 'retry-after': '5' });
      return;
    }
    if (url.pathname === '/v1/models' && method === 'GET') {
      const created = Math.floor(o.readyAt.getTime() / 1000);
      send(res, 200, {
        object: 'list',
        data: [{ id: o.model, object: 'model', created, owned_by: 'spotplane-local' }],
      });
      return;
    }
    if (url.pathname === '/v1/chat/completions' && method === 'POST') {
      readJson(req)
        .then((body) => {
          const problem = chatProblem(body);
          if (problem) {
            send(res, 400, openAiError(problem.message, problem.param));
            return;
          }
          const content = `Hello from ${o.instanceId} in ${o.region}.`;
          const promptTokens = JSON.stringify((body as { messages: unknown[] }).messages).length >> 2;
          const completionTokens = content.split(' ').length;
          send(res, 200, {
            id: `chatcmpl-${o.instanceId}-${++completions}`,
            object: 'chat.completion',
            created: Math.floor(o.clock.now().getTime() / 1000),
            model: o.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: {
              prompt_tokens: promptTokens,
              completion_tokens: completionTokens,
              total_tokens: promptTokens + completionTokens,
            },
            system_fingerprint: `${o.region}/${o.instanceId}`,
          });
        })
        .catch(() => send(res, 400, openAiError('the body is not valid JSON', 'body')));
      return;
    }
    const known = ['/v1/models', '/v1/chat/completions', o.healthPath].includes(url.pathname);
    send(res, known ? 405 : 404, openAiError(`${method} ${url.pathname} is not served here`, null));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
