import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_TYPES, parseEvent } from '../../core/events/index.ts';
import {
  LAUNCH_FAILED,
  LAUNCH_HEARTBEAT,
  LAUNCH_REQUESTED,
  LAUNCH_SUCCEEDED,
  REGION_LOST,
  TEARDOWN_COMPLETED,
  TEARDOWN_REQUESTED,
} from '../../core/messages.ts';
import {
  launchUnsuccessfulSample,
  rebalanceRecommendationSample,
  spotInterruptionWarningSample,
  stateChangeSample,
} from './events.samples.ts';

const instance = {
  instance_id: 'i-0abc',
  public_ip: '54.1.2.3',
  private_ip: '10.0.0.12',
  instance_type: 'g6.xlarge',
  availability_zone: 'us-west-2b',
  lifecycle: 'spot',
  launch_time: '2026-11-24T10:00:00Z',
};

const worker = (detailType: string, detail: unknown) => ({
  source: 'spotplane.worker',
  'detail-type': detailType,
  region: 'us-east-1',
  detail,
});

describe('parseEvent on the documented AWS samples', () => {
  it('reads the interruption warning instance id and action from detail', () => {
    expect(parseEvent(spotInterruptionWarningSample)).toEqual({
      kind: 'spot-interruption-warning',
      id: '12345678-1234-1234-1234-123456789012',
      region: 'us-east-2',
      time: '2026-11-24T10:00:00Z',
      instanceId: 'i-1234567890abcdef0',
      instanceAction: 'terminate',
    });
  });

  it('reads the rebalance recommendation instance id', () => {
    expect(parseEvent(rebalanceRecommendationSample)).toMatchObject({
      kind: 'rebalance-recommendation',
      instanceId: 'i-1234567890abcdef0',
    });
  });

  it('reads the state-change sample with its state', () => {
    expect(parseEvent(stateChangeSample)).toMatchObject({
      kind: 'instance-state-change',
      instanceId: 'i-1234567890abcdef0',
      state: 'pending',
      region: 'us-east-1',
    });
  });

  it('reads the launch unsuccessful sample and treats an empty instance id as none', () => {
    expect(parseEvent(launchUnsuccessfulSample)).toMatchObject({
      kind: 'launch-unsuccessful',
      autoScalingGroupName: 'my-auto-scaling-group',
      instanceId: null,
      statusCode: 'Failed',
      statusMessage: expect.stringContaining('InsufficientInstanceCapacity'),
    });
  });

  it('takes the instance id from detail even when the resources ARN names another', () => {
    const event = {
      ...spotInterruptionWarningSample,
      resources: ['arn:aws:ec2:us-east-2:123456789012:instance/i-0ffffffffffffffff'],
    };
    expect(parseEvent(event)).toMatchObject({ instanceId: 'i-1234567890abcdef0' });
  });

  it('still parses an event with no envelope metadata', () => {
    expect(
      parseEvent({
        source: 'aws.ec2',
        'detail-type': 'EC2 Instance Rebalance Recommendation',
        detail: { 'instance-id': 'i-0abc' },
      }),
    ).toEqual({ kind: 'rebalance-recommendation', id: null, region: null, time: null, instanceId: 'i-0abc' });
  });
});

describe("parseEvent on spotplane's own events", () => {
  it.each([
    [
      'launch-requested',
      { source: 'spotplane.hub', 'detail-type': LAUNCH_REQUESTED },
      { prefix: 'sp', target_region: 'us-west-2', task_token: 't', capacity: 1, lifecycle: 'spot' },
    ],
    [
      'teardown-requested',
      { source: 'spotplane.hub', 'detail-type': TEARDOWN_REQUESTED },
      { prefix: 'sp', target_region: 'us-west-2' },
    ],
    [
      'launch-succeeded',
      { source: 'spotplane.worker', 'detail-type': LAUNCH_SUCCEEDED },
      { prefix: 'sp', region: 'us-west-2', task_token: 't', instances: [instance] },
    ],
    [
      'launch-failed',
      { source: 'spotplane.worker', 'detail-type': LAUNCH_FAILED },
      {
        prefix: 'sp',
        region: 'us-west-2',
        task_token: 't',
        error: 'InsufficientInstanceCapacity',
        cause: 'x',
      },
    ],
    [
      'launch-heartbeat',
      { source: 'spotplane.worker', 'detail-type': LAUNCH_HEARTBEAT },
      { prefix: 'sp', region: 'us-west-2', task_token: 't' },
    ],
    [
      'region-lost',
      { source: 'spotplane.worker', 'detail-type': REGION_LOST },
      { prefix: 'sp', region: 'us-west-2', reason: 'SpotInterruption', instance_id: 'i-0abc' },
    ],
    [
      'teardown-completed',
      { source: 'spotplane.worker', 'detail-type': TEARDOWN_COMPLETED },
      { prefix: 'sp', region: 'us-west-2' },
    ],
  ])('parses %s with its shared schema', (kind, envelope, detail) => {
    expect(parseEvent({ ...envelope, detail })).toMatchObject({ kind, detail });
  });
});

describe('parseEvent on events it cannot use', () => {
  it('returns unknown for a well-formed event of another kind', () => {
    expect(parseEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toEqual({
      kind: 'unknown',
      source: 'aws.s3',
      detailType: 'Object Created',
    });
  });

  it('returns malformed, naming the field, when a known kind lacks its instance id', () => {
    const event = { ...spotInterruptionWarningSample, detail: { 'instance-action': 'terminate' } };
    const parsed = parseEvent(event);
    expect(parsed.kind).toBe('malformed');
    expect(parsed).toMatchObject({ issues: [expect.stringMatching(/^detail\.instance-id: /)] });
  });

  it('returns malformed for an unknown EC2 state', () => {
    const parsed = parseEvent({
      ...stateChangeSample,
      detail: { 'instance-id': 'i-0abc', state: 'melting' },
    });
    expect(parsed).toMatchObject({ kind: 'malformed', issues: [expect.stringMatching(/^detail\.state: /)] });
  });

  it('returns malformed, naming detail, when detail is missing', () => {
    const { detail: _omitted, ...withoutDetail } = rebalanceRecommendationSample;
    expect(parseEvent(withoutDetail)).toMatchObject({
      kind: 'malformed',
      issues: [expect.stringMatching(/^detail: /)],
    });
  });

  it('returns malformed for a worker event missing a field it needs', () => {
    const parsed = parseEvent(
      worker(LAUNCH_SUCCEEDED, { prefix: 'sp', region: 'us-west-2', task_token: 't' }),
    );
    expect(parsed).toMatchObject({
      kind: 'malformed',
      issues: [expect.stringContaining('detail.instances')],
    });
  });

  it('reads a worker report without a task token when it carries the request intent', () => {
    const parsed = parseEvent(
      worker(LAUNCH_SUCCEEDED, { prefix: 'sp', region: 'us-west-2', intent: 4, instances: [] }),
    );
    expect(parsed).toMatchObject({ kind: 'launch-succeeded', detail: { intent: 4 } });
  });

  it.each([null, undefined, 42, 'event', [], {}, { source: 'aws.ec2' }, { 'detail-type': 'x' }])(
    'returns malformed and never throws for %j',
    (raw) => {
      expect(parseEvent(raw).kind).toBe('malformed');
    },
  );

  it('lists every kind it can parse', () => {
    expect(KNOWN_EVENT_TYPES).toHaveLength(11);
    expect(KNOWN_EVENT_TYPES).toContainEqual({
      source: 'aws.autoscaling',
      detailType: 'EC2 Instance Launch Unsuccessful',
    });
  });
});

describe('parseEvent under random input', () => {
  const kinds = new Set([
    'spot-interruption-warning',
    'rebalance-recommendation',
    'instance-state-change',
    'launch-unsuccessful',
    'launch-requested',
    'teardown-requested',
    'launch-succeeded',
    'launch-failed',
    'launch-heartbeat',
    'region-lost',
    'teardown-completed',
    'unknown',
    'malformed',
  ]);
  const envelopes = fc.constantFrom(
    spotInterruptionWarningSample,
    rebalanceRecommendationSample,
    stateChangeSample,
    launchUnsuccessfulSample,
    worker(LAUNCH_SUCCEEDED, {}),
    worker(REGION_LOST, {}),
  );

  it('never throws and always answers a known kind, whatever the detail holds', () => {
    fc.assert(
      fc.property(envelopes, fc.jsonValue({ maxDepth: 3 }), (envelope, detail) => {
        expect(kinds.has(parseEvent({ ...envelope, detail }).kind)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(kinds.has(parseEvent(raw).kind)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
