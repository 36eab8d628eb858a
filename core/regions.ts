/**
 * Commercial AWS regions that offer GPU Spot capacity. A configuration naming a region outside this
 * list is rejected with the list as the allowed values, so a typo ("us-west2") fails before deploy.
 */
export const AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-east-1',
  'me-central-1',
  'me-south-1',
  'il-central-1',
  'af-south-1',
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

/** True for a region spotplane knows (`AWS_REGIONS`); `us-west2` and `US-WEST-2` are not. */
export function isAwsRegion(value: string): value is AwsRegion {
  return (AWS_REGIONS as readonly string[]).includes(value);
}
