/**
 * What the stable endpoint costs (aws.amazon.com/global-accelerator/pricing): a fixed fee for every full
 * or partial hour an accelerator exists (enabled or not), plus a Data Transfer-Premium per GB of the
 * dominant direction of traffic, on top of the endpoints' own data transfer out. The premium depends on
 * the serving region and the client's edge: $0.015/GB within North America or Europe, up to $0.043/GB
 * across continents.
 */

/** USD per accelerator-hour, charged until the accelerator is deleted. */
export const ACCELERATOR_USD_PER_HOUR = 0.025;
/** DT-Premium per GB, serving region and clients on the same continent (NA or EU). */
export const DT_PREMIUM_USD_PER_GB_SAME_CONTINENT = 0.015;
/** The highest DT-Premium in AWS's table (e.g. an EU region serving APAC clients). */
export const DT_PREMIUM_USD_PER_GB_MAX = 0.043;

/** The fixed fee of one accelerator for `hours` of existence (each started hour is billed in full). */
export function acceleratorFixedUsd(hours: number): number {
  // A float sum of hours may land a hair above a whole hour; that hair is not a started hour.
  return Math.max(0, Math.ceil(hours - 1e-9)) * ACCELERATOR_USD_PER_HOUR;
}

/** One line for a summary: the fixed fee for a 30-day month and the per-GB premium range. */
export function endpointCostSummary(): string {
  return (
    `Global Accelerator: $${ACCELERATOR_USD_PER_HOUR}/h fixed ($${acceleratorFixedUsd(30 * 24).toFixed(2)} per 30 days) ` +
    `+ $${DT_PREMIUM_USD_PER_GB_SAME_CONTINENT}-${DT_PREMIUM_USD_PER_GB_MAX}/GB data transfer premium on the dominant ` +
    'direction of traffic (on top of EC2 data transfer out)'
  );
}
