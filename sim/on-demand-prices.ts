/**
 * On-demand list prices the simulator compares Spot against: the table of `core/placement/on-demand.ts` (the
 * placement policy's on-demand ceiling), with errors that name what it lacks.
 */
import { ON_DEMAND_US_EAST_1, REGION_PRICE_FACTOR } from '../core/placement/on-demand.ts';
import { SimConfigError } from './errors.ts';

export { ON_DEMAND_US_EAST_1, REGION_PRICE_FACTOR };

export type OnDemandTable = (region: string, instanceType: string) => number;

/**
 * The on-demand price of `instanceType` in `region`, USD per hour.
 * @throws {SimConfigError} naming the instance type or region the table does not know.
 */
export const onDemandPrice: OnDemandTable = (region, instanceType) => {
  const base = ON_DEMAND_US_EAST_1[instanceType];
  if (base === undefined) {
    throw new SimConfigError(
      `no on-demand price for instance type ${instanceType}; known: ${Object.keys(ON_DEMAND_US_EAST_1).join(', ')}`,
    );
  }
  const factor = REGION_PRICE_FACTOR[region];
  if (factor === undefined) throw new SimConfigError(`no on-demand price level for region ${region}`);
  return Math.round(base * factor * 10_000) / 10_000;
};
