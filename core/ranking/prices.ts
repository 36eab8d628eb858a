/**
 * The current Spot price of a region from DescribeSpotPriceHistory records: the latest record per
 * Availability Zone and instance type, Linux/UNIX only, compared as numbers, then the cheapest of those.
 */

/** The SDK's `SpotPrice` record, structurally (core imports no SDK). `SpotPrice` is a decimal string. */
export interface SpotPriceRecord {
  AvailabilityZone?: string | undefined;
  InstanceType?: string | undefined;
  ProductDescription?: string | undefined;
  SpotPrice?: string | undefined;
  Timestamp?: Date | undefined;
}

/**
 * The product descriptions spotplane runs on. EC2-Classic-era accounts still see the "(Amazon VPC)"
 * variant; Windows, SUSE and RHEL records carry licence surcharges and must never set the price.
 */
export const LINUX_PRODUCT_DESCRIPTIONS = ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'] as const;

export interface CheapestPrice {
  /** USD per instance-hour. */
  price: number;
  availabilityZone: string;
  instanceType: string;
}

interface Latest extends CheapestPrice {
  at: number;
}

/** Parses a price string strictly: `"0.8123"` -> 0.8123; blanks, negatives and garbage -> undefined. */
export function parseSpotPrice(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The cheapest Availability Zone's latest Linux/UNIX Spot price over `instanceTypes`, or `null` when no
 * usable record exists (the caller ranks that region as "price unknown").
 *
 * @example
 * cheapestLatestPrice(history.SpotPriceHistory ?? [], ['g6.xlarge', 'g5.xlarge']);
 * // -> { price: 0.4123, availabilityZone: 'us-west-2b', instanceType: 'g6.xlarge' }
 */
export function cheapestLatestPrice(
  records: readonly SpotPriceRecord[],
  instanceTypes: readonly string[],
): CheapestPrice | null {
  const linux: readonly string[] = LINUX_PRODUCT_DESCRIPTIONS;
  const latest = new Map<string, Latest>();
  for (const record of records) {
    const { AvailabilityZone: zone, InstanceType: type, ProductDescription: product, Timestamp: ts } = record;
    const price = parseSpotPrice(record.SpotPrice);
    if (!zone || !type || !product || !ts || price === undefined) continue;
    if (!linux.includes(product) || !instanceTypes.includes(type)) continue;
    const at = ts.getTime();
    if (Number.isNaN(at)) continue;
    const key = `${zone}\u0000${type}`;
    const seen = latest.get(key);
    // Same instant from both Linux descriptions: keep the lower, so the result never depends on record order.
    if (!seen || at > seen.at || (at === seen.at && price < seen.price)) {
      latest.set(key, { price, availabilityZone: zone, instanceType: type, at });
    }
  }
  let best: Latest | undefined;
  for (const candidate of latest.values()) {
    if (!best || compareCheapest(candidate, best) < 0) best = candidate;
  }
  return best
    ? { price: best.price, availabilityZone: best.availabilityZone, instanceType: best.instanceType }
    : null;
}

function compareCheapest(a: CheapestPrice, b: CheapestPrice): number {
  return (
    a.price - b.price ||
    a.availabilityZone.localeCompare(b.availabilityZone) ||
    a.instanceType.localeCompare(b.instanceType)
  );
}
