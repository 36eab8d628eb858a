/**
 * On-demand list prices (USD per instance-hour, Linux, shared tenancy): the ceiling the placement policy compares
 * Spot with. Base prices are the published us-east-1 rates (Amazon EC2 On-Demand Pricing); other regions apply a
 * regional factor: the published g5.xlarge Linux on-demand price of each region relative to us-east-1 (e.g.
 * eu-west-1 $1.123 / $1.006 = 1.116). GPU families move together across regions to within a few percent, so one
 * factor per region is close enough to rank regions against Spot. The simulator bills with the same table.
 */

/** us-east-1, USD per hour. */
export const ON_DEMAND_US_EAST_1: Readonly<Record<string, number>> = {
  'g4dn.xlarge': 0.526,
  'g5.xlarge': 1.006,
  'g5.2xlarge': 1.212,
  'g6.xlarge': 0.8048,
  'g6.2xlarge': 0.9776,
  'g6e.xlarge': 1.861,
  'g6e.2xlarge': 2.24208,
};

/** Regional price level relative to us-east-1 (1.0 where the rate is the same). */
export const REGION_PRICE_FACTOR: Readonly<Record<string, number>> = {
  'us-east-1': 1,
  'us-east-2': 1,
  'us-west-1': 1.2,
  'us-west-2': 1,
  'ca-central-1': 1.11,
  'sa-east-1': 1.59,
  'eu-west-1': 1.116,
  'eu-west-2': 1.17,
  'eu-west-3': 1.17,
  'eu-central-1': 1.25,
  'eu-central-2': 1.37,
  'eu-north-1': 1.06,
  'eu-south-1': 1.17,
  'eu-south-2': 1.12,
  'ap-south-1': 1.09,
  'ap-south-2': 1.09,
  'ap-northeast-1': 1.45,
  'ap-northeast-2': 1.3,
  'ap-northeast-3': 1.45,
  'ap-southeast-1': 1.36,
  'ap-southeast-2': 1.5,
  'ap-southeast-3': 1.36,
  'ap-southeast-4': 1.5,
  'ap-east-1': 1.49,
  'me-central-1': 1.25,
  'me-south-1': 1.25,
  'il-central-1': 1.2,
  'af-south-1': 1.38,
};

/**
 * The on-demand price of each configured type the table knows in `region`, USD per hour; types or regions it does
 * not know are left out (the policy then has no on-demand ceiling there).
 *
 * @example
 * onDemandPrices('us-east-1', ['g6.xlarge']); // { 'g6.xlarge': 0.8048 }
 */
export function onDemandPrices(region: string, instanceTypes: readonly string[]): Record<string, number> {
  const factor = REGION_PRICE_FACTOR[region];
  if (factor === undefined) return {};
  const out: Record<string, number> = {};
  for (const t of instanceTypes) {
    const base = ON_DEMAND_US_EAST_1[t];
    if (base !== undefined) out[t] = Math.round(base * factor * 10_000) / 10_000;
  }
  return out;
}
