/**
 * A region's current Spot price via its own EC2 client: DescribeSpotPriceHistory with StartTime = now
 * (AWS then returns the price in force now), all pages. Any failure becomes "price unknown".
 */
import { DescribeSpotPriceHistoryCommand, type EC2Client, type SpotPrice } from '@aws-sdk/client-ec2';
import {
  cheapestLatestPrice,
  LINUX_PRODUCT_DESCRIPTIONS,
  type PriceLookup,
} from '../../../core/ranking/index.ts';
import { awsErrorName } from '../aws-errors.ts';
import type { Sleep } from '../sleep.ts';
import { callWithTimeout } from './call.ts';
import { CallTimeoutError, TooManyPagesError } from './errors.ts';

const MAX_PAGES = 20;

/**
 * The region's cheapest-AZ current Linux/UNIX Spot price; never throws: a failure, a timeout or no
 * record at all is `{ known: false, why }`.
 *
 * @example
 * await lookupSpotPrice(clients.ec2('eu-west-1'), 'eu-west-1', ['g6.xlarge'], now, 4000);
 * // { known: true, price: 0.4123, availabilityZone: 'eu-west-1b', instanceType: 'g6.xlarge' }
 */
export async function lookupSpotPrice(
  ec2: EC2Client,
  region: string,
  instanceTypes: readonly string[],
  now: Date,
  timeoutMs: number,
  sleep?: Sleep,
): Promise<PriceLookup> {
  let records: SpotPrice[];
  try {
    records = await fetchPriceHistory(ec2, region, instanceTypes, now, timeoutMs, sleep);
  } catch (error) {
    if (error instanceof CallTimeoutError) return { known: false, why: `timed out after ${timeoutMs} ms` };
    return { known: false, why: `${awsErrorName(error)}: ${(error as Error).message}` };
  }
  const cheapest = cheapestLatestPrice(records, instanceTypes);
  if (!cheapest) return { known: false, why: `no Linux/UNIX price record for ${instanceTypes.join(', ')}` };
  return { known: true, ...cheapest };
}

async function fetchPriceHistory(
  ec2: EC2Client,
  region: string,
  instanceTypes: readonly string[],
  now: Date,
  timeoutMs: number,
  sleep: Sleep | undefined,
): Promise<SpotPrice[]> {
  const records: SpotPrice[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const command = new DescribeSpotPriceHistoryCommand({
      InstanceTypes: [...instanceTypes] as DescribeSpotPriceHistoryCommand['input']['InstanceTypes'],
      ProductDescriptions: [...LINUX_PRODUCT_DESCRIPTIONS],
      StartTime: now,
      NextToken: nextToken,
    });
    const output = await callWithTimeout(
      { operation: 'DescribeSpotPriceHistory', region, timeoutMs },
      (abortSignal) => ec2.send(command, { abortSignal }),
      sleep,
    );
    records.push(...(output.SpotPriceHistory ?? []));
    nextToken = output.NextToken || undefined;
    if (!nextToken) return records;
  }
  throw new TooManyPagesError('DescribeSpotPriceHistory', region, MAX_PAGES);
}
