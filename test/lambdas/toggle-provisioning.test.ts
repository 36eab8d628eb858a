import {
  DisableRuleCommand,
  EnableRuleCommand,
  PutEventsCommand,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { initialHubState } from '../../core/messages.ts';
import { makeHandler } from '../../lambdas/toggle-provisioning/index.ts';
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

const orchestratorArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:sp-orchestrator';
const aws = fakeAws();

let store: ReturnType<typeof fakeParameterStore>;
let running: string[];
const startDates = new Map<string, Date>();

/** A tiny Step Functions: StartExecution adds a RUNNING execution that ListExecutions then reports. */
function fakeStepFunctions(pageSize?: number) {
  aws.mocks.sfn.on(ListExecutionsCommand).callsFake(async (input) => {
    const size = pageSize ?? input.maxResults ?? 100;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const page = running.slice(start, start + size);
    const next = start + size < running.length ? String(start + size) : undefined;
    return {
      executions: page.map((executionArn) => ({
        executionArn,
        status: 'RUNNING' as const,
        startDate: startDates.get(executionArn) ?? new Date(0),
      })),
      nextToken: next,
    };
  });
  aws.mocks.sfn.on(StartExecutionCommand).callsFake(async (input) => {
    const executionArn = `${input.stateMachineArn}:${input.name}`.replace(':stateMachine:', ':execution:');
    // Same name while running: AWS answers with the same execution instead of starting another.
    if (running.includes(executionArn)) return { executionArn, startDate: new Date() };
    running.push(executionArn);
    startDates.set(executionArn, new Date(1_000 + running.length));
    return { executionArn, startDate: new Date() };
  });
  aws.mocks.sfn.on(StopExecutionCommand).callsFake(async (input) => {
    running = running.filter((arn) => arn !== input.executionArn);
    return { stopDate: new Date() };
  });
}

const handler = () =>
  makeHandler({
    clients: aws.clients,
    config,
    clock: clockAt(),
    orchestratorArn,
    observability: quietObservability(),
  });

const post = async (body: unknown, h = handler()) => {
  const result = await h(
    apiEvent('POST', '/spot-provisioning', typeof body === 'string' ? body : JSON.stringify(body)),
    lambdaContext,
  );
  return { ...result, json: JSON.parse(result.body as string) };
};

beforeEach(() => {
  aws.reset();
  running = [];
  startDates.clear();
  store = fakeParameterStore(aws.mocks.ssm);
  fakeStepFunctions();
  aws.mocks.eventBridge.on(EnableRuleCommand).resolves({});
  aws.mocks.eventBridge.on(DisableRuleCommand).resolves({});
  aws.mocks.eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
  }));
});

describe('ToggleProvisioning enable', () => {
  it('writes the state and starts one Orchestrator execution, never toggling a hub rule', async () => {
    const result = await post({ action: 'enable' });

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
    expect(result.json.message).toMatch(/orchestration started/);
    expect(store.provisioning()).toBe('enabled');
    expect(store.state()).toMatchObject({ status: 'PROVISIONING', updated_at: '2026-11-24T10:00:00Z' });
    // The hub rules are always on: an EnableRule here could make the first request miss its rule.
    expect(aws.mocks.eventBridge.commandCalls(EnableRuleCommand)).toHaveLength(0);
    const starts = aws.mocks.sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.args[0].input).toMatchObject({ stateMachineArn: orchestratorArn, input: '{}' });
    expect(starts[0]?.args[0].input.name).toMatch(/^enable-[0-9A-Za-z_-]+$/);
    expect(aws.regions.sfn).toEqual(['us-east-1']);
  });

  it('starts no second execution when enabled twice, and says so', async () => {
    const h = handler();
    await post({ action: 'enable' }, h);
    const second = await post({ action: 'enable' }, h);

    expect(second.statusCode).toBe(200);
    expect(second.json.message).toMatch(/no second one was started/);
    expect(aws.mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(running).toHaveLength(1);
  });

  it('leaves exactly one execution when two enables race past the running check', async () => {
    // Two warm Lambdas a few milliseconds apart: both see nothing running before either has started.
    const at = (iso: string) =>
      makeHandler({
        clients: aws.clients,
        config,
        clock: clockAt(iso),
        orchestratorArn,
        observability: quietObservability(),
      });
    const [first, second] = await Promise.all([
      post({ action: 'enable' }, at('2026-11-24T10:00:00.001Z')),
      post({ action: 'enable' }, at('2026-11-24T10:00:00.002Z')),
    ]);

    expect(aws.mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(running).toHaveLength(1);
    const stopped = aws.mocks.sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input);
    // Each request stops the same newer execution; the second stop finds it already stopped.
    expect(new Set(stopped.map((i) => i.executionArn)).size).toBe(1);
    expect(stopped.every((i) => i.error === 'DuplicateOrchestration')).toBe(true);
    const messages = [first.json.message, second.json.message];
    expect(messages.filter((m) => /orchestration started/.test(m))).toHaveLength(1);
    expect(messages.filter((m) => /no second one was started/.test(m))).toHaveLength(1);
  });

  it('starts the same execution, not a second, for two enables in the same millisecond', async () => {
    const h = handler();
    await Promise.all([post({ action: 'enable' }, h), post({ action: 'enable' }, h)]);
    expect(running).toHaveLength(1);
    expect(aws.mocks.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('does not reset the status of a running orchestration on a second enable', async () => {
    running = ['arn:exec:1'];
    store.setState({
      ...initialHubState(new Date()),
      status: 'RUNNING',
      region: 'us-west-2',
      instances: [instance],
    });

    await post({ action: 'enable' });

    expect(store.state()).toMatchObject({ status: 'RUNNING', region: 'us-west-2' });
  });

  it('treats ExecutionAlreadyExists (a concurrent enable) as already running', async () => {
    aws.mocks.sfn.on(StartExecutionCommand).rejects(awsError('ExecutionAlreadyExists'));

    const result = await post({ action: 'enable' });

    expect(result.statusCode).toBe(200);
    expect(result.json.message).toMatch(/already enabled/);
  });

  it('starts from the initial state when SSM has no parameters yet (ParameterNotFound)', async () => {
    await post({ action: 'enable' });
    expect(store.state()).toMatchObject({ status: 'PROVISIONING', region: null, excluded_regions: [] });
  });

  it('answers a logged 500 without internals when Step Functions throttles', async () => {
    aws.mocks.sfn.on(ListExecutionsCommand).rejects(awsError('ThrottlingException'));
    const observability = quietObservability();
    const logged = vi.spyOn(observability.logger, 'error');
    const h = makeHandler({ clients: aws.clients, config, clock: clockAt(), orchestratorArn, observability });

    const result = await post({ action: 'enable' }, h);

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toMatch(/Throttling|simulated|stack/);
    expect(result.json).toEqual({ message: expect.any(String), errors: [] });
    expect(logged).toHaveBeenCalledWith('unexpected error', {
      error: expect.objectContaining({ name: 'ThrottlingException' }),
    });
  });
});

describe('ToggleProvisioning disable', () => {
  it('stops every running execution on every page and sets DISABLED, leaving the hub rules on', async () => {
    running = Array.from({ length: 250 }, (_, i) => `arn:exec:${i}`);
    store.setState({ ...initialHubState(new Date()), status: 'RUNNING', loss_token: 'tok' });

    const result = await post({ action: 'disable' });

    expect(result.statusCode).toBe(200);
    expect(result.json.message).toMatch(/stopped 250 orchestrations/);
    expect(aws.mocks.sfn.commandCalls(ListExecutionsCommand).length).toBeGreaterThanOrEqual(3);
    const stopped = aws.mocks.sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn);
    expect(new Set(stopped).size).toBe(250);
    expect(running).toEqual([]);
    expect(aws.mocks.eventBridge.commandCalls(DisableRuleCommand)).toHaveLength(0);
    expect(aws.mocks.eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(store.provisioning()).toBe('disabled');
    expect(store.state()).toMatchObject({ status: 'DISABLED', loss_token: null });
  });

  it('follows nextToken even when the service returns small pages', async () => {
    fakeStepFunctions(2);
    running = ['a', 'b', 'c', 'd', 'e'];

    await post({ action: 'disable' });

    expect(aws.mocks.sfn.commandCalls(StopExecutionCommand)).toHaveLength(5);
  });

  it('ignores an execution that ended between listing and stopping', async () => {
    running = ['arn:exec:gone', 'arn:exec:live'];
    aws.mocks.sfn
      .on(StopExecutionCommand, { executionArn: 'arn:exec:gone' })
      .rejects(awsError('ExecutionDoesNotExist'));

    const result = await post({ action: 'disable' });

    expect(result.statusCode).toBe(200);
    expect(aws.mocks.sfn.commandCalls(StopExecutionCommand)).toHaveLength(2);
  });

  it('with teardown asks every worker region and reports TEARING_DOWN until they confirm', async () => {
    store.setState({
      ...initialHubState(new Date()),
      status: 'RUNNING',
      region: 'us-west-2',
      instances: [instance],
    });

    const result = await post({ action: 'disable', teardown: true });

    expect(result.statusCode).toBe(200);
    expect(result.json.message).toMatch(/teardown requested in us-east-1, us-west-2, eu-west-1/);
    const entries = aws.mocks.eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => JSON.parse(e.Detail ?? '{}'))).toEqual(
      config.workerRegions.map((target_region) => ({ prefix: 'sp', target_region })),
    );
    expect(entries.every((e) => e.Source === 'spotplane.hub' && e.DetailType === 'Teardown Requested')).toBe(
      true,
    );
    expect(entries.every((e) => e.EventBusName === n.hubBus)).toBe(true);
    expect(store.state()).toMatchObject({ status: 'TEARING_DOWN', teardown_pending: config.workerRegions });
    // The rules stay on (always): they carry the requests out and the confirmations back.
    expect(aws.mocks.eventBridge.commandCalls(DisableRuleCommand)).toHaveLength(0);
    expect(aws.mocks.eventBridge.commandCalls(EnableRuleCommand)).toHaveLength(0);
  });

  it('puts again only the teardown requests EventBridge failed to accept', async () => {
    let call = 0;
    aws.mocks.eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
      call += 1;
      const entries = input.Entries ?? [];
      if (call === 1) {
        return {
          FailedEntryCount: 1,
          Entries: entries.map((_, i) =>
            i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: 'ok' },
          ),
        };
      }
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'ok' })) };
    });

    const result = await post({ action: 'disable', teardown: true });

    expect(result.statusCode).toBe(200);
    const retried = aws.mocks.eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(retried.map((e) => JSON.parse(e.Detail ?? '{}').target_region)).toEqual(['us-west-2']);
  });

  it('fails with a logged 500 when a teardown request cannot be put at all', async () => {
    aws.mocks.eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 3,
      Entries: [
        { ErrorCode: 'InternalFailure' },
        { ErrorCode: 'InternalFailure' },
        { ErrorCode: 'InternalFailure' },
      ],
    });

    const result = await post({ action: 'disable', teardown: true });

    expect(result.statusCode).toBe(500);
    expect(aws.mocks.eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});

describe('ToggleProvisioning input', () => {
  it.each([
    ['not JSON', '{"action":', 'body: not valid JSON'],
    ['no body', '', 'body: missing'],
    ['an unknown action', { action: 'restart' }, 'action: must be "enable" or "disable"'],
    ['a missing action', { teardown: true }, 'action: must be "enable" or "disable"'],
    ['a wrong type', { action: 'disable', teardown: 'yes' }, 'teardown: must be true or false'],
    ['an unknown field', { action: 'enable', force: true }, 'unknown field(s) force'],
    ['an array', [], '(root)'],
  ])('answers 400 naming the field for %s', async (_label, body, expected) => {
    const result = await post(body);
    expect(result.statusCode).toBe(400);
    expect(result.json.message).toEqual(expect.any(String));
    expect(result.json.errors.join('\n')).toContain(expected);
    expect(aws.mocks.sfn.calls()).toHaveLength(0);
  });

  it('answers 405 for GET on its route and 404 elsewhere', async () => {
    const h = handler();
    expect((await h(apiEvent('GET', '/spot-provisioning'), lambdaContext)).statusCode).toBe(405);
    expect((await h(apiEvent('POST', '/elsewhere', '{}'), lambdaContext)).statusCode).toBe(404);
  });

  it('reads a base64-encoded body and a named stage prefix', async () => {
    const body = Buffer.from(JSON.stringify({ action: 'enable' })).toString('base64');
    const event = apiEvent('POST', '/prod/spot-provisioning', body, { isBase64Encoded: true });
    event.requestContext.stage = 'prod';
    expect((await handler()(event, lambdaContext)).statusCode).toBe(200);
  });
});
