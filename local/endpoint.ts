/**
 * The workload's stable endpoint, locally: one URL in front of the replicas' stand-in servers, the way
 * Global Accelerator fronts the instances on AWS. It forwards only to ready replicas (http-proxy-3
 * does the forwarding), spreads requests over them by weight, tries another replica when one refuses
 * the connection (it died between two health checks), and answers 503 with `Retry-After` while none
 * is ready: never a hang (a bounded proxy timeout), never a reset connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';

/** A replica the endpoint may send a request to. */
export interface EndpointTarget {
  url: string;
  region: string;
  instanceId: string;
  /** Share of the traffic relative to the other targets' (GA weights 1-255). */
  weight: number;
}

export interface LocalEndpointOptions {
  /** The ready replicas now (asked for every request: readiness changes with every move). */
  targets(): Promise<EndpointTarget[]>;
  /** Seconds a client is told to wait when no replica is ready. */
  retryAfterSeconds?: number;
  /** Real milliseconds a replica has to answer before the request is given up with a 503. */
  proxyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Picks by weight, round-robin style, skipping the replicas already tried for this request. */
function pick(
  targets: readonly EndpointTarget[],
  counter: number,
  tried: ReadonlySet<string>,
): EndpointTarget | undefined {
  const open = targets.filter((t) => !tried.has(t.url) && t.weight > 0);
  const total = open.reduce((n, t) => n + t.weight, 0);
  if (total === 0) return undefined;
  let slot = counter % total;
  for (const t of open) {
    if (slot < t.weight) return t;
    slot -= t.weight;
  }
  return open[0];
}

function unavailable(res: ServerResponse, retryAfterSeconds: number, why: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({
    message: `No replica is ready to serve: ${why}`,
    retry_after_seconds: retryAfterSeconds,
  });
  res.writeHead(503, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'retry-after': String(retryAfterSeconds),
  });
  res.end(body);
}

/** Reads the request body once, so a request can be sent to a second replica after the first refused it. */
async function bufferBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The endpoint's HTTP server (not listening yet).
 *
 * @example
 * const server = createLocalEndpoint({ targets: async () => [{ url: 'http://127.0.0.1:4000', region: 'us-west-2', instanceId: 'i-1', weight: 128 }] });
 * server.listen(8788, '127.0.0.1');
 */
export function createLocalEndpoint(options: LocalEndpointOptions): Server {
  const retryAfter = options.retryAfterSeconds ?? 5;
  const proxy = createProxyServer({ proxyTimeout: options.proxyTimeoutMs ?? 60_000, xfwd: true });
  let counter = 0;
  return createServer((req, res) => {
    void (async () => {
      const body = await bufferBody(req);
      const tried = new Set<string>();
      const attempt = async (): Promise<void> => {
        const target = pick(await options.targets(), counter++, tried);
        if (!target) {
          unavailable(
            res,
            retryAfter,
            tried.size > 0 ? 'the ready replicas refused the request' : 'none is ready',
          );
          return;
        }
        tried.add(target.url);
        res.setHeader('x-spotplane-replica', `${target.region}/${target.instanceId}`);
        await new Promise<void>((resolve) => {
          proxy.web(req, res, { target: target.url, buffer: bodyStream(body) }, (error) => {
            options.log?.(`endpoint: ${target.region}/${target.instanceId}: ${(error as Error).message}`);
            // Nothing sent yet: the replica is gone; another one may take the request.
            if (!res.headersSent) void attempt().then(resolve);
            else {
              res.end();
              resolve();
            }
          });
          res.once('finish', () => resolve());
          res.once('close', () => resolve());
        });
      };
      await attempt();
    })().catch((error: unknown) => {
      options.log?.(`endpoint: ${(error as Error).message}`);
      unavailable(res, retryAfter, 'the endpoint failed to forward the request');
    });
  });
}

/** A fresh readable of `body` for each attempt (http-proxy-3 pipes `buffer` instead of the request). */
const bodyStream = (body: Buffer) => Readable.from([body]);
