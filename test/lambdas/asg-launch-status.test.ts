import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
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

/** The cluster: `registered` container instances (free GPU each unless busy), and spotplane's tasks. */
function cluster(
  registered: { busy: boolean }[],
  tasks: { lastStatus: string; health?: string; stopCode?: string; on?: number }[] = [],
) {
  const ciArns = registered.map(
    (_, i) => `arn:aws:ecs:eu-west-1:123456789012:container-instance/sp-cluster/c${i}`,
  );
  aws.mocks.ecs.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: ciArns });
  aws.mocks.ecs.on(DescribeContainerInstancesCommand).resolves({
    containerInstances: registered.map((r, i) => ({
      containerInstanceArn: ciArns[i],
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: r.busy ? 1 : 0,
      pendingTasksCount: 0,
      ec2InstanceId: `i-0${i}`,
      remainingResources: [{ name: 'GPU', type: 'STRINGSET', stringSetValue: r.busy ? [] : ['GPU-1'] }],
    })),
    failures: [],
  });
  const taskArns = tasks.map((_, i) => `arn:aws:ecs:eu-west-1:123456789012:task/sp-cluster/t${i}`);
  aws.mocks.ecs.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({
    taskArns: taskArns.filter((_, i) => tasks[i]!.lastStatus !== 'STOPPED'),
  });
  aws.mocks.ecs.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({
    taskArns: taskArns.filter((_, i) => tasks[i]!.lastStatus === 'STOPPED'),
  });
  aws.mocks.ecs.on(DescribeTasksCommand).resolves({
    tasks: tasks.map((t, i) => ({
      taskArn: taskArns[i],
      containerInstanceArn: ciArns[t.on ?? i],
      lastStatus: t.lastStatus,
      desiredStatus: t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      healthStatus: (t.health ?? 'UNKNOWN') as 'HEALTHY',
      createdAt: new Date('2026-11-24T10:03:00Z'),
      stopCode: t.stopCode as 'EssentialContainerExited' | undefined,
    })),
    failures: [],
  });
}

beforeEach(() => {
  aws.reset();
  cluster([]);
});

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

  it('waits in phase registration while the instance is InService but not registered by its ECS agent', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['InService']));
    aws.mocks.autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolves({ Activities: [activity('Successful', '2026-11-24T10:00:05Z')] });
    expect(await invoke({ since, want: 1 })).toMatchObject({
      state: 'WAIT',
      progress: { phase: 'registration', in_service: 1, registered: 0 },
    });
    expect(aws.mocks.ecs.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(0);
  });

  it('says PLACE once a registered container instance has its GPU free, and READY once the task is healthy', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['InService']));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    cluster([{ busy: false }]);
    expect(await invoke({ since, want: 1 })).toMatchObject({ state: 'PLACE', run_count: 1 });
    expect(aws.mocks.ecs.commandCalls(ListContainerInstancesCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'sp-cluster',
    });
    expect(aws.mocks.ecs.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'sp-cluster',
      startedBy: 'spotplane',
    });
    cluster([{ busy: true }], [{ lastStatus: 'RUNNING', health: 'HEALTHY' }]);
    expect(await invoke({ since, want: 1 })).toMatchObject({ state: 'READY', progress: { healthy: 1 } });
  });

  /** Two InService instances: i-00's task exited (it is empty), i-01 serves. */
  function oneExitedOneServing() {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(2, ['InService', 'InService']));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    cluster(
      [{ busy: false }, { busy: true }],
      [
        { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', on: 0 },
        { lastStatus: 'RUNNING', health: 'HEALTHY', on: 1 },
      ],
    );
  }

  it('names the instances without a healthy task by EC2 id, from the container instance each task runs on', async () => {
    oneExitedOneServing();
    expect(await invoke({ since, want: 2 })).toMatchObject({
      state: 'FAILED',
      error: 'TaskStopped',
      keep: 1,
      take: ['i-00'],
      idle: ['i-00'],
    });
  });

  it('names the surplus of a request that shrinks the group by purchase option, from EC2, and only then', async () => {
    oneExitedOneServing();
    aws.mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-00', InstanceLifecycle: 'spot' },
            { InstanceId: 'i-01', InstanceLifecycle: 'spot' },
          ],
        },
      ],
    });
    expect(await invoke({ since, want: 1, desired: { spot: 1, on_demand: 0 } })).toMatchObject({
      surplus: ['i-00'],
    });
    // By filter: an id EC2 does not list yet is left out instead of failing the call (InvalidInstanceID.NotFound).
    expect(aws.mocks.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'instance-id', Values: ['i-00', 'i-01'] }],
    });
    // A progress poll (no split given) reads no purchase options and names no surplus.
    aws.mocks.ec2.resetHistory();
    expect(await invoke({ since, want: 1 })).toMatchObject({ surplus: [] });
    expect(aws.mocks.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it('reports TaskStopped for a task of this launch that exited before it was healthy', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['InService']));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    cluster([{ busy: false }], [{ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' }]);
    expect(await invoke({ since, want: 1 })).toMatchObject({ state: 'FAILED', error: 'TaskStopped' });
  });

  it('waits in phase instances while the instance boots, wanting the group desired capacity by default', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, ['Pending']));
    aws.mocks.autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolves({ Activities: [activity('InProgress', '2026-11-24T10:00:05Z')] });
    expect(await invoke({ since })).toMatchObject({
      state: 'WAIT',
      progress: { phase: 'instances', wanted: 1 },
    });
  });

  it('ignores a failure from before this launch', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group(1, []));
    aws.mocks.autoScaling.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [activity('Failed', '2026-11-24T09:00:00Z', 'InsufficientInstanceCapacity')],
    });
    expect(await invoke({ since })).toMatchObject({ state: 'WAIT' });
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
