/**
 * Parsers for the AWS events spotplane reacts to, in the shapes AWS documents. The instance id is
 * always read from `detail`, never from the `resources` ARNs (their format differs per partition).
 */
import { z } from 'zod';
import type { Parser } from './parser.ts';

const instanceId = z.string().regex(/^i-[0-9a-f]+$/, 'must be an EC2 instance id such as i-0abc123');

export const spotInterruptionWarning: Parser = {
  source: 'aws.ec2',
  detailType: 'EC2 Spot Instance Interruption Warning',
  schema: z.looseObject({ 'instance-id': instanceId, 'instance-action': z.string().min(1) }),
  build: (d, meta) => ({
    kind: 'spot-interruption-warning',
    ...meta,
    instanceId: d['instance-id'] as string,
    instanceAction: d['instance-action'] as string,
  }),
};

export const rebalanceRecommendation: Parser = {
  source: 'aws.ec2',
  detailType: 'EC2 Instance Rebalance Recommendation',
  schema: z.looseObject({ 'instance-id': instanceId }),
  build: (d, meta) => ({ kind: 'rebalance-recommendation', ...meta, instanceId: d['instance-id'] as string }),
};

export const EC2_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
] as const;

export const instanceStateChange: Parser = {
  source: 'aws.ec2',
  detailType: 'EC2 Instance State-change Notification',
  schema: z.looseObject({ 'instance-id': instanceId, state: z.enum(EC2_STATES) }),
  build: (d, meta) => ({
    kind: 'instance-state-change',
    ...meta,
    instanceId: d['instance-id'] as string,
    state: d.state as (typeof EC2_STATES)[number],
  }),
};

export const launchUnsuccessful: Parser = {
  source: 'aws.autoscaling',
  detailType: 'EC2 Instance Launch Unsuccessful',
  schema: z.looseObject({
    AutoScalingGroupName: z.string().min(1),
    StatusMessage: z.string().default(''),
    StatusCode: z.string().optional(),
    // A launch that failed before an instance existed carries an empty id.
    EC2InstanceId: z.string().optional(),
  }),
  build: (d, meta) => ({
    kind: 'launch-unsuccessful',
    ...meta,
    autoScalingGroupName: d.AutoScalingGroupName as string,
    instanceId: typeof d.EC2InstanceId === 'string' && d.EC2InstanceId !== '' ? d.EC2InstanceId : null,
    statusCode: typeof d.StatusCode === 'string' ? d.StatusCode : null,
    statusMessage: d.StatusMessage as string,
  }),
};

export const awsParsers: readonly Parser[] = [
  spotInterruptionWarning,
  rebalanceRecommendation,
  instanceStateChange,
  launchUnsuccessful,
];
