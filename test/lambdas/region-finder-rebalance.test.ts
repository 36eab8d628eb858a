import { DescribeSpotPriceHistoryCommand, GetSpotPlacementScoresCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { findRegion, parseFinderInput } from '../../lambdas/region-finder/index.ts';
import { finderFixture, priceRecord, scoresOf } from './region-finder.fixture.ts';

type Fixture = ReturnType<typeof finderFixture>;

function pricesIn(fx: Fixture, region: string, price: string) {
  fx.ec2(region)
    .on(DescribeSpotPriceHistoryCommand)
    .resolves({ SpotPriceHistory: [priceRecord(`${region}a`, price)] });
}

const priceCalls = (fx: Fixture, region: string) =>
  fx.ec2(region).commandCalls(DescribeSpotPriceHistoryCommand).length;

describe('RegionFinder with current_region', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = finderFixture({ rebalanceMinSavings: 0.15 });
    // No tie: without current_region neither price would be looked up.
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'eu-west-1': 9, 'us-west-2': 7, 'us-east-1': 5 }) });
    pricesIn(fx, 'eu-west-1', '0.40');
    pricesIn(fx, 'us-west-2', '0.60');
    pricesIn(fx, 'us-east-1', '0.10');
  });

  it('prices the current region and the chosen one even when no score is tied', async () => {
    fx.setRunning('us-west-2');

    const result = await findRegion(fx, {}, { currentRegion: 'us-west-2' });

    expect(result.current).toEqual({ region: 'us-west-2', score: 7, price: 0.6 });
    expect(result.chosen).toEqual({ region: 'eu-west-1', score: 9, price: 0.4 });
    expect(priceCalls(fx, 'us-east-1')).toBe(0);
  });

  it('says rebalance_to the chosen region when it is cheaper by at least rebalanceMinSavings', async () => {
    fx.setRunning('us-west-2');

    const result = await findRegion(fx, {}, { currentRegion: 'us-west-2' });

    expect(result.rebalance_to).toBe('eu-west-1');
    expect(result.rebalance_why).toMatch(/saves 33\.3 %/);
  });

  it('stays when the saving is below rebalanceMinSavings', async () => {
    pricesIn(fx, 'eu-west-1', '0.55');
    fx.setRunning('us-west-2');

    const result = await findRegion(fx, {}, { currentRegion: 'us-west-2' });

    expect(result.rebalance_to).toBeNull();
    expect(result.rebalance_why).toMatch(/below rebalanceMinSavings/);
  });

  it('stays when the hub state is not RUNNING on Spot in that region', async () => {
    for (const [region, lifecycle, status] of [
      ['us-west-2', 'spot', 'FAILING_OVER'],
      ['us-west-2', 'on-demand', 'RUNNING'],
      ['us-east-1', 'spot', 'RUNNING'],
    ] as const) {
      fx.setRunning(region, lifecycle, status);

      const result = await findRegion(fx, {}, { currentRegion: 'us-west-2' });

      expect(result.rebalance_to).toBeNull();
    }
  });

  it('stays when there is no hub state at all', async () => {
    const result = await findRegion(fx, {}, { currentRegion: 'us-west-2' });

    expect(result.rebalance_to).toBeNull();
    expect(result.rebalance_why).toMatch(/status DISABLED/);
  });

  it('keeps the output contract without current_region (no extra price look-ups)', async () => {
    fx.setRunning('us-west-2');

    const result = await findRegion(fx);

    expect(result).toMatchObject({ current: null, rebalance_to: null, rebalance_why: null });
    expect(result.chosen).toEqual({ region: 'eu-west-1', score: 9, price: null });
    for (const region of fx.config.workerRegions) expect(priceCalls(fx, region)).toBe(0);
  });
});

describe('parseFinderInput', () => {
  it('reads {} and { current_region }, ignoring the execution id a state machine passes along', () => {
    expect(parseFinderInput({})).toEqual({ currentRegion: undefined });
    expect(parseFinderInput(undefined)).toEqual({ currentRegion: undefined });
    expect(parseFinderInput({ current_region: 'us-west-2', execution: 'arn:x' })).toEqual({
      currentRegion: 'us-west-2',
    });
  });

  it('names the bad field', () => {
    expect(() => parseFinderInput({ current_region: 42 })).toThrowError(
      /current_region: must be an AWS region/,
    );
    expect(() => parseFinderInput('us-west-2')).toThrowError(/Invalid RegionFinder input/);
  });
});
