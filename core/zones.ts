/**
 * Availability Zones per region, as AWS has them. Spot capacity is per zone: an Auto Scaling group spans a
 * region's zones, and a zone that runs out of Spot capacity interrupts only the instances in it.
 *
 * Source: AWS Regions and Availability Zones, "AWS Availability Zones"
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html), which lists
 * every zone by AZ ID. Not every region has three: US West (N. California) offers new accounts two zones
 * (usw1-az1, usw1-az3), Asia Pacific (Tokyo) three of its four (apne1-az1, -az2, -az4); US East (N. Virginia)
 * has six, US West (Oregon) and Asia Pacific (Seoul) four.
 *
 * Zone names (`us-east-1a`) are mapped to AZ IDs per account in the oldest regions; spotplane names a region's
 * zones `a`, `b`, ... in the order of this table, which is one valid mapping (LocalCloud uses it).
 */
import type { AwsRegion } from './regions.ts';

/** AZ IDs of each region spotplane knows, in the order zone letters are given to them. */
export const AVAILABILITY_ZONE_IDS: Readonly<Record<AwsRegion, readonly string[]>> = {
  'us-east-1': ['use1-az1', 'use1-az2', 'use1-az3', 'use1-az4', 'use1-az5', 'use1-az6'],
  'us-east-2': ['use2-az1', 'use2-az2', 'use2-az3'],
  'us-west-1': ['usw1-az1', 'usw1-az3'],
  'us-west-2': ['usw2-az1', 'usw2-az2', 'usw2-az3', 'usw2-az4'],
  'ca-central-1': ['cac1-az1', 'cac1-az2', 'cac1-az4'],
  'sa-east-1': ['sae1-az1', 'sae1-az2', 'sae1-az3'],
  'eu-west-1': ['euw1-az1', 'euw1-az2', 'euw1-az3'],
  'eu-west-2': ['euw2-az1', 'euw2-az2', 'euw2-az3'],
  'eu-west-3': ['euw3-az1', 'euw3-az2', 'euw3-az3'],
  'eu-central-1': ['euc1-az1', 'euc1-az2', 'euc1-az3'],
  'eu-central-2': ['euc2-az1', 'euc2-az2', 'euc2-az3'],
  'eu-north-1': ['eun1-az1', 'eun1-az2', 'eun1-az3'],
  'eu-south-1': ['eus1-az1', 'eus1-az2', 'eus1-az3'],
  'eu-south-2': ['eus2-az1', 'eus2-az2', 'eus2-az3'],
  'ap-south-1': ['aps1-az1', 'aps1-az2', 'aps1-az3'],
  'ap-south-2': ['aps2-az1', 'aps2-az2', 'aps2-az3'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az2', 'apne1-az4'],
  'ap-northeast-2': ['apne2-az1', 'apne2-az2', 'apne2-az3', 'apne2-az4'],
  'ap-northeast-3': ['apne3-az1', 'apne3-az2', 'apne3-az3'],
  'ap-southeast-1': ['apse1-az1', 'apse1-az2', 'apse1-az3'],
  'ap-southeast-2': ['apse2-az1', 'apse2-az2', 'apse2-az3'],
  'ap-southeast-3': ['apse3-az1', 'apse3-az2', 'apse3-az3'],
  'ap-southeast-4': ['apse4-az1', 'apse4-az2', 'apse4-az3'],
  'ap-east-1': ['ape1-az1', 'ape1-az2', 'ape1-az3'],
  'me-central-1': ['mec1-az1', 'mec1-az2', 'mec1-az3'],
  'me-south-1': ['mes1-az1', 'mes1-az2', 'mes1-az3'],
  'il-central-1': ['ilc1-az1', 'ilc1-az2', 'ilc1-az3'],
  'af-south-1': ['afs1-az1', 'afs1-az2', 'afs1-az3'],
};

/** How many zones spotplane assumes for a region it does not know (AWS: "at least three" for new regions). */
const DEFAULT_ZONE_COUNT = 3;

const ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)([a-z])$/;

/**
 * The zone names of `region`: `us-west-1` -> `['us-west-1a', 'us-west-1b']`.
 *
 * @example
 * availabilityZones('us-east-2'); // ['us-east-2a', 'us-east-2b', 'us-east-2c']
 */
export function availabilityZones(region: string): string[] {
  const count = AVAILABILITY_ZONE_IDS[region as AwsRegion]?.length ?? DEFAULT_ZONE_COUNT;
  return Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}

/** How many Availability Zones `region` has (3 for a region not in the table). */
export function zoneCount(region: string): number {
  return AVAILABILITY_ZONE_IDS[region as AwsRegion]?.length ?? DEFAULT_ZONE_COUNT;
}

/** The region of a zone name (`eu-west-1b` -> `eu-west-1`), or null when `zone` is not a zone name. */
export function regionOfZone(zone: string): string | null {
  return ZONE.exec(zone)?.[1] ?? null;
}

/**
 * The AZ ID of a zone name under spotplane's mapping (`us-west-1b` -> `usw1-az3`); for a region not in the
 * table, the shape AWS uses (`xx1-az<n>`).
 */
export function availabilityZoneId(zone: string): string {
  const match = ZONE.exec(zone);
  if (!match) return zone;
  const [, region, letter] = match as unknown as [string, string, string];
  const index = letter.charCodeAt(0) - 97;
  const known = AVAILABILITY_ZONE_IDS[region as AwsRegion]?.[index];
  if (known) return known;
  const [area = '', direction = '', number = ''] = region.split('-');
  const short = direction
    .replace(/north/, 'n')
    .replace(/south/, 's')
    .replace(/east/, 'e')
    .replace(/west/, 'w');
  return `${area}${short.length <= 2 ? short : short[0]}${number}-az${index + 1}`;
}
