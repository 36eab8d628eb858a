/**
 * The `handler.ts` entry points as AWS runs them: configuration from the environment, real SDK clients
 * (intercepted by aws-sdk-client-mock at the class level, so nothing leaves the machine).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as act } from '../../lambdas/act/handler.ts';
import { handler as asgLaunchStatus } from '../../lambdas/asg-launch-status/handler.ts';
import { handler as backstop } from '../../lambdas/backstop/handler.ts';
import { handler as classify } from '../../lambdas/classify-capacity-event/handler.ts';
import { handler as details } from '../../lambdas/get-instance-details/handler.ts';
import { handler as fromAsg } from '../../lambdas/get-instance-from-asg/handler.ts';
import { handler as plan } from '../../lambdas/plan/handler.ts';
import { handler as toggle } from '../../lambdas/toggle-provisioning/handler.ts';
import { handler as waker } from '../../lambdas/waker/handler.ts';
import { apiEvent, lambdaContext } from './helpers.ts';

beforeAll(() => {
  Object.assign(process.env, {
    SPOTPLANE_CONFIG: JSON.stringify({ prefix: 'sp', hubRegion: 'us-east-1', workerRegions: ['us-west-2'] }),
    SPOTPLANE_REGION: 'us-west-2',
    ORCHESTRATOR_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:sp-orchestrator',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  mockClient(DynamoDBDocumentClient).on(GetCommand).resolves({});
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

  it('Plan and Act name the bad field of an input that is not theirs', async () => {
    await expect(plan({}, lambdaContext)).rejects.toMatchObject({
      name: 'PlanInputError',
      message: /observation/,
    });
    await expect(act({}, lambdaContext)).rejects.toMatchObject({ name: 'ActInputError', message: /token/ });
  });

  it('the Waker ignores an event that is not a worker report', async () => {
    expect(await waker({ source: 'x', 'detail-type': 'y', detail: {} }, lambdaContext)).toEqual({
      outcome: 'IGNORED',
      reason: 'NOT_A_WORKER_EVENT',
    });
  });

  it('the Backstop starts nothing when nothing was ever enabled', async () => {
    expect(await backstop({}, lambdaContext)).toEqual({ checked: 'not wanted' });
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
