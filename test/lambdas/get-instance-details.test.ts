/**
 * GET /spot-instances: the spec and the Orchestrator's last status from the state table, in the contract's
 * shape (ARCHITECTURE.md, with the round-2 fields). Against LocalCloud's DynamoDB.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initialMemory, type StatusItem } from '../../core/plan/index.ts';
import { makeHandler } from '../../lambdas/get-instance-details/index.ts';
import { errorBody, spotInstancesBody } from './api-contract.ts';
import { apiEvent, lambdaContext } from './helpers.ts';
import { hubHarness } from './hub-harness.ts';

let h: Awaited<ReturnType<typeof hubHarness>>;
afterEach(async () => {
  await h?.close();
});

const get = async (path = '/spot-instances', method = 'GET') => {
  const result = await makeHandler(h.deps)(apiEvent(method, path), lambdaContext);
  return { statusCode: result.statusCode, json: JSON.parse(String(result.body)) };
};

const running: StatusItem = {
  version: 3,
  generation: 1,
  orchestrator: { execution: 'x', run: 1, cycle: 2 },
  view: {
    status: 'RUNNING',
    region: 'us-west-2',
    instances: [
      {
        instance_id: 'i-0abc',
        public_ip: '54.1.2.3',
        private_ip: '10.0.0.12',
        instance_type: 'g6.xlarge',
        availability_zone: 'us-west-2b',
        lifecycle: 'spot',
        launch_time: '2026-11-24T09:58:01Z',
        region: 'us-west-2',
        ready: true,
      },
    ],
    excluded_regions: [
      { region: 'eu-west-1', reason: 'SpotInterruption', until: '2026-11-24T10:30:00Z' },
      { region: 'us-east-1', reason: 'LaunchTimeout', until: '2026-11-24T09:59:00Z' },
    ],
    replicas: { target: 1, spare: 0, ready: 1 },
    regions: ['us-west-2'],
    last_move: { from: 'eu-west-1', to: 'us-west-2', reason: 'SpotInterruption', at: '2026-11-24T09:58:30Z' },
    endpoint: null,
    updated_at: '2026-11-24T09:59:59Z',
  },
  memory: initialMemory(),
  observed_at: '2026-11-24T09:59:59Z',
};

describe('GetInstanceDetails', () => {
  it('answers DISABLED, nothing running, before anything was ever written', async () => {
    h = await hubHarness();
    const { statusCode, json } = await get();
    expect(statusCode).toBe(200);
    expect(spotInstancesBody.parse(json)).toMatchObject({
      provisioning: 'disabled',
      status: 'DISABLED',
      region: null,
      instances: [],
      replicas: { target: 1, spare: 0, ready: 0 },
      last_move: null,
      endpoint: null,
      updated_at: '2026-11-24T10:00:00Z',
    });
  });

  it('answers the Orchestrator view in the contract shape, hiding exclusions that expired since', async () => {
    h = await hubHarness();
    await h.table.writeSpec(() => ({
      enabled: true,
      teardown: false,
      generation: 1,
      updated_at: '2026-11-24T09:50:00Z',
    }));
    await h.table.writeStatus(running, null);
    const body = spotInstancesBody.parse((await get()).json);
    expect(body).toMatchObject({
      provisioning: 'enabled',
      status: 'RUNNING',
      region: 'us-west-2',
      regions: ['us-west-2'],
    });
    expect(body.excluded_regions.map((e) => e.region)).toEqual(['eu-west-1']);
    expect(body.instances[0]).toMatchObject({ instance_id: 'i-0abc', region: 'us-west-2', ready: true });
  });

  it('shows a toggle at once, before the Orchestrator acted on it (TEARING_DOWN right after the disable)', async () => {
    h = await hubHarness();
    await h.table.writeStatus(running, null);
    await h.table.writeSpec(() => ({
      enabled: false,
      teardown: true,
      generation: 2,
      updated_at: '2026-11-24T10:00:00Z',
    }));
    expect((await get()).json).toMatchObject({
      provisioning: 'disabled',
      status: 'TEARING_DOWN',
      updated_at: '2026-11-24T10:00:00Z',
    });
  });

  it('reads the table on every request instead of caching', async () => {
    h = await hubHarness();
    expect((await get()).json.status).toBe('DISABLED');
    await h.table.writeSpec(() => ({
      enabled: true,
      teardown: false,
      generation: 1,
      updated_at: '2026-11-24T10:00:00Z',
    }));
    expect((await get()).json.status).toBe('PROVISIONING');
  });

  it('answers a 500 without internals when DynamoDB throttles', async () => {
    h = await hubHarness();
    h.cloud.injectFault({ service: 'dynamodb', action: 'GetItem', error: 'ThrottlingException' });
    const { statusCode, json } = await get();
    expect(statusCode).toBe(500);
    expect(JSON.stringify(json)).not.toMatch(/Throttling|at /);
  });

  it('answers 404 for another path and 405 for another method, with {message, errors}', async () => {
    h = await hubHarness();
    const other = await get('/nope');
    const post = await get('/spot-instances', 'POST');
    expect(other.statusCode).toBe(404);
    expect(errorBody.parse(other.json).message).toMatch(/\/nope/);
    expect(post.statusCode).toBe(405);
    expect(errorBody.parse(post.json).errors).toEqual(['method: use GET']);
  });
});
