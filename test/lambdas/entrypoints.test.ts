/**
 * The `handler.ts` entry points as AWS runs them: configuration from the environment, real SDK clients
 * (intercepted by aws-sdk-client-mock at the class level, so nothing leaves the machine).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as asgLaunchStatus } from '../../lambdas/asg-launch-status/handler.ts';
import { handler as classify } from '../../lambdas/classify-capacity-event/handler.ts';
import { handler as details } from '../../lambdas/get-instance-details/handler.ts';
import { handler as fromAsg } from '../../lambdas/get-instance-from-asg/handler.ts';
import { handler as capacity } from '../../lambdas/spot-capacity-handler/handler.ts';
import { handler as stateStore } from '../../lambdas/state-store/handler.ts';
import { handler as toggle } from '../../lambdas/toggle-provisioning/handler.ts';
import { apiEvent, awsError, lambdaContext } from './helpers.ts';

beforeAll(() => {
  Object.assign(process.env, {
    SPOTPLANE_CONFIG: JSON.stringify({ prefix: 'sp', hubRegion: 'us-east-1', workerRegions: ['us-west-2'] }),
    SPOTPLANE_REGION: 'us-west-2',
    ORCHESTRATOR_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:sp-orchestrator',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  mockClient(SSMClient).on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
  mockClient(AutoScalingClient)
    .on(DescribeAutoScalingGroupsCommand)
    .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'sp-gpu', Instances: [] } as never] });
});

describe('Lambda entry points', () => {
  it('ToggleProvisioning answers a bad body with 400', async () => {
    const result = await toggle(apiEvent('POST', '/spot-provisioning', '{"action":"reboot"}'), lambdaContext);
    expect(result.statusCode).toBe(400);
  });

  it('GetInstanceDetails answers the initial state', async () => {
    const result = await details(apiEvent('GET', '/spot-instances'), lambdaContext);
    expect(JSON.parse(result.body as string)).toMatchObject({ provisioning: 'disabled', status: 'DISABLED' });
  });

  it('state-store answers next_backoff', async () => {
    expect(await stateStore({ action: 'next_backoff', attempt: 1 }, lambdaContext)).toEqual({ seconds: 60 });
  });

  it('SpotCapacityHandler ignores an unknown event', async () => {
    expect(await capacity({ source: 'x', 'detail-type': 'y', detail: {} }, lambdaContext)).toMatchObject({
      outcome: 'IGNORED',
    });
  });

  it('GetInstanceFromAsg reads the ASG named after the prefix', async () => {
    expect(await fromAsg({}, lambdaContext)).toEqual({ instances: [] });
  });

  it('AsgLaunchStatus rejects an input without since', async () => {
    await expect(asgLaunchStatus({}, lambdaContext)).rejects.toMatchObject({
      name: 'LaunchStatusInputError',
    });
  });

  it('ClassifyCapacityEvent ignores a malformed event', async () => {
    expect(await classify({}, lambdaContext)).toMatchObject({ action: 'IGNORE', reason: 'MALFORMED_EVENT' });
  });
});
