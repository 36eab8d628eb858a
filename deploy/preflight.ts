/**
 * Checks before any synthesis (deploy runs them first, so a mistake costs seconds, not a minute of
 * synthesis): credentials work, Terraform or OpenTofu is installed, every worker region is enabled and
 * offers every configured instance type (EC2 DescribeInstanceTypeOfferings, location type `region`), and in
 * each worker region every Spot vCPU quota the instance types count against (G and VT, P, Inf, Trn) can hold
 * the most replicas one region may run (maxPerRegion). A low quota is a warning (the request may be
 * pending); missing credentials, a missing binary, a region the account cannot use or an instance type a
 * region does not offer is an error naming its cause.
 */
import { type SpotQuota, spotQuotaOf } from '../core/accelerator.ts';
import type { Config } from '../core/config.ts';
import { PreflightError } from './errors.ts';

/** Service Quotas code of "All G and VT Spot Instance Requests" (vCPUs, per region). */
export const G_VT_SPOT_QUOTA_CODE = 'L-3819A6DF';

export interface PreflightDeps {
  /** STS GetCallerIdentity in `region` (the hub's: the SDK needs one); throws without usable credentials. */
  callerIdentity(region: string): Promise<{ account: string; arn: string }>;
  /** Which of `instanceTypes` EC2 offers in `region` (DescribeInstanceTypeOfferings, every page). */
  offeredTypes(region: string, instanceTypes: readonly string[]): Promise<string[]>;
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

/** AWS's error names for a region the account has not opted in to (or that does not exist for it). */
const REGION_REFUSED = new Set(['OptInRequired', 'AuthFailure', 'UnrecognizedClientException']);

const errorName = (error: unknown) => (error as { name?: string }).name ?? '';
const errorText = (error: unknown) => `${errorName(error) || 'Error'}: ${(error as Error).message}`;

/**
 * Why GetCallerIdentity failed, in the user's terms: no credentials found is not the same as credentials
 * refused, and neither is a network that cannot reach STS.
 */
function credentialsProblem(error: unknown, region: string): string {
  const name = errorName(error);
  const text = errorText(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(text)) {
    return `no AWS credentials found (${text}). Configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) or use --synth-only.`;
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo/.test(text)) {
    return `cannot reach STS in ${region} (${text}): check the network or proxy, or use --synth-only.`;
  }
  return `AWS credentials are invalid or expired (STS GetCallerIdentity in ${region} failed: ${text}). Refresh them (aws sso login, aws configure) or use --synth-only.`;
}

/** What `config`'s instance types and regions look like to EC2: an error per region that cannot serve them. */
async function checkOfferings(config: Config, deps: PreflightDeps): Promise<void> {
  const problems: string[] = [];
  const offered = new Map<string, Set<string>>();
  await Promise.all(
    config.workerRegions.map(async (region) => {
      try {
        offered.set(region, new Set(await deps.offeredTypes(region, config.instanceTypes)));
      } catch (error) {
        problems.push(
          REGION_REFUSED.has(errorName(error))
            ? `${region}: EC2 refused the request (${errorText(error)}); the region is probably not enabled for this account ` +
                `(enable it: aws account enable-region --region-name ${region}) or not a region at all`
            : `${region}: could not list the instance types offered (${errorText(error)})`,
        );
      }
    }),
  );
  const nowhere = config.instanceTypes.filter((type) =>
    [...offered.values()].every((types) => !types.has(type)),
  );
  if (offered.size > 0 && nowhere.length > 0) {
    problems.push(
      `instance type(s) ${nowhere.join(', ')} offered in none of ${[...offered.keys()].join(', ')}: ` +
        'misspelt or not an EC2 instance type (see aws ec2 describe-instance-types)',
    );
  }
  for (const [region, types] of offered) {
    const missing = config.instanceTypes.filter((type) => !types.has(type) && !nowhere.includes(type));
    if (missing.length > 0) {
      problems.push(
        `${region} does not offer ${missing.join(', ')}: drop ${missing.length > 1 ? 'them' : 'it'} from --instance-types / instanceTypes, or drop the region`,
      );
    }
  }
  if (problems.length > 0) throw new PreflightError(problems.sort().join('\n'));
}

/** Runs every check in order of cost; `log` gets a line per check as it starts. */
export async function preflight(
  config: Config,
  deps: PreflightDeps,
  log: (line: string) => void = () => undefined,
): Promise<PreflightResult> {
  log(`pre-flight: credentials (STS in ${config.hubRegion})`);
  let identity: { account: string; arn: string };
  try {
    identity = await deps.callerIdentity(config.hubRegion);
  } catch (cause) {
    throw new PreflightError(credentialsProblem(cause, config.hubRegion), { cause });
  }
  const terraform = deps.findTerraform();
  if (!terraform) {
    throw new PreflightError(
      'Neither terraform nor tofu is on PATH: install Terraform >= 1.5 or OpenTofu, or use --synth-only.',
    );
  }
  log(
    `pre-flight: instance types ${config.instanceTypes.join(', ')} offered in ${config.workerRegions.join(', ')}`,
  );
  await checkOfferings(config, deps);
  log('pre-flight: Spot vCPU quotas');
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
