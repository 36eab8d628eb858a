/**
 * Accelerator families and what follows from them: which instance types belong to which family, the
 * ECS-optimized AMI each needs, the Spot vCPU quota each instance family counts against, and how
 * many Neuron devices an instance exposes. Pure data and lookups; the stacks, pre-flight and the
 * workload definition read them from here.
 */

/** NVIDIA GPUs (g*, gr*, p*) or AWS Neuron (Trainium trn*, Inferentia inf*). One deployment uses one. */
export type AcceleratorFamily = 'nvidia' | 'neuron';

interface FamilyTraits {
  /** How messages name the family. */
  label: string;
  /** The instance-type prefixes of the family (the part before the generation digit). */
  typePattern: RegExp;
  /**
   * AWS's public SSM parameter of the recommended ECS-optimized Amazon Linux 2023 AMI for the family
   * (Amazon ECS Developer Guide, "Retrieving Amazon ECS-optimized Linux AMI metadata").
   */
  amiParameter: string;
}

export const ACCELERATOR_FAMILIES: Record<AcceleratorFamily, FamilyTraits> = {
  nvidia: {
    label: 'NVIDIA GPU',
    typePattern: /^(g|gr|p)\d/,
    amiParameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id',
  },
  neuron: {
    label: 'AWS Neuron',
    typePattern: /^(inf|trn)\d/,
    amiParameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/neuron/recommended/image_id',
  },
};

/** The family of one instance type, or undefined when it has no accelerator spotplane drives. */
export function familyOfType(instanceType: string): AcceleratorFamily | undefined {
  for (const [family, traits] of Object.entries(ACCELERATOR_FAMILIES)) {
    if (traits.typePattern.test(instanceType)) return family as AcceleratorFamily;
  }
  return undefined;
}

/** What is wrong with a list of instance types as one deployment's types, or null when nothing is. */
export function instanceTypesProblem(instanceTypes: readonly string[]): string | null {
  const unknown = instanceTypes.filter((t) => familyOfType(t) === undefined);
  if (unknown.length > 0) {
    return `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an accelerator instance type' : 'are not accelerator instance types'} (NVIDIA GPU: g*, gr*, p*; AWS Neuron: inf*, trn*)`;
  }
  const byFamily = new Map<AcceleratorFamily, string[]>();
  for (const type of instanceTypes) {
    const family = familyOfType(type) as AcceleratorFamily;
    byFamily.set(family, [...(byFamily.get(family) ?? []), type]);
  }
  if (byFamily.size > 1) {
    const parts = [...byFamily].map(([f, types]) => `${ACCELERATOR_FAMILIES[f].label} (${types.join(', ')})`);
    return `mixes ${parts.join(' and ')}: one deployment uses one accelerator family`;
  }
  return null;
}

/**
 * The one family of a deployment's instance types.
 *
 * @example
 * acceleratorFamily(['inf2.xlarge', 'inf2.8xlarge']); // 'neuron'
 * @throws {RangeError} when the list is empty, mixes families or holds a type of neither (the config
 *   schema rejects those first, naming `instanceTypes`).
 */
export function acceleratorFamily(instanceTypes: readonly string[]): AcceleratorFamily {
  const problem = instanceTypes.length === 0 ? 'no instance type' : instanceTypesProblem(instanceTypes);
  if (problem) throw new RangeError(`instanceTypes: ${problem}`);
  return familyOfType(instanceTypes[0] as string) as AcceleratorFamily;
}

/** A Service Quotas quota (service code `ec2`) that bounds the vCPUs of running Spot instances. */
export interface SpotQuota {
  code: string;
  name: string;
}

/**
 * Spot vCPU quotas per instance family, from the Service Quotas console / ListServiceQuotas for `ec2`
 * (EC2 User Guide, "Spot Instance quotas"). Each family letter counts against its own quota.
 */
const SPOT_QUOTAS: readonly { pattern: RegExp; quota: SpotQuota }[] = [
  { pattern: /^(g|gr|vt)\d/, quota: { code: 'L-3819A6DF', name: 'All G and VT Spot Instance Requests' } },
  { pattern: /^p\d/, quota: { code: 'L-7212CCBC', name: 'All P Spot Instance Requests' } },
  { pattern: /^inf\d/, quota: { code: 'L-B5D1601B', name: 'All Inf Spot Instance Requests' } },
  { pattern: /^trn\d/, quota: { code: 'L-6B0D517C', name: 'All Trn Spot Instance Requests' } },
];

/** The Spot vCPU quota `instanceType` counts against, or undefined for a type spotplane does not run. */
export function spotQuotaOf(instanceType: string): SpotQuota | undefined {
  return SPOT_QUOTAS.find((q) => q.pattern.test(instanceType))?.quota;
}

/**
 * Neuron devices (`/dev/neuronN`, one per Inferentia / Trainium chip) per instance type, from the
 * instance types' specifications (Inf1: 1/1/4/16 chips; Inf2: 1/1/6/12; Trn1: 1/16; Trn2: 1/16).
 */
const NEURON_DEVICES: Record<string, number> = {
  'inf1.xlarge': 1,
  'inf1.2xlarge': 1,
  'inf1.6xlarge': 4,
  'inf1.24xlarge': 16,
  'inf2.xlarge': 1,
  'inf2.8xlarge': 1,
  'inf2.24xlarge': 6,
  'inf2.48xlarge': 12,
  'trn1.2xlarge': 1,
  'trn1.32xlarge': 16,
  'trn1n.32xlarge': 16,
  'trn2.3xlarge': 1,
  'trn2.48xlarge': 16,
};

/** Neuron devices of `instanceType`; an unlisted Neuron type is assumed to have at least one. */
export function neuronDevices(instanceType: string): number {
  return NEURON_DEVICES[instanceType] ?? 1;
}

/**
 * Devices every instance of the group has: the task definition may map only devices that exist on
 * whichever of the types the Auto Scaling group launches (a missing host device fails the container).
 */
export function commonNeuronDevices(instanceTypes: readonly string[]): number {
  return Math.min(...instanceTypes.map(neuronDevices));
}
