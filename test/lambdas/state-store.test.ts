import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { type HubState, initialHubState } from '../../core/messages.ts';
import { makeHandler } from '../../lambdas/state-store/index.ts';
import {
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
let clock: ReturnType<typeof clockAt>;

const invoke = (input: unknown) =>
  makeHandler({ clients: aws.clients, config, clock, observability: quietObservability() })(
    input,
    lambdaContext,
  );

beforeEach(() => {
  aws.reset();
  store = fakeParameterStore(aws.mocks.ssm);
  clock = clockAt('2026-11-24T10:00:00Z');
});

describe('state-store', () => {
  it('get answers the initial state and disabled provisioning when SSM has nothing (ParameterNotFound)', async () => {
    expect(await invoke({ action: 'get' })).toEqual({
      provisioning: 'disabled',
      state: { ...initialHubState(new Date()), updated_at: '2026-11-24T10:00:00Z' },
    });
    expect(aws.regions.ssm?.every((r) => r === 'us-east-1')).toBe(true);
  });

  it('get hides exclusions whose TTL has expired, so the region is eligible again', async () => {
    await invoke({ action: 'exclude', region: 'eu-west-1', reason: 'InsufficientInstanceCapacity' });
    clock.advance(config.exclusionTtlSeconds * 1000 - 1000);
    expect(await invoke({ action: 'get' })).toMatchObject({
      state: { excluded_regions: [{ region: 'eu-west-1' }] },
    });
    clock.advance(1000);
    expect(await invoke({ action: 'get' })).toMatchObject({ state: { excluded_regions: [] } });
  });

  it('exclude records the region, reason and until = now + exclusionTtlSeconds, and returns the new state', async () => {
    const state = (await invoke({
      action: 'exclude',
      region: 'eu-west-1',
      reason: 'LaunchTimeout',
    })) as HubState;
    expect(state.excluded_regions).toEqual([
      { region: 'eu-west-1', reason: 'LaunchTimeout', until: '2026-11-24T10:30:00Z' },
    ]);
    expect(store.state()).toEqual(state);
    const put = aws.mocks.ssm.commandCalls(PutParameterCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Name: n.stateParameter, Overwrite: true, Type: 'String' });
  });

  it('set_status, record_running and register_loss_token each write their transition', async () => {
    await invoke({ action: 'set_status', status: 'PROVISIONING' });
    expect(store.state().status).toBe('PROVISIONING');

    await invoke({ action: 'record_running', region: 'us-west-2', lifecycle: 'spot', instances: [instance] });
    expect(store.state()).toMatchObject({
      status: 'RUNNING',
      region: 'us-west-2',
      lifecycle: 'spot',
      instances: [instance],
    });

    await invoke({ action: 'register_loss_token', task_token: 'tok-1', region: 'us-west-2' });
    expect(store.state()).toMatchObject({ loss_token: 'tok-1', status: 'RUNNING' });
  });

  it('register_loss_token answers at once when the region was already reported lost', async () => {
    let writesBeforeAnswer = -1;
    aws.mocks.sfn.on(SendTaskSuccessCommand).callsFake(async () => {
      writesBeforeAnswer = aws.mocks.ssm.commandCalls(PutParameterCommand).length;
      return {};
    });
    await invoke({ action: 'record_running', region: 'us-west-2', lifecycle: 'spot', instances: [instance] });
    store.setState({
      ...store.state(),
      pending_losses: [
        { region: 'us-west-2', reason: 'SpotInterruption', instance_id: instance.instance_id },
      ],
    });

    const state = (await invoke({
      action: 'register_loss_token',
      task_token: 'tok-2',
      region: 'us-west-2',
    })) as HubState;

    const sent = aws.mocks.sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(sent?.taskToken).toBe('tok-2');
    expect(JSON.parse(sent?.output ?? '')).toEqual({
      region: 'us-west-2',
      reason: 'SpotInterruption',
      instance_id: 'i-0abc',
    });
    expect(state).toMatchObject({ loss_token: null, pending_losses: [] });
    expect(store.state()).toMatchObject({ loss_token: null, pending_losses: [] });
    // Nothing written after the answer: the answered Orchestrator writes the state next.
    expect(aws.mocks.ssm.commandCalls(PutParameterCommand)).toHaveLength(writesBeforeAnswer);
  });

  it('register_loss_token keeps waiting when only another region was reported lost', async () => {
    await invoke({ action: 'record_running', region: 'us-west-2', lifecycle: 'spot', instances: [instance] });
    store.setState({
      ...store.state(),
      pending_losses: [{ region: 'eu-west-1', reason: 'x', instance_id: null }],
    });
    await invoke({ action: 'register_loss_token', task_token: 'tok-3', region: 'us-west-2' });
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
    expect(store.state().loss_token).toBe('tok-3');
  });

  it('keeps other fields when it changes one', async () => {
    store.setState({ ...initialHubState(new Date()), teardown_pending: ['eu-west-1'], loss_token: 'keep' });
    await invoke({ action: 'set_status', status: 'NOT_AVAILABLE' });
    expect(store.state()).toMatchObject({ teardown_pending: ['eu-west-1'], loss_token: 'keep' });
  });

  it.each([
    [0, 30],
    [2, 120],
    [10, 600],
  ])('next_backoff for attempt %d is %d seconds (capped at maxBackoffSeconds)', async (attempt, seconds) => {
    expect(await invoke({ action: 'next_backoff', attempt })).toEqual({ seconds });
    expect(aws.mocks.ssm.calls()).toHaveLength(0);
  });

  it('ignores fields it does not know, such as the execution id passed for logging', async () => {
    expect(await invoke({ action: 'next_backoff', attempt: 1, execution: 'arn:exec', extra: 1 })).toEqual({
      seconds: 60,
    });
  });

  it.each([
    [{ action: 'explode' }, 'action'],
    [{}, 'action'],
    [null, '(root)'],
    [{ action: 'set_status', status: 'SLEEPING' }, 'status'],
    [{ action: 'exclude', region: 'eu-west-1' }, 'reason'],
    [
      { action: 'record_running', region: 'us-west-2', lifecycle: 'spot', instances: [{ instance_id: 'i' }] },
      'instances.0',
    ],
    [{ action: 'next_backoff', attempt: -1 }, 'attempt'],
    [{ action: 'register_loss_token', region: 'us-west-2' }, 'task_token'],
  ])('rejects %j with a StateStoreInputError naming %s', async (input, field) => {
    await expect(invoke(input)).rejects.toMatchObject({
      name: 'StateStoreInputError',
      issues: expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${field.replace(/[().]/g, '\\$&')}`)),
      ]),
    });
    expect(aws.mocks.ssm.calls()).toHaveLength(0);
  });

  it('lets SSM throttling propagate so the Orchestrator Retry can back off', async () => {
    aws.mocks.ssm.on(GetParameterCommand).rejects(awsError('ThrottlingException'));
    await expect(invoke({ action: 'get' })).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('fails with StateDocumentError on a corrupt document instead of overwriting it', async () => {
    store.parameters.set(n.stateParameter, 'not json');
    await expect(invoke({ action: 'set_status', status: 'RUNNING' })).rejects.toMatchObject({
      name: 'StateDocumentError',
    });
    expect(store.parameters.get(n.stateParameter)).toBe('not json');
  });
});
