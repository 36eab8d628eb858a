/**
 * LocalCloud's fault injection as Step Functions and Lambda callers meet it: the same faults reach the
 * SDK clients, the state machines' tasks (`lambda:invoke`, `events:putEvents`, `aws-sdk:*`) and the
 * asynchronous invocations EventBridge makes.
 */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';
import { isInvokeApiError } from '../../emulator/lambda.ts';

const REGION = 'us-east-1';

async function setup() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'faults', markets: { [REGION]: {}, 'us-west-2': {} } });
  const r = cloud.region(REGION);
  r.events.createEventBus('bus');
  let ran = 0;
  const fn = cloud.lambdas.register(REGION, 'probe', async () => {
    ran++;
    return { ok: true };
  });
  const run = async (states: object) => {
    const { stateMachineArn } = await r.sfn.createStateMachine({
      name: `m${Math.random().toString(36).slice(2, 8)}`,
      roleArn: 'arn:aws:iam::123456789012:role/x',
      definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    });
    const { executionArn } = await r.sfn.startExecution({ stateMachineArn, input: '{}' });
    await clock.advance(1_000);
    const out = await r.sfn.describeExecution({ executionArn });
    return { status: out.status, output: out.output ? JSON.parse(out.output) : null };
  };
  const invoke = {
    Invoke: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn, Payload: {} },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Pass', End: true },
  };
  const putEvents = {
    Put: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [{ EventBusName: 'bus', Source: 'spotplane.test', DetailType: 'Probe', Detail: {} }],
      },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Pass', End: true },
  };
  return { clock, cloud, run, invoke, putEvents, ran: () => ran };
}

describe('fault injection reaching Step Functions tasks', () => {
  it('a Lambda Invoke API error fails the lambda:invoke task as Lambda.<Name>, without running the function', async () => {
    const s = await setup();
    s.cloud.injectFault({
      service: 'lambda',
      region: REGION,
      action: 'Invoke',
      error: 'TooManyRequestsException',
      times: 1,
    });
    const out = await s.run(s.invoke);
    expect(out.output.error.Error).toBe('Lambda.TooManyRequestsException');
    expect(s.ran()).toBe(0);
  });

  it('any other lambda fault is a function crash: the task fails with that error type, the function did nothing', async () => {
    const s = await setup();
    s.cloud.injectFault({
      service: 'lambda',
      region: REGION,
      action: 'Invoke',
      error: 'Runtime.ExitError',
      times: 1,
    });
    const crashed = await s.run(s.invoke);
    const next = await s.run(s.invoke);
    expect(crashed.output.error.Error).toBe('Runtime.ExitError');
    expect(next.output).toMatchObject({ Payload: { ok: true }, StatusCode: 200 });
    expect(s.ran()).toBe(1);
  });

  it("a lambda fault in another region leaves this region's functions alone", async () => {
    const s = await setup();
    s.cloud.injectFault({
      service: 'lambda',
      region: 'us-west-2',
      action: 'Invoke',
      error: 'ServiceException',
      times: 1,
    });
    const out = await s.run(s.invoke);
    expect(out.output).toMatchObject({ StatusCode: 200 });
  });

  it('an events:putEvents task meets failed entries as EventBridge.FailedEntry', async () => {
    const s = await setup();
    s.cloud.injectFault({
      service: 'eventbridge',
      region: REGION,
      action: 'PutEvents',
      error: 'FailedEntry',
      times: 1,
    });
    const out = await s.run(s.putEvents);
    expect(out.output.error.Error).toBe('EventBridge.FailedEntry');
    expect(JSON.parse(out.output.error.Cause)).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure' }],
    });
  });

  it('an events:putEvents task meets a throttled PutEvents as EventBridge.ThrottlingException', async () => {
    const s = await setup();
    s.cloud.injectFault({
      service: 'eventbridge',
      region: REGION,
      action: 'PutEvents',
      error: 'ThrottlingException',
      times: 1,
    });
    const out = await s.run(s.putEvents);
    expect(out.output.error.Error).toBe('EventBridge.ThrottlingException');
  });

  it('a function crash on an asynchronous (EventBridge) invocation is retried by Lambda, and then succeeds', async () => {
    const s = await setup();
    const r = s.cloud.region(REGION);
    await r.events.putRule({
      Name: 'to-probe',
      EventBusName: 'bus',
      EventPattern: '{"source":["spotplane.test"]}',
    });
    await r.events.putTargets({
      Rule: 'to-probe',
      EventBusName: 'bus',
      Targets: [{ Id: 'probe', Arn: s.cloud.lambdas.arn(REGION, 'probe') }],
    });
    s.cloud.injectFault({
      service: 'lambda',
      region: REGION,
      action: 'Invoke',
      error: 'Runtime.ExitError',
      times: 1,
    });
    await r.events.putEvents({
      Entries: [{ EventBusName: 'bus', Source: 'spotplane.test', DetailType: 'Probe', Detail: '{}' }],
    });
    await s.clock.advance(30_000);
    const before = s.ran();
    await s.clock.advance(5 * 60_000);
    expect(before).toBe(0);
    expect(s.ran()).toBe(1);
  });
});

describe('what a fault can target', () => {
  it('lists the actions LocalCloud answers per service, and Invoke for lambda', async () => {
    const { cloud } = await setup();
    expect(cloud.actions('ec2')).toContain('DescribeSpotPriceHistory');
    expect(cloud.actions('eventbridge')).toContain('PutEvents');
    expect(cloud.actions('dynamodb')).toEqual(
      expect.arrayContaining(['UpdateItem', 'TransactWriteItems', 'Query']),
    );
    expect(cloud.actions('lambda')).toEqual(['Invoke']);
  });

  it('tells Lambda API errors (modelled by the Lambda SDK) from function errors', () => {
    expect(isInvokeApiError('TooManyRequestsException')).toBe(true);
    expect(isInvokeApiError('ServiceException')).toBe(true);
    expect(isInvokeApiError('Runtime.ExitError')).toBe(false);
    expect(isInvokeApiError('Error')).toBe(false);
  });
});
