/**
 * Checks before an apply: credentials work, Terraform or OpenTofu is installed, and each worker
 * region's Spot vCPU quota for G and VT instances can hold the target capacity. A low quota is a
 * warning (the request may be pending), a missing binary or credential is an error.
 */
import type { Config } from '../../core/config.ts';

/** Service Quotas code of "All G and VT Spot Instance Requests" (vCPUs, per region). */
export const G_VT_SPOT_QUOTA_CODE = 'L-3819A6DF';

export interface PreflightDeps {
  /** STS GetCallerIdentity; throws without usable credentials. */
  callerIdentity(): Promise<{ account: string; arn: string }>;
  /** The terraform or tofu binary on PATH, if any. */
  findTerraform(): string | undefined;
  /** The applied quota value (vCPUs), or undefined when the region reports none. */
  spotQuota(region: string, quotaCode: string): Promise<number | undefined>;
  /** vCPUs per instance type. */
  vcpus(region: string, instanceTypes: readonly string[]): Promise<Record<string, number>>;
}

export interface PreflightResult {
  account: string;
  terraform: string;
  warnings: string[];
}

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/** G and VT families share the quota above; others (P, Inf, ...) have their own. */
export const isGOrVtType = (type: string) => /^(g|vt)\d/.test(type);

/** vCPUs the largest configured G/VT type needs at the target capacity (the ASG may pick any of them). */
export function requiredSpotVcpus(config: Config, vcpus: Record<string, number>): number {
  const sizes = config.instanceTypes.filter(isGOrVtType).map((t) => vcpus[t] ?? 0);
  return Math.max(0, ...sizes) * config.targetCapacity;
}

export async function preflight(config: Config, deps: PreflightDeps): Promise<PreflightResult> {
  let identity: { account: string; arn: string };
  try {
    identity = await deps.callerIdentity();
  } catch (cause) {
    throw new PreflightError(
      `AWS credentials are missing or invalid (STS GetCallerIdentity failed: ${(cause as Error).message}). ` +
        'Configure them (aws configure / AWS_PROFILE) or use --synth-only.',
      { cause },
    );
  }
  const terraform = deps.findTerraform();
  if (!terraform) {
    throw new PreflightError(
      'Neither terraform nor tofu is on PATH: install Terraform >= 1.5 or OpenTofu, or use --synth-only.',
    );
  }
  const warnings: string[] = [];
  const nonGpuQuota = config.instanceTypes.filter((t) => !isGOrVtType(t));
  if (nonGpuQuota.length > 0) {
    warnings.push(
      `quota not checked for ${nonGpuQuota.join(', ')} (only the G and VT Spot quota is checked)`,
    );
  }
  const vcpus = await deps.vcpus(config.hubRegion, config.instanceTypes);
  const needed = requiredSpotVcpus(config, vcpus);
  await Promise.all(
    config.workerRegions.map(async (region) => {
      let quota: number | undefined;
      try {
        quota = await deps.spotQuota(region, G_VT_SPOT_QUOTA_CODE);
      } catch (error) {
        warnings.push(
          `${region}: could not read the Spot quota ${G_VT_SPOT_QUOTA_CODE} (${(error as Error).message})`,
        );
        return;
      }
      if (needed > 0 && (quota ?? 0) < needed) {
        warnings.push(
          `${region}: "All G and VT Spot Instance Requests" quota is ${quota ?? 0} vCPUs, below the ${needed} vCPUs ` +
            `needed for ${config.targetCapacity} instance(s); launches there will fail with MaxSpotInstanceCountExceeded. ` +
            `Request an increase: aws service-quotas request-service-quota-increase --region ${region} ` +
            `--service-code ec2 --quota-code ${G_VT_SPOT_QUOTA_CODE} --desired-value ${needed}`,
        );
      }
    }),
  );
  return { account: identity.account, terraform, warnings: warnings.sort() };
}
