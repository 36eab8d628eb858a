import { DisableRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type HubState, initialHubState } from '../../core/messages.ts';
import { provisioningDisabled, teardownCompleted } from '../../core/state.ts';
import { METRIC } from '../../lambdas/shared/observability.ts';
import { makeHandler } from '../../lambdas/spot-capacity-handler/index.ts';
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
let observability: ReturnType<typeof quietObservability>;

const worker = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'evt-1',
  source: 'spotplane.worker',
  'detail-type': detailType,
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { prefix: 'sp', ...detail },
});

const invoke = (event: unknown) =>
  makeHandler({ clients: aws.clients, config, clock: clockAt('2026-11-24T10:05:00Z'), observability })(
    event,
    lambdaContext,
  );

const running: HubState = {
  ...initialHubState(new Date('2026-11-24T10:00:00Z')),
  status: 'RUNNING',
  region: 'us-west-2',
  lifecycle: 'spot',
  instances: [instance],
  loss_token: 'loss-token',
};

beforeEach(() => {
  aws.reset();
  store = fakeParameterStore(aws.mocks.ssm);
  observability = quietObservability();
  aws.mocks.sfn.on(SendTaskSuccessCommand).resolves({});
  aws.mocks.sfn.on(SendTaskFailureCommand).resolves({});
  aws.mocks.sfn.on(SendTaskHeartbeatCommand).resolves({});
  aws.mocks.eventBridge.on(DisableRuleCommand).resolves({});
});

describe('SpotCapacityHandler launch events', () => {
  it('answers Launch Succeeded with SendTaskSuccess carrying region and instances, and counts a launch', async () => {
    const addMetric = vi.spyOn(observability.metrics, 'addMetric');
    const append = vi.spyOn(observability.logger, 'appendKeys');
    const result = await invoke(
      worker('Launch Succeeded', { region: 'us-west-2', task_token: 'tok', instances: [instance] }),
    );
    expect(append).toHaveBeenCalledWith({ worker_region: 'us-west-2' });
    expect(append).toHaveBeenCalledWith({ instance: 'i-0abc' });

    expect(result).toEqual({ outcome: 'DELIVERED', kind: 'launch-succeeded' });
    const call = aws.mocks.sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(call?.taskToken).toBe('tok');
    expect(JSON.parse(call?.output ?? '')).toEqual({ region: 'us-west-2', instances: [instance] });
    expect(addMetric).toHaveBeenCalledWith(METRIC.launches, 'Count', 1);
    expect(aws.regions.sfn).toEqual(['us-east-1']);
  });

  it('answers Launch Failed with SendTaskFailure carrying error and cause, and counts a failure', async () => {
    const addMetric = vi.spyOn(observability.metrics, 'addMetric');
    await invoke(
      worker('Launch Failed', {
        region: 'eu-west-1',
        task_token: 'tok',
        error: 'InsufficientInstanceCapacity',
        cause: 'no g6',
      }),
    );
    expect(aws.mocks.sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
      taskToken: 'tok',
      error: 'InsufficientInstanceCapacity',
      cause: 'no g6',
    });
    expect(addMetric).toHaveBeenCalledWith(METRIC.launchFailures, 'Count', 1);
  });

  it('clips an over-long error and cause to the Step Functions limits', async () => {
    await invoke(
      worker('Launch Failed', {
        region: 'eu-west-1',
        task_token: 't',
        error: 'E'.repeat(300),
        cause: 'c'.repeat(40_000),
      }),
    );
    const input = aws.mocks.sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(input?.error).toHaveLength(256);
    expect(input?.cause).toHaveLength(32_768);
  });

  it('answers Launch Heartbeat with SendTaskHeartbeat', async () => {
    await invoke(worker('Launch Heartbeat', { region: 'eu-west-1', task_token: 'tok' }));
    expect(aws.mocks.sfn.commandCalls(SendTaskHeartbeatCommand)[0]?.args[0].input).toEqual({
      taskToken: 'tok',
    });
  });

  it.each(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'])(
    'acknowledges %s instead of failing',
    async (name) => {
      aws.mocks.sfn.on(SendTaskSuccessCommand).rejects(awsError(name));
      const result = await invoke(
        worker('Launch Succeeded', { region: 'us-west-2', task_token: 'old', instances: [] }),
      );
      expect(result).toEqual({ outcome: 'TOKEN_GONE', kind: 'launch-succeeded', detail: name });
    },
  );

  it('rethrows throttling so the asynchronous invocation is retried', async () => {
    aws.mocks.sfn.on(SendTaskHeartbeatCommand).rejects(awsError('ThrottlingException'));
    await expect(
      invoke(worker('Launch Heartbeat', { region: 'eu-west-1', task_token: 'tok' })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('SpotCapacityHandler Region Lost', () => {
  const lost = (region: string) =>
    worker('Region Lost', { region, reason: 'SpotInterruption', instance_id: 'i-0abc' });

  it('releases the loss token for the current region, then clears it, and counts a failover', async () => {
    store.setState(running);
    const addMetric = vi.spyOn(observability.metrics, 'addMetric');

    const result = await invoke(lost('us-west-2'));

    expect(result).toEqual({ outcome: 'DELIVERED', kind: 'region-lost' });
    const call = aws.mocks.sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(call?.taskToken).toBe('loss-token');
    expect(JSON.parse(call?.output ?? '')).toEqual({
      region: 'us-west-2',
      reason: 'SpotInterruption',
      instance_id: 'i-0abc',
    });
    expect(store.state().loss_token).toBeNull();
    expect(addMetric).toHaveBeenCalledWith(METRIC.failovers, 'Count', 1);
  });

  it.each([
    ['another region', running, 'eu-west-1', 'NOT_CURRENT_REGION'],
    ['a teardown', { ...running, status: 'TEARING_DOWN' as const }, 'us-west-2', 'TEARING_DOWN'],
  ])('ignores a loss during %s', async (_label, state, region, reason) => {
    store.setState(state);
    expect(await invoke(lost(region))).toEqual({ outcome: 'IGNORED', kind: 'region-lost', reason });
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
  });

  it('remembers a loss that arrives before the Orchestrator waits for one, without answering anything', async () => {
    store.setState({ ...running, loss_token: null });

    const result = await invoke(lost('us-west-2'));

    expect(result).toEqual({
      outcome: 'RECORDED',
      kind: 'region-lost',
      detail: 'no task waiting yet; remembered',
    });
    expect(store.state().pending_losses).toEqual([
      { region: 'us-west-2', reason: 'SpotInterruption', instance_id: 'i-0abc' },
    ]);
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
  });

  it('clears a stale loss token it could no longer deliver, but remembers the loss for the next wait', async () => {
    store.setState(running);
    aws.mocks.sfn.on(SendTaskSuccessCommand).rejects(awsError('TaskTimedOut'));
    expect(await invoke(lost('us-west-2'))).toMatchObject({ outcome: 'TOKEN_GONE' });
    expect(store.state().loss_token).toBeNull();
    expect(store.state().pending_losses).toEqual([
      { region: 'us-west-2', reason: 'SpotInterruption', instance_id: 'i-0abc' },
    ]);
  });

  it('does not remember a stale loss once the Orchestrator has moved to another region', async () => {
    store.setState(running);
    aws.mocks.sfn.on(SendTaskSuccessCommand).callsFake(async () => {
      store.setState({ ...store.state(), region: 'eu-west-1' });
      throw awsError('TaskTimedOut');
    });
    await invoke(lost('us-west-2'));
    expect(store.state().pending_losses ?? []).toEqual([]);
  });

  it('writes nothing after answering, so it cannot overwrite what the answered Orchestrator writes next', async () => {
    store.setState(running);
    let writesBeforeAnswer = -1;
    aws.mocks.sfn.on(SendTaskSuccessCommand).callsFake(async () => {
      writesBeforeAnswer = aws.mocks.ssm.commandCalls(PutParameterCommand).length;
      expect(store.state()).toMatchObject({ loss_token: null, pending_losses: [] });
      return {};
    });

    await invoke(lost('us-west-2'));

    expect(writesBeforeAnswer).toBeGreaterThan(0);
    expect(aws.mocks.ssm.commandCalls(PutParameterCommand)).toHaveLength(writesBeforeAnswer);
  });

  it('keeps the token when the answer was throttled, so the retry can deliver it', async () => {
    store.setState(running);
    aws.mocks.sfn.on(SendTaskSuccessCommand).rejects(awsError('ThrottlingException'));
    await expect(invoke(lost('us-west-2'))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(store.state().loss_token).toBe('loss-token');
  });
});

describe('SpotCapacityHandler Teardown Completed', () => {
  const done = (region: string, extra: Record<string, unknown> = {}) =>
    worker('Teardown Completed', { region, ...extra });

  it('drops each confirming region; the last one makes the hub DISABLED, leaving the always-on hub rules on', async () => {
    store.setState(
      provisioningDisabled(running, new Date('2026-11-24T10:01:00Z'), ['us-west-2', 'eu-west-1']),
    );
    store.parameters.set(n.provisioningParameter, 'disabled');

    expect(await invoke(done('us-west-2'))).toEqual({
      outcome: 'RECORDED',
      kind: 'teardown-completed',
      detail: 'pending: eu-west-1',
    });
    expect(store.state()).toMatchObject({
      status: 'TEARING_DOWN',
      teardown_pending: ['eu-west-1'],
      region: null,
      instances: [],
    });
    expect(aws.mocks.eventBridge.commandCalls(DisableRuleCommand)).toHaveLength(0);

    await invoke(done('eu-west-1'));
    expect(store.state()).toMatchObject({
      status: 'DISABLED',
      teardown_pending: [],
      region: null,
      instances: [],
    });
    expect(aws.mocks.eventBridge.commandCalls(DisableRuleCommand)).toHaveLength(0);
  });

  it('writes its confirmation again when a concurrent writer with an older document put its region back', async () => {
    const tearing = provisioningDisabled(running, new Date('2026-11-24T10:01:00Z'), [
      'us-west-2',
      'eu-west-1',
    ]);
    store.setState(tearing);
    store.parameters.set(n.provisioningParameter, 'disabled');
    // The other region's handler read `tearing` too, and its write lands right after ours.
    let raced = false;
    aws.mocks.ssm.on(PutParameterCommand).callsFake(async (input: { Name: string; Value: string }) => {
      store.parameters.set(input.Name, input.Value);
      if (!raced && input.Name === n.stateParameter) {
        raced = true;
        store.setState(teardownCompleted(tearing, 'eu-west-1', new Date('2026-11-24T10:02:00Z')));
      }
      return { Version: 1 };
    });

    await invoke(done('us-west-2'));

    expect(store.state()).toMatchObject({ status: 'DISABLED', teardown_pending: [] });
  });

  it('answers the token a teardown carries, without writing a state it does not change', async () => {
    store.setState({ ...running, region: 'eu-west-1' });
    const result = await invoke(done('us-west-2', { task_token: 'td-tok' }));
    expect(aws.mocks.ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(result).toEqual({ outcome: 'DELIVERED', kind: 'teardown-completed' });
    expect(
      JSON.parse(aws.mocks.sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? ''),
    ).toEqual({
      region: 'us-west-2',
    });
    expect(store.state()).toMatchObject({ status: 'RUNNING', region: 'eu-west-1' });
  });
});

describe('SpotCapacityHandler input it does not act on', () => {
  it('drops a malformed worker event without throwing, and counts it', async () => {
    const addMetric = vi.spyOn(observability.metrics, 'addMetric');
    const result = await invoke(worker('Launch Succeeded', { region: 'us-west-2', task_token: 't' }));
    expect(result).toMatchObject({
      outcome: 'DROPPED',
      reason: expect.stringContaining('detail.instances'),
    });
    expect(addMetric).toHaveBeenCalledWith(METRIC.droppedEvents, 'Count', 1);
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
  });

  it.each([
    [
      'a launch report of a fenced request (intent, no token: the level-triggered hub)',
      worker('Launch Succeeded', { region: 'us-west-2', intent: 3, instances: [] }),
      'NO_TASK_TOKEN',
    ],
    ['an unknown kind', { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }, 'UNKNOWN_EVENT'],
    [
      'an event of another deployment',
      {
        ...worker('Launch Heartbeat', { region: 'eu-west-1', task_token: 't' }),
        detail: { prefix: 'other', region: 'eu-west-1', task_token: 't' },
      },
      'OTHER_DEPLOYMENT',
    ],
    [
      'a hub event',
      {
        source: 'spotplane.hub',
        'detail-type': 'Teardown Requested',
        detail: { prefix: 'sp', target_region: 'eu-west-1' },
      },
      'NOT_A_WORKER_EVENT',
    ],
    [
      'an AWS capacity event',
      {
        source: 'aws.ec2',
        'detail-type': 'EC2 Instance Rebalance Recommendation',
        detail: { 'instance-id': 'i-0abc' },
      },
      'NOT_A_WORKER_EVENT',
    ],
  ])('ignores %s', async (_label, event, reason) => {
    expect(await invoke(event)).toMatchObject({ outcome: 'IGNORED', reason });
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
  });

  it.each([null, 'text', 42])('never throws on %j', async (event) => {
    expect(await invoke(event)).toMatchObject({ outcome: 'DROPPED' });
  });
});
