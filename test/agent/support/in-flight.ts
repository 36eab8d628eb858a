/**
 * What the agent has in flight outside its clock, so `drive()` moves the virtual clock only when the
 * agent is really idle. Requests are counted at the agent's injected seams (the IMDS `fetch` and the S3
 * client); file-system, DNS and socket requests that libuv is still working on are read from
 * `process.getActiveResourcesInfo()`.
 */
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FetchLike } from '../../../agent/imds.ts';

/**
 * libuv *request* resources: one-shot operations that end on their own (a read, an open, a connect, a
 * socket write). Handles (servers, sockets, timers) live on and would keep the clock stopped forever.
 */
const LIBUV_REQUESTS = new Set([
  // Names as Node 24 reports them (checked by hand); the rest are what older releases call the same.
  'FSReqCallback',
  'FSReqPromise',
  'CloseReq',
  'FileHandleCloseReq',
  'GetAddrInfoReqWrap',
  'GetNameInfoReqWrap',
  'QueryReqWrap',
  'ConnectWrap',
  'TCPConnectWrap',
  'PipeConnectWrap',
  'SimpleWriteWrap',
  'WriteWrap',
  'ShutdownWrap',
]);

export function libuvRequestsInFlight(): string[] {
  return process.getActiveResourcesInfo().filter((name) => LIBUV_REQUESTS.has(name));
}

const MIDDLEWARE_NAME = 'spotplaneTestInFlight';

export class InFlight {
  private count = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly tracked = new WeakSet<S3Client>();

  get requests(): number {
    return this.count;
  }

  /** Resolves once no counted request is in flight. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Counts one request from now until `release()` is called (once). */
  begin(): () => void {
    this.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.count > 0) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    };
  }

  /**
   * A fetch counted until its body has arrived: the body is read inside the counted span (IMDS answers
   * are a few bytes), so the agent never reads from a socket the clock does not know about.
   */
  fetch(inner: FetchLike = (url, init) => globalThis.fetch(url, init)): FetchLike {
    return async (url, init) => {
      const release = this.begin();
      try {
        const response = await inner(url, init);
        const body = await response.arrayBuffer();
        return new Response(body.byteLength > 0 ? body : null, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } finally {
        release();
      }
    };
  }

  /**
   * Counts every command the client sends, from the first middleware until its output is back, and a
   * streamed body (GetObject) until it has been read to the end or dropped. Adding it twice is a no-op.
   */
  s3<C extends S3Client>(client: C): C {
    if (this.tracked.has(client)) return client;
    this.tracked.add(client);
    client.middlewareStack.add(
      (next) => async (args) => {
        const release = this.begin();
        try {
          const result = await next(args);
          const body = (result.output as { Body?: unknown }).Body;
          if (body instanceof Readable && !body.readableEnded && !body.destroyed) {
            const streamRelease = this.begin();
            body.once('close', streamRelease);
            body.once('end', streamRelease);
            body.once('error', streamRelease);
          }
          return result;
        } finally {
          release();
        }
      },
      { step: 'initialize', name: MIDDLEWARE_NAME },
    );
    return client;
  }
}

/**
 * One per test worker: a test file's tests run one after another, and every agent run in them goes
 * through `drive()`, which reads this.
 */
export const agentInFlight = new InFlight();
