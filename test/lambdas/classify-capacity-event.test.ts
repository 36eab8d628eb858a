import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { makeHandler } from '../../lambdas/classify-capacity-event/index.ts';
import { METRIC } from '../../lambdas/shared/observability.ts';
import {
  launchUnsuccessfulSample,
  rebalanceRecommendationSample,
  spotInterruptionWarningSample,
  stateChangeSample,
} from '../core/events.samples.ts';
import { awsError, clockAt, config, fakeAws, lambdaContext, quietObservability } from './helpers.ts';

const aws = fakeAws();
let observability: ReturnType<typeof quietObservability>;
const id = 'i-1234567890abcdef0';

const invoke = (event: unknown, options: { rebalance?: boolean; asgName?: string } = {}) =>
  makeHandler({
    clients: aws.clients,
    config: options.rebalance ? parseConfig({ ...config, useRebalanceRecommendation: true }) : config,
    clock: clockAt(),
    region: 'us-east-2',
    asgName: options.asgName ?? 'sp-gpu',
    observability,
  })(event, lambdaContext);

const memberOf = (asg: string | null) =>
  aws.mocks.autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
    AutoScalingInstances: asg
      ? [
          {
            InstanceId: id,
            AutoScalingGroupName: asg,
            AvailabilityZone: 'us-east-2a',
            LifecycleState: 'InService',
            HealthStatus: 'HEALTHY',
            ProtectedFromScaleIn: false,
          },
        ]
      : [],
  });

beforeEach(() => {
  aws.reset();
  observability = quietObservability();
});

describe('ClassifyCapacityEvent', () => {
  it('reports REGION_LOST for an interruption warning on our instance and counts it', async () => {
    memberOf('sp-gpu');
    const addMetric = vi.spyOn(observability.metrics, 'addMetric');

    expect(await invoke(spotInterruptionWarningSample)).toEqual({
      action: 'REGION_LOST',
      reason: 'SpotInterruption',
      instance_id: id,
    });
    expect(aws.mocks.autoScaling.commandCalls(DescribeAutoScalingInstancesCommand)[0]?.args[0].input).toEqual(
      { InstanceIds: [id] },
    );
    expect(addMetric).toHaveBeenCalledWith(METRIC.interruptionWarnings, 'Count', 1);
    expect(aws.regions.autoScaling).toEqual(['us-east-2']);
  });

  it('logs with the region and the instance the event is about', async () => {
    memberOf('sp-gpu');
    const append = vi.spyOn(observability.logger, 'appendKeys');
    await invoke(spotInterruptionWarningSample);
    expect(append).toHaveBeenCalledWith(expect.objectContaining({ region: 'us-east-2', asg: 'sp-gpu' }));
    expect(append).toHaveBeenCalledWith({ instance: id });
  });

  it('ignores an interruption warning for an instance of another ASG', async () => {
    memberOf('someone-elses-asg');
    expect(await invoke(spotInterruptionWarningSample)).toMatchObject({
      action: 'IGNORE',
      reason: 'NOT_OUR_INSTANCE',
    });
  });

  it('ignores an interruption warning for an instance in no ASG', async () => {
    memberOf(null);
    expect(await invoke(spotInterruptionWarningSample)).toMatchObject({
      action: 'IGNORE',
      reason: 'NOT_OUR_INSTANCE',
    });
  });

  it('ignores a rebalance recommendation without asking AWS unless the flag is on', async () => {
    memberOf('sp-gpu');
    expect(await invoke(rebalanceRecommendationSample)).toMatchObject({
      action: 'IGNORE',
      reason: 'REBALANCE_DISABLED',
    });
    expect(aws.mocks.autoScaling.calls()).toHaveLength(0);
    expect(await invoke(rebalanceRecommendationSample, { rebalance: true })).toMatchObject({
      action: 'REGION_LOST',
      reason: 'RebalanceRecommendation',
    });
  });

  it('reports our instance terminating and ignores it starting', async () => {
    memberOf('sp-gpu');
    const terminated = { ...stateChangeSample, detail: { 'instance-id': id, state: 'shutting-down' } };
    expect(await invoke(terminated)).toMatchObject({ action: 'REGION_LOST', reason: 'InstanceTerminated' });
    expect(await invoke(stateChangeSample)).toMatchObject({ action: 'IGNORE', reason: 'STATE_NOT_A_LOSS' });
    expect(aws.mocks.autoScaling.calls()).toHaveLength(1);
  });

  it('reports a launch failure of our ASG by name, without a membership lookup', async () => {
    expect(await invoke(launchUnsuccessfulSample, { asgName: 'my-auto-scaling-group' })).toEqual({
      action: 'REGION_LOST',
      reason: 'InsufficientInstanceCapacity',
      instance_id: null,
    });
    expect(await invoke(launchUnsuccessfulSample)).toMatchObject({ action: 'IGNORE', reason: 'NOT_OUR_ASG' });
    expect(aws.mocks.autoScaling.calls()).toHaveLength(0);
  });

  it.each([null, { source: 'aws.ec2' }, { ...spotInterruptionWarningSample, detail: {} }])(
    'ignores the malformed event %j without throwing, and counts it',
    async (event) => {
      const addMetric = vi.spyOn(observability.metrics, 'addMetric');
      expect(await invoke(event)).toMatchObject({ action: 'IGNORE', reason: 'MALFORMED_EVENT' });
      expect(addMetric).toHaveBeenCalledWith(METRIC.droppedEvents, 'Count', 1);
    },
  );

  it('lets throttling of the membership lookup propagate for the Retry', async () => {
    aws.mocks.autoScaling.on(DescribeAutoScalingInstancesCommand).rejects(awsError('Throttling'));
    await expect(invoke(spotInterruptionWarningSample)).rejects.toMatchObject({ name: 'Throttling' });
  });
});
