import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../lambdas/asg-launch-status/index.ts';
import { awsError, clockAt, config, fakeAws, lambdaContext, quietObservability } from './helpers.ts';

const aws = fakeAws();
const invoke = (input: unknown) =>
  makeHandler({
    clients: aws.clients,
    config,
    clock: clockAt(),
    region: 'eu-west-1',
    asgName: 'sp-gpu',
    observability: quietObservability(),
  })(input, lambdaContext);

const since = '2026-11-24T10:00:00Z';

const group = (desired: number, states: string[]) => ({
  AutoScalingGroups: [
    {
      AutoScalingGroupName: 'sp-gpu',
      MinSize: 0,
      MaxSize: 2,
      DesiredCapacity: desired,
      DefaultCooldown: 300,
      AvailabilityZones: ['eu-west-1a'],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(),
      Instances: states.map((LifecycleState, i) => ({
        InstanceId: `i-0${i}`,
        LifecycleState: LifecycleState as 'InService',
        HealthStatus: 'Healthy',
        AvailabilityZone: 'eu-west-1a',
        ProtectedFromScaleIn: false,
      })),
    },
  ],
});

const activity = (StatusCode: string, StartTime: string, StatusMessage = '') => ({
  ActivityId: `a-${StartTime}`,
  AutoScalingGroupName: 'sp-gpu',
  Cause:
    'At 2026-11-24T10:00:00Z a user request update of AutoScalingGroup constraints to min: 0, max: 2, desired: 1 changing the desired capacity from 0 to 1.',
  Description: 'Launching a new EC2 instance.  Status Reason: Could not launch Spot Instances.',
  StartTime: new Date(StartTime),
  StatusCode: StatusCode as 'Failed',
  StatusMessage,
  Progress: 100,
});

beforeEach(() => aws.reset());

describe('AsgLaunchStatus', () => {
  it('reports FAILED with the EC2 error code when a launch activity after since failed', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, []));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [
        activity(
          'Failed',
          '2026-11-24T10:00:05Z',
          'Could not launch Spot Instances. UnfulfillableCapacity - Unable to fulfill capacity due to your request configuration. Launching EC2 instance failed.',
        ),
      ],
    });

    const status = await invoke({ since });

    expect(status).toMatchObject({
      state: 'FAILED',
      error: 'UnfulfillableCapacity',
      cause: expect.stringContaining('UnfulfillableCapacity'),
    });
    expect(
      aws.mocks.autoScaling.commandCalls(DescribeScalingActivitiesCommand)[0]?.args[0].input,
    ).toMatchObject({
      AutoScalingGroupName: 'sp-gpu',
    });
    expect(new Set(aws.regions.autoScaling)).toEqual(new Set(['eu-west-1']));
  });

  it('reports IN_SERVICE once the desired instances are InService and healthy', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['InService']));
    aws.mocks.autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolves({ Activities: [activity('Successful', '2026-11-24T10:00:05Z')] });
    expect(await invoke({ since })).toEqual({ state: 'IN_SERVICE' });
  });

  it('reports PENDING while the instance boots', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['Pending']));
    aws.mocks.autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolves({ Activities: [activity('InProgress', '2026-11-24T10:00:05Z')] });
    expect(await invoke({ since })).toEqual({ state: 'PENDING' });
  });

  it('ignores a failure from before this launch', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, []));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [activity('Failed', '2026-11-24T09:00:00Z', 'InsufficientInstanceCapacity')],
    });
    expect(await invoke({ since })).toEqual({ state: 'PENDING' });
  });

  it('pages back through activities until it reaches ones older than since', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, []));
    aws.mocks.autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({ Activities: [activity('InProgress', '2026-11-24T10:03:00Z')], NextToken: 'p2' })
      .resolvesOnce({
        Activities: [
          activity('Failed', '2026-11-24T10:01:00Z', 'MaxSpotInstanceCountExceeded'),
          activity('Successful', '2026-11-24T09:00:00Z'),
        ],
        NextToken: 'p3',
      });

    expect(await invoke({ since })).toMatchObject({ state: 'FAILED', error: 'MaxSpotInstanceCountExceeded' });
    expect(aws.mocks.autoScaling.commandCalls(DescribeScalingActivitiesCommand)).toHaveLength(2);
  });

  it.each([{}, { since: 'yesterday' }, null, { since: 5 }])(
    'rejects %j with LaunchStatusInputError naming since',
    async (input) => {
      await expect(invoke(input)).rejects.toMatchObject({
        name: 'LaunchStatusInputError',
        message: expect.stringMatching(/since|root/),
      });
      expect(aws.mocks.autoScaling.calls()).toHaveLength(0);
    },
  );

  it('fails with AsgNotFoundError for a missing group and lets throttling through', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    await expect(invoke({ since })).rejects.toMatchObject({ name: 'AsgNotFoundError' });
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).rejects(awsError('Throttling'));
    await expect(invoke({ since })).rejects.toMatchObject({ name: 'Throttling' });
  });
});
