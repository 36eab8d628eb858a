/**
 * The Terraform settings every spotplane stack shares: one aliased AWS provider per region and a
 * provider version range that the offline mirror (AWS provider 5.100) and current releases both meet.
 */
import { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { LocalBackend, type TerraformStack } from 'cdktn';

/**
 * @cdktn/provider-aws 25.x pins AWS provider 6.x; the stacks use no 6.x-only argument (no per-resource
 * `region`), so 5.100+ applies them too.
 */
export const AWS_PROVIDER_VERSION = '>= 5.100, < 7';

/** Terraform provider aliases may hold only letters, digits, "_" and "-" and must start with a letter. */
export const providerAlias = (region: string) => region.replaceAll('-', '_');

/** The AWS provider for one region, aliased so several regions can live in one stack. */
export function regionProvider(stack: TerraformStack, region: string, prefix: string): AwsProvider {
  return new AwsProvider(stack, `aws-${region}`, {
    region,
    alias: providerAlias(region),
    defaultTags: [{ tags: { 'spotplane:prefix': prefix } }],
  });
}

/** Pins the provider range and puts the stack's state at `statePath` (relative to the stack directory). */
export function configureTerraform(stack: TerraformStack, statePath: string): void {
  stack.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSION);
  new LocalBackend(stack, { path: statePath });
}
