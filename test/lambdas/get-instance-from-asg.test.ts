import {
  type Instance as AsgInstance,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../lambdas/get-instance-from-asg/index.ts';
import { awsError, clockAt, config, fakeAws, lambdaContext, quietObservability } from './helpers.ts';

const aws = fakeAws();
const deps = () => ({
  clients: aws.clients,
  config,
  clock: clockAt(),
  region: 'us-west-2',
  asgName: 'sp-gpu',
  observability: quietObservability(),
});
const invoke = () => makeHandler(deps())({}, lambdaContext);

const asgInstance = (InstanceId: string, LifecycleState = 'InService'): AsgInstance => ({
  InstanceId,
  LifecycleState: LifecycleState as AsgInstance['LifecycleState'],
  HealthStatus: 'Healthy',
  AvailabilityZone: 'us-west-2b',
  ProtectedFromScaleIn: false,
});

const ec2Instance = (InstanceId: string, spot: boolean): Instance => ({
  InstanceId,
  InstanceType: 'g6.xlarge' as Instance['InstanceType'],
  PublicIpAddress: spot ? '54.1.2.3' : undefined,
  PrivateIpAddress: '10.0.0.12',
  Placement: { AvailabilityZone: 'us-west-2b' },
  LaunchTime: new Date('2026-11-24T10:00:00.000Z'),
  ...(spot ? { InstanceLifecycle: 'spot' as const } : {}),
});

const group = (instances: AsgInstance[]): Partial<DescribeAutoScalingGroupsCommandOutput> => ({
  AutoScalingGroups: [
    {
      AutoScalingGroupName: 'sp-gpu',
      MinSize: 0,
      MaxSize: 2,
      DesiredCapacity: instances.length,
      DefaultCooldown: 300,
      AvailabilityZones: ['us-west-2b'],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(),
      Instances: instances,
    },
  ],
});

beforeEach(() => aws.reset());

describe('GetInstanceFromAsg', () => {
  it('describes the InService instances of our ASG as contract InstanceDetails', async () => {
    aws.mocks.autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(group([asgInstance('i-0aaa'), asgInstance('i-0bbb', 'Pending'), asgInstance('i-0ccc')]));
    aws.mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [ec2Instance('i-0ccc', false)] },
        { Instances: [ec2Instance('i-0aaa', true)] },
      ],
    });

    const result = await invoke();

    expect(result).toEqual({
      instances: [
        {
          instance_id: 'i-0aaa',
          public_ip: '54.1.2.3',
          private_ip: '10.0.0.12',
          instance_type: 'g6.xlarge',
          availability_zone: 'us-west-2b',
          lifecycle: 'spot',
          launch_time: '2026-11-24T10:00:00Z',
        },
        {
          instance_id: 'i-0ccc',
          public_ip: null,
          private_ip: '10.0.0.12',
          instance_type: 'g6.xlarge',
          availability_zone: 'us-west-2b',
          lifecycle: 'on-demand',
          launch_time: '2026-11-24T10:00:00Z',
        },
      ],
    });
    expect(aws.mocks.autoScaling.commandCalls(DescribeAutoScalingGroupsCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupNames: ['sp-gpu'],
    });
    expect(aws.mocks.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.InstanceIds).toEqual([
      'i-0aaa',
      'i-0ccc',
    ]);
    expect(new Set([...(aws.regions.ec2 ?? []), ...(aws.regions.autoScaling ?? [])])).toEqual(
      new Set(['us-west-2']),
    );
  });

  it('follows DescribeInstances pages', async () => {
    aws.mocks.autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(group([asgInstance('i-0aaa'), asgInstance('i-0bbb')]));
    aws.mocks.ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [ec2Instance('i-0aaa', true)] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [ec2Instance('i-0bbb', true)] }] });

    const result = await invoke();

    expect(result.instances.map((i) => i.instance_id)).toEqual(['i-0aaa', 'i-0bbb']);
    expect(aws.mocks.ec2.commandCalls(DescribeInstancesCommand)[1]?.args[0].input.NextToken).toBe('p2');
  });

  it('answers an empty list, without asking EC2, when nothing is InService', async () => {
    aws.mocks.autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(group([asgInstance('i-0aaa', 'Pending')]));
    expect(await invoke()).toEqual({ instances: [] });
    expect(aws.mocks.ec2.calls()).toHaveLength(0);
  });

  it('leaves out an instance EC2 no longer knows', async () => {
    aws.mocks.autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolves(group([asgInstance('i-0aaa'), asgInstance('i-0bbb')]));
    aws.mocks.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [ec2Instance('i-0bbb', true)] }] });
    expect((await invoke()).instances.map((i) => i.instance_id)).toEqual(['i-0bbb']);
  });

  it('fails with AsgNotFoundError when the ASG does not exist', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    await expect(invoke()).rejects.toMatchObject({
      name: 'AsgNotFoundError',
      message: expect.stringContaining('sp-gpu'),
    });
  });

  it('fails naming the field when EC2 omits one the contract needs', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves(group([asgInstance('i-0aaa')]));
    aws.mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ ...ec2Instance('i-0aaa', true), LaunchTime: undefined }] }],
    });
    await expect(invoke()).rejects.toMatchObject({
      name: 'InstanceDescriptionError',
      message: expect.stringContaining('LaunchTime'),
    });
  });

  it('lets throttling propagate for the state machine Retry', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).rejects(awsError('Throttling'));
    await expect(invoke()).rejects.toMatchObject({ name: 'Throttling' });
  });
});
