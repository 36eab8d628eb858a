import { describe, expect, it } from 'vitest';
import {
  decideLaunchStatus,
  launchErrorFromMessage,
  type ScalingActivity,
} from '../../core/launch-status.ts';

const since = new Date('2026-11-24T10:00:00Z');
const inService = { lifecycleState: 'InService', healthStatus: 'Healthy' };
const pending = { lifecycleState: 'Pending', healthStatus: 'Healthy' };

const activity = (over: Partial<ScalingActivity>): ScalingActivity => ({
  statusCode: 'Failed',
  statusMessage:
    'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
  description: 'Launching a new EC2 instance.  Status Reason: ...',
  startTime: new Date('2026-11-24T10:01:00Z'),
  ...over,
});

describe('launchErrorFromMessage', () => {
  it.each([
    [
      'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity',
      'InsufficientInstanceCapacity',
    ],
    [
      'Could not launch Spot Instances. UnfulfillableCapacity - Unable to fulfill capacity',
      'UnfulfillableCapacity',
    ],
    [
      'Could not launch Spot Instances. MaxSpotInstanceCountExceeded - Max spot instance count exceeded',
      'MaxSpotInstanceCountExceeded',
    ],
    [
      'We currently do not have sufficient g6.xlarge capacity in the Availability Zone you requested (us-east-1a).',
      'InsufficientInstanceCapacity',
    ],
    [
      'The requested configuration is currently not supported. Launching EC2 instance failed.',
      'LaunchFailed',
    ],
    ['', 'LaunchFailed'],
  ])('maps %j to %s', (message, expected) => {
    expect(launchErrorFromMessage(message)).toBe(expected);
  });
});

describe('decideLaunchStatus', () => {
  it.each([
    [
      'desired instances InService and healthy',
      { desiredCapacity: 1, instances: [inService] },
      [],
      'IN_SERVICE',
    ],
    ['an instance still pending', { desiredCapacity: 1, instances: [pending] }, [], 'PENDING'],
    [
      'an InService but unhealthy instance',
      { desiredCapacity: 1, instances: [{ lifecycleState: 'InService', healthStatus: 'Unhealthy' }] },
      [],
      'PENDING',
    ],
    ['fewer InService than desired', { desiredCapacity: 2, instances: [inService, pending] }, [], 'PENDING'],
    ['desired capacity still 0', { desiredCapacity: 0, instances: [] }, [], 'PENDING'],
    [
      'a failure in one AZ the group filled from another',
      { desiredCapacity: 1, instances: [inService] },
      [activity({})],
      'IN_SERVICE',
    ],
    ['a failed activity after since', { desiredCapacity: 1, instances: [] }, [activity({})], 'FAILED'],
    [
      'a cancelled activity after since',
      { desiredCapacity: 1, instances: [] },
      [activity({ statusCode: 'Cancelled' })],
      'FAILED',
    ],
    [
      'a failed activity before since (an earlier launch)',
      { desiredCapacity: 1, instances: [] },
      [activity({ startTime: new Date('2026-11-24T09:59:59Z') })],
      'PENDING',
    ],
    [
      'a successful activity',
      { desiredCapacity: 1, instances: [pending] },
      [activity({ statusCode: 'Successful' })],
      'PENDING',
    ],
    [
      'an activity still in progress',
      { desiredCapacity: 1, instances: [] },
      [activity({ statusCode: 'InProgress' })],
      'PENDING',
    ],
  ])('is %s → %s', (_label, asg, activities, expected) => {
    expect(decideLaunchStatus({ asg, activities, since }).state).toBe(expected);
  });

  it('reports the newest failure with its error code and a cause naming the message', () => {
    const status = decideLaunchStatus({
      asg: { desiredCapacity: 1, instances: [] },
      activities: [
        activity({ startTime: new Date('2026-11-24T10:01:00Z') }),
        activity({
          startTime: new Date('2026-11-24T10:03:00Z'),
          statusMessage:
            'Could not launch Spot Instances. UnfulfillableCapacity - Unable to fulfill capacity.',
        }),
      ],
      since,
    });
    expect(status).toEqual({
      state: 'FAILED',
      error: 'UnfulfillableCapacity',
      cause:
        'Could not launch Spot Instances. UnfulfillableCapacity - Unable to fulfill capacity. | Launching a new EC2 instance.  Status Reason: ...',
    });
  });
});
