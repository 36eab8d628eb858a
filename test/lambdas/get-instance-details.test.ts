import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { type HubState, initialHubState } from '../../core/messages.ts';
import { exclude, provisioningDisabled, teardownCompleted } from '../../core/state.ts';
import { makeHandler } from '../../lambdas/get-instance-details/index.ts';
import { errorBody, spotInstancesBody } from './api-contract.ts';
import {
  apiEvent,
  awsError,
  clockAt,
  config,
  fakeAws,
  fakeParameterStore,
  instance,
  lambdaContext,
  n,
  quietObservability,
} from './helpers.ts';

const aws = fakeAws();
let store: ReturnType<typeof fakeParameterStore>;
const t0 = new Date('2026-11-24T09:50:00Z');

const get = async (path = '/spot-instances') => {
  const h = makeHandler({
    clients: aws.clients,
    config,
    clock: clockAt('2026-11-24T10:01:00Z'),
    observability: quietObservability(),
  });
  const result = await h(apiEvent('GET', path), lambdaContext);
  return { ...result, json: JSON.parse(result.body as string) };
};

beforeEach(() => {
  aws.reset();
  store = fakeParameterStore(aws.mocks.ssm);
});

describe('GetInstanceDetails', () => {
  it('answers the contract document for a running deployment, hiding expired exclusions', async () => {
    let state: HubState = {
      ...initialHubState(t0),
      status: 'RUNNING',
      region: 'us-west-2',
      lifecycle: 'spot',
      instances: [instance],
    };
    state = exclude(state, { region: 'ap-south-1', reason: 'LaunchTimeout' }, t0, 60);
    state = exclude(
      state,
      { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity' },
      new Date('2026-11-24T10:00:00Z'),
      1800,
    );
    store.setState({ ...state, loss_token: 'secret-token', teardown_pending: [] });
    store.parameters.set(n.provisioningParameter, 'enabled');

    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    expect(result.json).toEqual({
      provisioning: 'enabled',
      status: 'RUNNING',
      region: 'us-west-2',
      instances: [instance],
      excluded_regions: [
        { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:00Z' },
      ],
      updated_at: '2026-11-24T10:00:00Z',
    });
    expect(result.body).not.toContain('secret-token');
  });

  it('answers DISABLED with no region and no instances before anything was ever written', async () => {
    const result = await get();
    expect(result.json).toEqual({
      provisioning: 'disabled',
      status: 'DISABLED',
      region: null,
      instances: [],
      excluded_regions: [],
      updated_at: '2026-11-24T10:01:00Z',
    });
  });

  it('shows nothing running as soon as the teardown has completed', async () => {
    const running = {
      ...initialHubState(t0),
      status: 'RUNNING' as const,
      region: 'us-west-2',
      instances: [instance],
    };
    let state = provisioningDisabled(running, t0, ['us-west-2']);
    store.setState(state);
    expect((await get()).json).toMatchObject({ status: 'TEARING_DOWN', region: 'us-west-2' });

    state = teardownCompleted(state, 'us-west-2', new Date('2026-11-24T10:00:30Z'));
    store.setState(state);
    expect((await get()).json).toMatchObject({ status: 'DISABLED', region: null, instances: [] });
  });

  it('reads SSM on every request instead of caching', async () => {
    await get();
    await get();
    expect(aws.mocks.ssm.commandCalls(GetParameterCommand)).toHaveLength(4);
  });

  it('answers a 500 without internals when the state document is corrupt', async () => {
    store.parameters.set(n.stateParameter, '{"status":"EXPLODED"}');
    const result = await get();
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('EXPLODED');
  });

  it('answers a 500 when the provisioning parameter holds something else', async () => {
    store.parameters.set(n.provisioningParameter, 'maybe');
    expect((await get()).statusCode).toBe(500);
  });

  it('answers a 500 when SSM throttles', async () => {
    aws.mocks.ssm.on(GetParameterCommand).rejects(awsError('ThrottlingException'));
    expect((await get()).statusCode).toBe(500);
  });

  it('answers 404 for another path and 405 for another method', async () => {
    expect((await get('/spot-instance')).statusCode).toBe(404);
    const h = makeHandler({
      clients: aws.clients,
      config,
      clock: clockAt(),
      observability: quietObservability(),
    });
    const result = await h(apiEvent('DELETE', '/spot-instances'), lambdaContext);
    expect(result.statusCode).toBe(405);
    expect(JSON.parse(result.body as string).errors).toEqual(['method: use GET']);
  });
});

describe('GetInstanceDetails against the contract in ARCHITECTURE.md', () => {
  // A clock with milliseconds: every time in the answer must still read `...:57Z`, never `...:57.793Z`.
  const getAt = async (iso: string, path = '/spot-instances', method = 'GET') => {
    const h = makeHandler({
      clients: aws.clients,
      config,
      clock: clockAt(iso),
      observability: quietObservability(),
    });
    const result = await h(apiEvent(method, path), lambdaContext);
    return { ...result, json: JSON.parse(result.body as string) };
  };

  it('shows times to the second when nothing was ever written', async () => {
    const result = await getAt('2026-11-24T10:00:57.793Z');
    expect(spotInstancesBody.parse(result.json).updated_at).toBe('2026-11-24T10:00:57Z');
  });

  it('shows times to the second for the initial document a deployment writes', async () => {
    store.setState(initialHubState(new Date('2026-11-24T10:00:57.793Z')));
    const result = await getAt('2026-11-24T10:01:00.250Z');
    expect(spotInstancesBody.parse(result.json).updated_at).toBe('2026-11-24T10:00:57Z');
  });

  it('shows every time in one format even when a writer stored milliseconds', async () => {
    store.setState({
      ...initialHubState(t0),
      status: 'RUNNING',
      region: 'us-west-2',
      lifecycle: 'spot',
      instances: [{ ...instance, launch_time: '2026-11-24T09:58:01.120Z' }],
      excluded_regions: [
        { region: 'eu-west-1', reason: 'SpotInterruption', until: '2026-11-24T10:30:00.500Z' },
      ],
      updated_at: '2026-11-24T09:59:59.999Z',
    });
    store.parameters.set(n.provisioningParameter, 'enabled');

    const body = spotInstancesBody.parse((await getAt('2026-11-24T10:01:00.250Z')).json);

    expect(body.instances[0]?.launch_time).toBe('2026-11-24T09:58:01Z');
    expect(body.excluded_regions[0]?.until).toBe('2026-11-24T10:30:00Z');
    expect(body.updated_at).toBe('2026-11-24T09:59:59Z');
  });

  it('answers 404 and 405 with {message, errors}', async () => {
    expect(errorBody.parse((await getAt('2026-11-24T10:00:00Z', '/nope')).json).message).toMatch(/\/nope/);
    const wrongMethod = await getAt('2026-11-24T10:00:00Z', '/spot-instances', 'POST');
    expect(wrongMethod.statusCode).toBe(405);
    expect(errorBody.parse(wrongMethod.json).errors).toEqual(['method: use GET']);
  });
});
