/** Terraform stack names of one deployment; teardown finds (and only touches) stacks by these names. */

export const hubStackName = (prefix: string) => `${prefix}-hub`;
export const workerStackName = (prefix: string, region: string) => `${prefix}-worker-${region}`;

/** True when `stack` belongs to the deployment `prefix` (and not to one whose prefix merely starts the same). */
export function stackBelongsTo(stack: string, prefix: string, regions: readonly string[]): boolean {
  return stack === hubStackName(prefix) || regions.some((r) => stack === workerStackName(prefix, r));
}
