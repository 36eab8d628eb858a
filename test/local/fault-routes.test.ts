/**
 * The local fault-injection routes (`POST /_local/fault`, `POST /_local/asg`, contracts in
 * ARCHITECTURE.md "Round 2 contracts"): what a valid request does to LocalCloud, and a 400 naming the
 * field for every bad one.
 */
import { DescribeSpotPriceHistoryCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { serve } from '../../core/http.ts';
import { localRoutes } from '../../local/local-routes.ts';
import { localState } from '../../local/views.ts';
import { deployment } from './e2e-harness.ts';

async function routes() {
  const d = await deployment();
  const table = localRoutes(d.plane);
  const post = async (path: string, body: unknown) => {
    const res = await serve(
      table,
      { method: 'POST', path, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) },
      (e) => {
        throw e;
      },
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  return { ...d, post };
}

/** One deployment for the validation cases: a refused request changes nothing, so they can share it. */
let shared: ReturnType<typeof routes> | undefined;
const sharedRoutes = () => {
  shared ??= routes();
  return shared;
};

const throttle = {
  region: 'us-west-2',
  service: 'ec2',
  action: 'DescribeSpotPriceHistory',
  error: 'ThrottlingException',
  count: 2,
};

describe('POST /_local/fault', () => {
  it('fails exactly the next `count` calls of that action in that region, with that AWS error', async () => {
    const { plane, post } = await routes();
    const ec2 = (region: string) => plane.cloud.clients().ec2(region);
    const call = (region: string) =>
      ec2(region)
        .send(new DescribeSpotPriceHistoryCommand({}))
        .then(
          () => 'ok',
          (e: Error) => e.name,
        );

    const res = await post('/_local/fault', throttle);
    const elsewhere = await call('eu-west-1');
    const results = [await call('us-west-2'), await call('us-west-2'), await call('us-west-2')];

    expect(res.status).toBe(200);
    expect(res.body.message).toContain('next 2 ec2:DescribeSpotPriceHistory call(s) in us-west-2');
    expect(elsewhere).toBe('ok');
    expect(results).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
  });

  it('"FailedEntry" makes PutEvents answer with every entry failed (InternalFailure), delivering nothing', async () => {
    const { plane, post } = await routes();
    const hub = plane.config.hubRegion;
    const put = () =>
      plane.cloud
        .clients()
        .eventBridge(hub)
        .send(
          new PutEventsCommand({
            Entries: [1, 2].map((n) => ({
              EventBusName: plane.names.hubBus,
              Source: 'spotplane.test',
              DetailType: 'Probe',
              Detail: JSON.stringify({ n }),
            })),
          }),
        );

    await post('/_local/fault', {
      region: hub,
      service: 'eventbridge',
      action: 'PutEvents',
      error: 'FailedEntry',
      count: 1,
    });
    const failed = await put();
    const next = await put();

    expect(failed.FailedEntryCount).toBe(2);
    expect(failed.Entries).toEqual([
      {
        ErrorCode: 'InternalFailure',
        ErrorMessage: 'The request processing has failed because of an unknown error, exception or failure.',
      },
      {
        ErrorCode: 'InternalFailure',
        ErrorMessage: 'The request processing has failed because of an unknown error, exception or failure.',
      },
    ]);
    expect(failed.Entries?.some((e) => e.EventId)).toBe(false);
    expect(next.FailedEntryCount).toBe(0);
  });

  it('says whether a lambda fault is an API error or a function crash', async () => {
    const { post } = await routes();
    const throttled = await post('/_local/fault', {
      region: 'us-east-1',
      service: 'lambda',
      action: 'Invoke',
      error: 'TooManyRequestsException',
      count: 1,
    });
    const crashed = await post('/_local/fault', {
      region: 'us-east-1',
      service: 'lambda',
      action: 'Invoke',
      error: 'Runtime.ExitError',
      count: 1,
    });
    expect(throttled.body.message).toContain('fail with TooManyRequestsException');
    expect(crashed.body.message).toContain('function error Runtime.ExitError');
  });

  it.each([
    ['an unknown region', { ...throttle, region: 'ap-south-1' }, 'region'],
    ['an unknown service', { ...throttle, service: 's3' }, 'service'],
    ['an action LocalCloud does not answer', { ...throttle, action: 'TerminateInstances' }, 'action'],
    ['an action not in PascalCase', { ...throttle, action: 'describeSpotPriceHistory' }, 'action'],
    ['an empty error', { ...throttle, error: '' }, 'error'],
    ['an error that is not a name', { ...throttle, error: 'slow down!' }, 'error'],
    ['FailedEntry outside PutEvents', { ...throttle, error: 'FailedEntry' }, 'error'],
    ['count 0', { ...throttle, count: 0 }, 'count'],
    ['a fractional count', { ...throttle, count: 1.5 }, 'count'],
    ['no count', { ...throttle, count: undefined }, 'count'],
    ['a count as text', { ...throttle, count: '2' }, 'count'],
    ['an unknown field', { ...throttle, delay: 5 }, 'delay'],
    ['a body that is not JSON', '{region', 'body'],
  ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
    const { plane, post } = await sharedRoutes();
    const res = await post('/_local/fault', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.join(' ')).toContain(field);
    expect(plane.cloud.pendingFaults()).toEqual([]);
  });
});

describe('POST /_local/asg', () => {
  it('changes the group behind spotplane: it launches an instance, and scales in when set back to 0', async () => {
    const d = await routes();
    const region = () => localState(d.plane).regions.find((r) => r.region === 'eu-west-1')!;

    const up = await d.post('/_local/asg', { region: 'eu-west-1', desired_capacity: 1 });
    await d.until('an instance running in eu-west-1', () =>
      region().instances.some((i) => i.state === 'running'),
    );
    const down = await d.post('/_local/asg', { region: 'eu-west-1', desired_capacity: 0 });
    await d.until('no instance left in eu-west-1', () => region().instances.length === 0);

    expect(up.status).toBe(200);
    expect(up.body.asg).toEqual({
      region: 'eu-west-1',
      name: d.plane.names.autoScalingGroup,
      desired_capacity: 1,
    });
    expect(down.body.asg.desired_capacity).toBe(0);
    expect(region().asg_desired).toBe(0);
  });

  it.each([
    ['an unknown region', { region: 'ap-south-1', desired_capacity: 1 }, 'region'],
    ['a negative capacity', { region: 'eu-west-1', desired_capacity: -1 }, 'desired_capacity'],
    ['a capacity above the group maximum', { region: 'eu-west-1', desired_capacity: 99 }, 'desired_capacity'],
    ['no capacity', { region: 'eu-west-1' }, 'desired_capacity'],
    ['an unknown field', { region: 'eu-west-1', desired_capacity: 1, min_size: 0 }, 'min_size'],
  ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
    const { plane, post } = await sharedRoutes();
    const res = await post('/_local/asg', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.join(' ')).toContain(field);
    expect(localState(plane).regions.every((r) => r.asg_desired === 0)).toBe(true);
  });
});
