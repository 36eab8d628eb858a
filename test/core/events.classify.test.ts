import { describe, expect, it } from 'vitest';
import { classifyCapacityEvent, instanceToCheck } from '../../core/events/classify.ts';
import { parseEvent } from '../../core/events/index.ts';
import {
  launchUnsuccessfulSample,
  rebalanceRecommendationSample,
  spotInterruptionWarningSample,
  stateChangeSample,
} from './events.samples.ts';

const ours = { asgName: 'my-auto-scaling-group', useRebalanceRecommendation: false };
const withRebalance = { ...ours, useRebalanceRecommendation: true };
const id = 'i-1234567890abcdef0';
const stateChange = (state: string) =>
  parseEvent({ ...stateChangeSample, detail: { 'instance-id': id, state } });

describe('classifyCapacityEvent', () => {
  it.each([
    [
      'an interruption warning for our instance',
      parseEvent(spotInterruptionWarningSample),
      ours,
      true,
      'REGION_LOST',
      'SpotInterruption',
    ],
    [
      'an interruption warning for another instance',
      parseEvent(spotInterruptionWarningSample),
      ours,
      false,
      'IGNORE',
      'NOT_OUR_INSTANCE',
    ],
    [
      'a rebalance recommendation with the flag off',
      parseEvent(rebalanceRecommendationSample),
      ours,
      true,
      'IGNORE',
      'REBALANCE_DISABLED',
    ],
    [
      'a rebalance recommendation with the flag on',
      parseEvent(rebalanceRecommendationSample),
      withRebalance,
      true,
      'REGION_LOST',
      'RebalanceRecommendation',
    ],
    [
      'a rebalance recommendation for another instance',
      parseEvent(rebalanceRecommendationSample),
      withRebalance,
      false,
      'IGNORE',
      'NOT_OUR_INSTANCE',
    ],
    [
      'our instance shutting down',
      stateChange('shutting-down'),
      ours,
      true,
      'REGION_LOST',
      'InstanceTerminated',
    ],
    ['our instance terminated', stateChange('terminated'), ours, true, 'REGION_LOST', 'InstanceTerminated'],
    ['our instance stopping', stateChange('stopping'), ours, true, 'REGION_LOST', 'InstanceStopped'],
    ['our instance stopped', stateChange('stopped'), ours, true, 'REGION_LOST', 'InstanceStopped'],
    ['our instance running', stateChange('running'), ours, true, 'IGNORE', 'STATE_NOT_A_LOSS'],
    [
      'our instance pending (the documented sample)',
      parseEvent(stateChangeSample),
      ours,
      true,
      'IGNORE',
      'STATE_NOT_A_LOSS',
    ],
    ['another instance terminated', stateChange('terminated'), ours, false, 'IGNORE', 'NOT_OUR_INSTANCE'],
    [
      'a launch failure in our ASG',
      parseEvent(launchUnsuccessfulSample),
      ours,
      false,
      'REGION_LOST',
      'InsufficientInstanceCapacity',
    ],
    [
      'a launch failure in another ASG',
      parseEvent(launchUnsuccessfulSample),
      { ...ours, asgName: 'someone-else' },
      false,
      'IGNORE',
      'NOT_OUR_ASG',
    ],
    [
      'an unknown event',
      parseEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }),
      ours,
      true,
      'IGNORE',
      'UNKNOWN_EVENT',
    ],
    ['a malformed event', parseEvent({ nope: true }), ours, true, 'IGNORE', 'MALFORMED_EVENT'],
    [
      "one of spotplane's own events",
      parseEvent({
        source: 'spotplane.hub',
        'detail-type': 'Teardown Requested',
        detail: { prefix: 'p', target_region: 'us-west-2' },
      }),
      ours,
      true,
      'IGNORE',
      'NOT_A_CAPACITY_EVENT',
    ],
  ])('classifies %s', (_label, event, options, isOurs, action, reason) => {
    expect(classifyCapacityEvent(event, options, isOurs)).toMatchObject({ action, reason });
  });

  it('carries the instance id of the event', () => {
    expect(classifyCapacityEvent(parseEvent(spotInterruptionWarningSample), ours, true).instance_id).toBe(id);
  });
});

describe('instanceToCheck', () => {
  it.each([
    ['an interruption warning', parseEvent(spotInterruptionWarningSample), ours, id],
    ['a rebalance recommendation with the flag off', parseEvent(rebalanceRecommendationSample), ours, null],
    [
      'a rebalance recommendation with the flag on',
      parseEvent(rebalanceRecommendationSample),
      withRebalance,
      id,
    ],
    ['a terminated state change', stateChange('terminated'), ours, id],
    ['a running state change', stateChange('running'), ours, null],
    ['a launch failure (the ASG name decides)', parseEvent(launchUnsuccessfulSample), ours, null],
  ])('for %s is %s', (_label, event, options, expected) => {
    expect(instanceToCheck(event, options)).toBe(expected);
  });
});
