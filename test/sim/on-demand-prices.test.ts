import { describe, expect, it } from 'vitest';
import { AWS_REGIONS } from '../../core/regions.ts';
import { ON_DEMAND_US_EAST_1, onDemandPrice, REGION_PRICE_FACTOR } from '../../sim/on-demand-prices.ts';

describe('onDemandPrice', () => {
  it('knows a price level for every region a configuration may name', () => {
    expect(Object.keys(REGION_PRICE_FACTOR).sort()).toEqual([...AWS_REGIONS].sort());
  });

  it('uses the published us-east-1 rate there and scales it elsewhere', () => {
    expect(onDemandPrice('us-east-1', 'g6.xlarge')).toBe(0.8048);
    expect(onDemandPrice('us-west-2', 'g5.xlarge')).toBe(1.006);
    expect(onDemandPrice('eu-west-1', 'g5.xlarge')).toBeCloseTo(1.123, 2);
    for (const type of Object.keys(ON_DEMAND_US_EAST_1)) {
      expect(onDemandPrice('eu-central-1', type)).toBeGreaterThan(onDemandPrice('us-east-1', type));
    }
  });

  it('names an instance type or region it has no price for', () => {
    expect(() => onDemandPrice('us-east-1', 'p9.huge')).toThrow(
      /no on-demand price for instance type p9\.huge; known: /,
    );
    expect(() => onDemandPrice('mars-north-1', 'g6.xlarge')).toThrow(/region mars-north-1/);
  });
});
