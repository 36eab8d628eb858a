/**
 * Checks before an apply: credentials work, Terraform or OpenTofu is installed, and in each worker
 * region every Spot vCPU quota the instance types count against (G and VT, P, Inf, Trn) can hold the
 * most replicas one region may run (maxPerRegion). A low quota is a warning (the request may be pending), a missing binary or
 * credential is an error.
 */
import { type SpotQuota, spotQuotaOf } from '../core/accelerator.ts';
import type { Config } from '../core/config.ts';
import { PreflightError } from './errors.ts';

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

/** One Spot quota the configured types count against, and the vCPUs the target capacity needs of it. */
export interface SpotQuotaNeed {
  quota: SpotQuota;
  types: string[];
  /** The largest of `types` (the Auto Scaling group may launch any of them) times the most replicas one region holds. */
  vcpus: number;
}

/**
 * The Spot quotas to check: each instance family counts against its own quota (G and VT, P, Inf, Trn),
 * so an NVIDIA deployment over g* and p* types needs both, a Neuron one over inf* or trn* its own.
 */
export function spotQuotaNeeds(config: Config, vcpus: Record<string, number>): SpotQuotaNeed[] {
  const byQuota = new Map<string, SpotQuotaNeed>();
  for (const type of config.instanceTypes) {
    const quota = spotQuotaOf(type);
    if (!quota) continue;
    const need = byQuota.get(quota.code) ?? { quota, types: [], vcpus: 0 };
    need.types.push(type);
    need.vcpus = Math.max(need.vcpus, (vcpus[type] ?? 0) * config.maxPerRegion);
    byQuota.set(quota.code, need);
  }
  return [...byQuota.values()];
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
  const vcpus = await deps.vcpus(config.hubRegion, config.instanceTypes);
  const needs = spotQuotaNeeds(config, vcpus);
  await Promise.all(
    config.workerRegions.flatMap((region) =>
      needs.map(async ({ quota, types, vcpus: needed }) => {
        let value: number | undefined;
        try {
          value = await deps.spotQuota(region, quota.code);
        } catch (error) {
          warnings.push(
            `${region}: could not read the Spot quota ${quota.code} "${quota.name}" (${(error as Error).message})`,
          );
          return;
        }
        if (needed > 0 && (value ?? 0) < needed) {
          warnings.push(
            `${region}: "${quota.name}" quota is ${value ?? 0} vCPUs, below the ${needed} vCPUs ` +
              `needed for ${config.maxPerRegion} instance(s) (maxPerRegion) of ${types.join(', ')}; launches there will fail with ` +
              `MaxSpotInstanceCountExceeded. Request an increase: aws service-quotas request-service-quota-increase ` +
              `--region ${region} --service-code ec2 --quota-code ${quota.code} --desired-value ${needed}`,
          );
        }
      }),
    ),
  );
  return { account: identity.account, terraform, warnings: warnings.sort() };
}
