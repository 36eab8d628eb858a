import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../core/config.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { createLocalServer } from '../../local/http-server.ts';
import { settingsFromEnv } from '../../local/server-settings.ts';
import type { localStateWithTable } from '../../local/views.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

interface ErrorBody {
  message: string;
  errors: string[];
}
type StateBody = Awaited<ReturnType<typeof localStateWithTable>>;
const body = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('local HTTP server', () => {
  let base: string;
  let close: () => Promise<void>;
  let plane: LocalControlPlane;

  // One deployment for the file (building one takes a second); the test that changes it runs last.
  beforeAll(async () => {
    plane = await LocalControlPlane.create({
      config: parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-east-1', 'us-west-2'] }),
      clock: virtualClock('2026-11-24T10:00:00Z'),
      logLevel: 'SILENT',
    });
    const server = createLocalServer(plane);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
  });

  const post = (path: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('serves the product API through the real handlers', async () => {
    const res = await fetch(`${base}/spot-instances`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      provisioning: 'disabled',
      status: 'DISABLED',
      region: null,
      instances: [],
    });
  });

  it("sends the simulated clock's time as the HTTP Date, so clients count time left as on AWS", async () => {
    const res = await fetch(`${base}/spot-instances`);
    expect(res.headers.get('date')).toBe(plane.cloud.clock.now().toUTCString());
  });

  it('answers the product API contract errors: 400 for a bad body, 404 unknown route, 405 wrong method', async () => {
    const bad = await post('/spot-provisioning', '{"action":"launch"}');
    const unknown = await fetch(`${base}/nope`);
    const wrongMethod = await fetch(`${base}/spot-provisioning`);
    expect(bad.status).toBe(400);
    expect((await body<ErrorBody>(bad)).errors.join(' ')).toContain('action');
    expect(unknown.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
  });

  it('reports each region with its market, capacity, ASG and tasks in /_local/state', async () => {
    const state = await body<StateBody>(await fetch(`${base}/_local/state`));
    expect(state.regions.map((r) => r.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(state.regions[1]).toMatchObject({
      asg_desired: 0,
      instances: [],
      ecs_tasks: [],
      capacity_available: true,
    });
    expect(typeof state.regions[1]?.placement_score).toBe('number');
    expect(typeof state.regions[1]?.spot_price).toBe('number');
    expect(state.state_table).toEqual({});
    expect(state.rules.length).toBeGreaterThan(0);
    expect(state.executions).toEqual([]);
  });

  it.each([
    ['/_local/interrupt', '{}', 'region'],
    ['/_local/interrupt', '{"region":"mars-north-1"}', 'region'],
    ['/_local/capacity', '{"region":"us-west-2","available":"no"}', 'available'],
    ['/_local/market', '{"region":"us-west-2","placement_score":11}', 'placement_score'],
    ['/_local/market', '{"region":"us-west-2","spot_price":-1}', 'spot_price'],
    ['/_local/market', '{"region":"us-west-2","price":1}', 'price'],
    ['/_local/market', 'not json', 'body'],
  ])('answers POST %s %s with a 400 naming %s', async (path, payload, field) => {
    const res = await post(path, payload);
    const json = await body<ErrorBody>(res);
    expect(res.status).toBe(400);
    expect(json.errors.join(' ')).toContain(field);
  });

  it('answers 404 for an unknown local route and 405 for a wrong method', async () => {
    expect((await fetch(`${base}/_local/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/_local/interrupt`)).status).toBe(405);
  });

  it('serves the dashboard at /', async () => {
    const res = await fetch(`${base}/`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/_local/executions');
  });

  it('sets the market, exhausts capacity and interrupts through the /_local controls', async () => {
    const market = await post(
      '/_local/market',
      '{"region":"us-west-2","placement_score":2,"spot_price":0.81}',
    );
    const capacity = await post('/_local/capacity', '{"region":"us-west-2","available":false}');
    const interrupt = await post('/_local/interrupt', '{"region":"us-west-2"}');
    const west = plane.cloud.region('us-west-2').market.inputs();
    expect([market.status, capacity.status, interrupt.status]).toEqual([200, 200, 200]);
    expect(west).toMatchObject({ placementScore: 2, spotPrice: 0.81, capacityAvailable: false });
    expect((await body<ErrorBody>(interrupt)).message).toMatch(/nothing to interrupt/);
  });
});

describe('npm start settings', () => {
  it('defaults to port 8787, time x10, hub us-east-1 with four workers', () => {
    const s = settingsFromEnv({});
    expect(s).toMatchObject({ port: 8787, scale: 10, logLevel: 'SILENT' });
    expect(s.config.workerRegions).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SPOTPLANE_TIME_SCALE: '0' }, 'SPOTPLANE_TIME_SCALE'],
    [{ SPOTPLANE_LOG_LEVEL: 'LOUD' }, 'SPOTPLANE_LOG_LEVEL'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => settingsFromEnv(env)).toThrow(name);
  });

  it('rejects an invalid SPOTPLANE_CONFIG naming the field', () => {
    const attempt = () => settingsFromEnv({ SPOTPLANE_CONFIG: '{"workerRegions":["mars-1"]}' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('workerRegions');
  });
});
