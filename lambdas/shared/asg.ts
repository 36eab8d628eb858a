/** Reads this worker's Auto Scaling group. */
import { type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from './clients.ts';
import { AsgNotFoundError } from './errors.ts';

/**
 * The named Auto Scaling group in `region`.
 *
 * @throws {AsgNotFoundError} when it does not exist.
 */
export async function describeAsg(
  clients: AwsClients,
  region: string,
  name: string,
): Promise<AutoScalingGroup> {
  const out = await clients
    .autoScaling(region)
    .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
  if (!group) throw new AsgNotFoundError(`Auto Scaling group ${name} does not exist in ${region}`);
  return group;
}
