import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMDS_REQUEST_TIMEOUT_MS, ImdsClient } from '../../agent/imds.ts';
import { manualClock } from '../../core/clock.ts';
import { type ImdsStandIn, startImdsStandIn } from './support/imds-stand-in.ts';

let imds: ImdsStandIn;
beforeEach(async () => {
  imds = await startImdsStandIn('i-0feedface0000001');
});
afterEach(async () => {
  await imds.close();
});

describe('ImdsClient (IMDSv2 only)', () => {
  it('reads the instance id, the notice once it appears, and 404 as "no notice"', async () => {
    const client = new ImdsClient({ clock: manualClock('2026-11-24T10:00:00Z'), endpoint: imds.endpoint });

    expect(await client.instanceId()).toBe('i-0feedface0000001');
    expect(await client.instanceAction()).toBeNull();
    expect(await client.rebalanceRecommendation()).toBeNull();
    imds.setNotice({ action: 'stop', time: '2026-11-24T10:02:00Z' });
    imds.setRebalance({ noticeTime: '2026-11-24T09:58:00Z' });
    expect(await client.instanceAction()).toEqual({ action: 'stop', time: '2026-11-24T10:02:00Z' });
    expect(await client.rebalanceRecommendation()).toEqual({ noticeTime: '2026-11-24T09:58:00Z' });
    expect(await client.region()).toBe('us-west-2');
  });

  it('reuses one token and renews it shortly before its 6-hour lifetime ends', async () => {
    const clock = manualClock('2026-11-24T10:00:00Z');
    const client = new ImdsClient({ clock, endpoint: imds.endpoint });

    await client.instanceAction();
    clock.advance(5 * 3600_000);
    await client.instanceAction();
    const puts = () => imds.requests.filter((r) => r.method === 'PUT').length;
    expect(puts()).toBe(1);
    clock.advance(56 * 60_000);
    await client.instanceAction();

    expect(puts()).toBe(2);
    expect(imds.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('renews once on 401 and gives up with an ImdsError if the new token is refused too', async () => {
    // Every token stops working as soon as it is issued.
    const revokingFetch = async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      if (init.method === 'PUT') imds.revokeTokens();
      return response;
    };
    const client = new ImdsClient({
      clock: manualClock('2026-11-24T10:00:00Z'),
      endpoint: imds.endpoint,
      fetch: revokingFetch,
    });

    await expect(client.instanceAction()).rejects.toMatchObject({ name: 'ImdsError', status: 401 });
    expect(imds.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'PUT 200',
      'GET 401',
      'PUT 200',
      'GET 401',
    ]);
    // Never a request without a token, not even as a last resort.
    expect(imds.requests.filter((r) => r.method === 'GET').every((r) => r.token !== undefined)).toBe(true);
  });

  it('reports an unreachable endpoint as an ImdsError', async () => {
    const client = new ImdsClient({
      clock: manualClock('2026-11-24T10:00:00Z'),
      endpoint: 'http://127.0.0.1:9',
    });
    await expect(client.instanceAction()).rejects.toThrow(/IMDS PUT \/latest\/api\/token failed/);
  });

  it('reports a refused token request with its status', async () => {
    const client = new ImdsClient({
      clock: manualClock('2026-11-24T10:00:00Z'),
      endpoint: imds.endpoint,
      fetch: (url, init) => fetch(url, { ...init, headers: {} }),
    });
    await expect(client.instanceAction()).rejects.toMatchObject({ name: 'ImdsError', status: 400 });
  });

  it('bounds every request by a 2-second timeout and reports one that hangs as an ImdsError', async () => {
    const bounds: number[] = [];
    const timeout = new AbortController();
    // An endpoint that accepts the request and never answers.
    const hanging = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    const client = new ImdsClient({
      clock: manualClock('2026-11-24T10:00:00Z'),
      endpoint: imds.endpoint,
      fetch: hanging,
      requestTimeout: (ms) => {
        bounds.push(ms);
        return timeout.signal;
      },
    });

    const pending = client.instanceAction();
    timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));

    await expect(pending).rejects.toMatchObject({
      name: 'ImdsError',
      message: expect.stringMatching(/IMDS PUT \/latest\/api\/token failed: .*timeout/),
    });
    expect(bounds).toEqual([IMDS_REQUEST_TIMEOUT_MS]);
    expect(IMDS_REQUEST_TIMEOUT_MS).toBe(2_000);
  });
});
