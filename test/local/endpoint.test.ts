import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { startWorkloadServer, type WorkloadServer } from '../../emulator/workload-server.ts';
import { createLocalEndpoint, type EndpointTarget } from '../../local/endpoint.ts';
import { settingsFromEnv } from '../../local/server-settings.ts';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise((r) => server.close(r)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function replica(instanceId: string, region = 'us-west-2'): Promise<WorkloadServer> {
  const clock = virtualClock();
  const server = await startWorkloadServer({
    instanceId,
    region,
    model: 'm',
    healthPath: '/health',
    clock,
    readyAt: clock.now(),
  });
  open.push({ close: () => server.stop() });
  return server;
}

const target = (s: WorkloadServer, instanceId: string, weight = 128): EndpointTarget => ({
  url: s.url,
  region: 'us-west-2',
  instanceId,
  weight,
});
const ask = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('local endpoint', () => {
  it('forwards a chat completion, body included, to a ready replica and names it', async () => {
    const one = await replica('i-0aaa');
    const url = await listen(createLocalEndpoint({ targets: async () => [target(one, 'i-0aaa')] }));
    const res = await ask(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-spotplane-replica')).toBe('us-west-2/i-0aaa');
    expect(
      ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe('Hello from i-0aaa in us-west-2.');
  });

  it('answers 503 with Retry-After while no replica is ready, and never hangs', async () => {
    const url = await listen(createLocalEndpoint({ targets: async () => [], retryAfterSeconds: 7 }));
    const res = await ask(url);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { message: string }).message).toMatch(/No replica is ready/);
  });

  it('sends a request a dead replica refused to another ready one, and 503s when all refuse', async () => {
    const alive = await replica('i-0bbb');
    const dead = await replica('i-0ccc');
    const deadTarget = target(dead, 'i-0ccc', 255);
    await dead.stop();
    const url = await listen(
      createLocalEndpoint({ targets: async () => [deadTarget, target(alive, 'i-0bbb', 1)] }),
    );
    for (let i = 0; i < 4; i++) {
      const res = await ask(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-spotplane-replica')).toBe('us-west-2/i-0bbb');
    }
    const allDead = await listen(createLocalEndpoint({ targets: async () => [deadTarget] }));
    const res = await ask(allDead);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('spreads requests over replicas by weight and skips weight 0 (drained)', async () => {
    const a = await replica('i-0ddd');
    const b = await replica('i-0eee');
    const c = await replica('i-0fff');
    const url = await listen(
      createLocalEndpoint({
        targets: async () => [target(a, 'i-0ddd', 3), target(b, 'i-0eee', 1), target(c, 'i-0fff', 0)],
      }),
    );
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push((await ask(url)).headers.get('x-spotplane-replica') ?? '');
    expect(seen.filter((s) => s.endsWith('i-0ddd'))).toHaveLength(6);
    expect(seen.filter((s) => s.endsWith('i-0eee'))).toHaveLength(2);
  });
});

describe('npm start settings', () => {
  it('puts the endpoint on PORT + 1 unless ENDPOINT_PORT says otherwise, naming a bad value', () => {
    expect(settingsFromEnv({}).endpointPort).toBe(8788);
    expect(settingsFromEnv({ PORT: '9000' }).endpointPort).toBe(9001);
    expect(settingsFromEnv({ ENDPOINT_PORT: '9100' }).endpointPort).toBe(9100);
    expect(() => settingsFromEnv({ ENDPOINT_PORT: 'x' })).toThrow(/ENDPOINT_PORT must be an integer/);
    expect(() => settingsFromEnv({ PORT: '9000', ENDPOINT_PORT: '9000' })).toThrow(
      /ENDPOINT_PORT must differ from PORT/,
    );
  });
});
