/**
 * EventBridge events as AWS documents them (EC2 User Guide: Spot interruption notices, rebalance
 * recommendations, instance state-change events; EC2 Auto Scaling event reference). Placeholder values
 * AWS leaves in its samples ("yyyy-mm-dd...", "action") are filled with plausible ones.
 */
export const spotInterruptionWarningSample = {
  version: '0',
  id: '12345678-1234-1234-1234-123456789012',
  'detail-type': 'EC2 Spot Instance Interruption Warning',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-east-2',
  resources: ['arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', 'instance-action': 'terminate' },
};

export const rebalanceRecommendationSample = {
  version: '0',
  id: '12345678-1234-1234-1234-123456789012',
  'detail-type': 'EC2 Instance Rebalance Recommendation',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2026-11-24T09:58:00Z',
  region: 'us-east-2',
  resources: ['arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0' },
};

export const stateChangeSample = {
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2021-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'pending' },
};

export const launchUnsuccessfulSample = {
  version: '0',
  id: '12345678-1234-1234-1234-123456789012',
  'detail-type': 'EC2 Instance Launch Unsuccessful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-west-2',
  resources: ['auto-scaling-group-arn', 'instance-arn'],
  detail: {
    StatusCode: 'Failed',
    AutoScalingGroupName: 'my-auto-scaling-group',
    ActivityId: '87654321-4321-4321-4321-210987654321',
    Details: { 'Availability Zone': 'us-west-2b', 'Subnet ID': 'subnet-12345678' },
    RequestId: '12345678-1234-1234-1234-123456789012',
    StatusMessage:
      'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
    EndTime: '2026-11-24T10:00:00Z',
    EC2InstanceId: '',
    StartTime: '2026-11-24T09:59:58Z',
    Cause:
      'At 2026-11-24T09:59:50Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.',
  },
};
