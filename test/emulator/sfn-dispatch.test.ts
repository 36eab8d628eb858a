import { ResourceContentionFault, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';

async function setup() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({
    clock,
    seed: 'dispatch',
    markets: { 'us-east-1': { placementScore: 7 } },
  });
  const r = cloud.region('us-east-1');
  r.autoScaling.createGroup({ name: 'gpu', instanceTypes: ['g6.xlarge'], maxSize: 1 });
  r.ecs.createCluster({ name: 'cluster', autoScalingGroups: ['gpu'] });
  const run = async (states: object, input: object = {}) => {
    const name = `m${Math.random().toString(36).slice(2, 8)}`;
    const { stateMachineArn } = await r.sfn.createStateMachine({
      name,
      roleArn: 'arn:aws:iam::123456789012:role/x',
      definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    });
    const { executionArn } = await r.sfn.startExecution({ stateMachineArn, input: JSON.stringify(input) });
    await clock.advance(1_000);
    return r.sfn.describeExecution({ executionArn });
  };
  return { clock, cloud, r, run };
}

describe('Step Functions task dispatch', () => {
  it('answers aws-sdk tasks in PascalCase, mapping ECS camelCase both ways', async () => {
    const { run } = await setup();
    const out = await run({
      List: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:ecs:listTasks',
        Parameters: { Cluster: 'cluster', DesiredStatus: 'RUNNING' },
        End: true,
      },
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toEqual({ TaskArns: [] });
  });

  it('reports aws-sdk errors as <Service>.<Name>Exception, so Catch can route them', async () => {
    const { run } = await setup();
    const out = await run({
      Read: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:ssm:getParameter',
        Parameters: { Name: '/missing' },
        Catch: [{ ErrorEquals: ['Ssm.ParameterNotFoundException'], Next: 'Missing', ResultPath: '$.error' }],
        End: true,
      },
      Missing: { Type: 'Pass', Result: 'caught', End: true },
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toBe('caught');
  });

  it('names ECS errors Ecs.<Name> unchanged when AWS already ends them in Exception', async () => {
    const { run } = await setup();
    const out = await run({
      List: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:ecs:listTasks',
        Parameters: { Cluster: 'no-such-cluster' },
        End: true,
      },
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'Ecs.ClusterNotFoundException' });
  });

  it('invokes a registered Lambda with lambda:invoke and returns { Payload, StatusCode }', async () => {
    const { cloud, run } = await setup();
    const arn = cloud.lambdas.register('us-east-1', 'double', async (e) => ({
      n: (e as { n: number }).n * 2,
    }));
    const out = await run(
      {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: arn, 'Payload.$': '$' },
          End: true,
        },
      },
      { n: 21 },
    );
    expect(JSON.parse(out.output!)).toMatchObject({ Payload: { n: 42 }, StatusCode: 200 });
  });

  it('fails a lambda:invoke task with the function error type', async () => {
    const { cloud, run } = await setup();
    const arn = cloud.lambdas.register('us-east-1', 'broken', async () => {
      throw Object.assign(new Error('no luck'), { name: 'LaunchFailed' });
    });
    const out = await run({
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: arn },
        End: true,
      },
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'LaunchFailed' });
  });

  it('puts events with events:putEvents, serializing a JSON Detail', async () => {
    const { cloud, r, run } = await setup();
    const seen: unknown[] = [];
    const sink = cloud.lambdas.register('us-east-1', 'sink', async (e) => {
      seen.push(e);
      return null;
    });
    await r.events.putRule({ Name: 'all', EventPattern: '{"source":["spotplane.hub"]}' });
    await r.events.putTargets({ Rule: 'all', Targets: [{ Id: '1', Arn: sink }] });
    const out = await run({
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: {
          Entries: [
            {
              Source: 'spotplane.hub',
              DetailType: 'Launch Requested',
              Detail: { target_region: 'us-east-1' },
            },
          ],
        },
        End: true,
      },
    });
    expect(JSON.parse(out.output!)).toMatchObject({ FailedEntryCount: 0 });
    expect(seen).toMatchObject([
      { 'detail-type': 'Launch Requested', detail: { target_region: 'us-east-1' } },
    ]);
  });
});

describe('Unsupported integrations', () => {
  it('fails the execution with States.Runtime, which no Catch can hide', async () => {
    const { run } = await setup();
    const out = await run({
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
        Parameters: { Bucket: 'b', Key: 'k' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('Fault injection', () => {
  it('fails SDK calls with the injected AWS error the given number of times, then answers again', async () => {
    const { cloud } = await setup();
    cloud.injectFault({ service: 'ssm', action: 'GetParameter', error: 'ThrottlingException', times: 1 });
    const ssm = cloud.clients().ssm('us-east-1');
    await ssm.send(new PutParameterCommand({ Name: '/p', Value: 'v', Type: 'String' }));
    const first = await ssm.send(new GetParameterCommand({ Name: '/p' })).catch((e) => e);
    const second = await ssm.send(new GetParameterCommand({ Name: '/p' }));
    expect(first.name).toBe('ThrottlingException');
    expect(first.$metadata.httpStatusCode).toBe(429);
    expect(second.Parameter?.Value).toBe('v');
  });

  it('names Auto Scaling errors as the SDK class for clients and as the API code for Step Functions', async () => {
    const { cloud, run } = await setup();
    cloud.injectFault({
      service: 'autoscaling',
      action: 'UpdateAutoScalingGroup',
      error: 'ResourceContention',
    });
    const sdkError = await cloud
      .clients()
      .autoScaling('us-east-1')
      .send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'gpu', DesiredCapacity: 1 }))
      .catch((e) => e);
    const out = await run({
      Update: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup',
        Parameters: { AutoScalingGroupName: 'gpu', DesiredCapacity: 1 },
        End: true,
      },
    });
    expect(sdkError).toBeInstanceOf(ResourceContentionFault);
    expect(out).toMatchObject({ status: 'FAILED', error: 'AutoScaling.ResourceContentionException' });
  });

  it('surfaces an injected error to a state machine as <Service>.<Name>', async () => {
    const { cloud, run } = await setup();
    cloud.injectFault({
      service: 'ecs',
      action: 'ListTasks',
      region: 'us-east-1',
      error: 'ThrottlingException',
    });
    const out = await run({
      List: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:ecs:listTasks',
        Parameters: { Cluster: 'cluster' },
        End: true,
      },
    });
    expect(out).toMatchObject({ status: 'FAILED', error: 'Ecs.ThrottlingException' });
  });
});

describe('Market model', () => {
  it('walks prices deterministically from the seed', async () => {
    const prices = async (seed: string) => {
      const clock = virtualClock('2026-11-24T10:00:00Z');
      const cloud = createLocalCloud({ clock, seed, markets: { 'eu-west-1': {} } });
      const seen: number[] = [];
      for (let h = 0; h < 6; h++) {
        await clock.advance(3_600_000);
        seen.push(cloud.region('eu-west-1').market.inputs().spotPrice);
      }
      return seen;
    };
    const a = await prices('s1');
    expect(await prices('s1')).toEqual(a);
    expect(await prices('s2')).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('starts from the configured price and walks away from it only as time passes', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const cloud = createLocalCloud({ clock, markets: { 'us-west-2': { spotPrice: 0.3 } } });
    const atStart = cloud.region('us-west-2').market.inputs().spotPrice;
    await clock.advance(6 * 3_600_000);
    expect(atStart).toBe(0.3);
    expect(cloud.region('us-west-2').market.inputs().spotPrice).not.toBe(0.3);
  });

  it('continues the walk from a price set by setMarket', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const cloud = createLocalCloud({ clock, markets: { 'us-west-2': {} } });
    cloud.setMarket('us-west-2', { spotPrice: 0.5, placementScore: 2 });
    const right = cloud.region('us-west-2').market.inputs();
    await clock.advance(20 * 60_000);
    const later = cloud.region('us-west-2').market.inputs().spotPrice;
    expect(right).toMatchObject({ spotPrice: 0.5, placementScore: 2 });
    expect(Math.abs(later - 0.5)).toBeLessThan(0.05);
  });

  it('freezes prices with an infinite price step, so only setMarket moves them', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const cloud = createLocalCloud({
      clock,
      priceStepMs: Number.POSITIVE_INFINITY,
      markets: { 'eu-west-1': { spotPrice: 0.4 } },
    });
    await clock.advance(6 * 3_600_000);
    const frozen = cloud.region('eu-west-1').market.inputs().spotPrice;
    cloud.setMarket('eu-west-1', { spotPrice: 0.2 });
    expect(frozen).toBe(0.4);
    expect(cloud.region('eu-west-1').market.inputs().spotPrice).toBe(0.2);
  });

  it('uses fixed launch timings when given, the seeded 60-90 s boot otherwise', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const fixed = createLocalCloud({ clock, launchTiming: { bootMs: 45_000 }, markets: { 'us-east-1': {} } });
    const seeded = createLocalCloud({ clock, markets: { 'us-east-1': {} } });
    const boot = seeded.region('us-east-1').market.bootMs();
    expect(fixed.region('us-east-1').market.bootMs()).toBe(45_000);
    expect(boot).toBeGreaterThanOrEqual(60_000);
    expect(boot).toBeLessThanOrEqual(90_000);
  });
});
