import { describe, expect, it } from 'vitest';
import {
  type RebalanceCurrent,
  type RebalancePolicy,
  rebalancePriceRegions,
  shouldRebalance,
} from '../../core/ranking/index.ts';
import type { Ranking } from '../../core/ranking/rank.ts';

const policy: RebalancePolicy = { minPlacementScore: 3, rebalanceMinSavings: 0.15 };
const current = (overrides: Partial<RebalanceCurrent> = {}): RebalanceCurrent => ({
  region: 'us-west-2',
  status: 'RUNNING',
  lifecycle: 'spot',
  score: 8,
  price: 1.0,
  ...overrides,
});
const chosen = (overrides: Partial<NonNullable<Ranking['chosen']>> = {}): Ranking['chosen'] => ({
  region: 'eu-west-1',
  score: 8,
  price: 0.8,
  ...overrides,
});

describe('shouldRebalance', () => {
  it.each([
    {
      name: 'moves when the chosen region is cheaper by more than the threshold',
      chosen: chosen({ price: 0.8 }),
      current: current(),
      to: 'eu-west-1',
      why: /saves 20\.0 %/,
    },
    {
      name: 'moves when the saving equals the threshold exactly',
      chosen: chosen({ price: 0.85 }),
      current: current(),
      to: 'eu-west-1',
      why: /saves 15\.0 %/,
    },
    {
      name: 'stays when the saving is below the threshold',
      chosen: chosen({ price: 0.9 }),
      current: current(),
      to: null,
      why: /saves 10\.0 %, below rebalanceMinSavings 15\.0 %/,
    },
    {
      name: 'stays when the chosen region is dearer',
      chosen: chosen({ price: 1.2 }),
      current: current(),
      to: null,
      why: /below rebalanceMinSavings/,
    },
    {
      name: "stays when the chosen region's price is unknown",
      chosen: chosen({ price: null }),
      current: current(),
      to: null,
      why: /price of eu-west-1 unknown/,
    },
    {
      name: "stays when the current region's price is unknown",
      chosen: chosen(),
      current: current({ price: null }),
      to: null,
      why: /price of the current region us-west-2 unknown/,
    },
    {
      name: 'stays when the chosen region is the current one',
      chosen: chosen({ region: 'us-west-2', price: 0.1 }),
      current: current(),
      to: null,
      why: /us-west-2 is still the best region/,
    },
    {
      name: 'stays when the chosen score is below minPlacementScore',
      chosen: chosen({ score: 2, price: 0.1 }),
      current: current(),
      to: null,
      why: /scores 2, below minPlacementScore 3/,
    },
    {
      name: 'stays when no region is chosen',
      chosen: null,
      current: current(),
      to: null,
      why: /no region chosen/,
    },
    {
      name: 'never moves while failing over',
      chosen: chosen({ price: 0.1 }),
      current: current({ status: 'FAILING_OVER' }),
      to: null,
      why: /status FAILING_OVER/,
    },
    {
      name: 'never moves off on-demand (the revert check does)',
      chosen: chosen({ price: 0.1 }),
      current: current({ lifecycle: 'on-demand' }),
      to: null,
      why: /running on on-demand/,
    },
    {
      name: 'never moves when nothing runs',
      chosen: chosen({ price: 0.1 }),
      current: current({ lifecycle: null }),
      to: null,
      why: /running on nothing/,
    },
    {
      name: 'stays when the current price is zero (no saving possible)',
      chosen: chosen({ price: 0 }),
      current: current({ price: 0 }),
      to: null,
      why: /saves 0\.0 %/,
    },
  ])('$name', ({ chosen: chosenRegion, current: currentRegion, to, why }) => {
    const decision = shouldRebalance(chosenRegion, currentRegion, policy);
    expect(decision.to).toBe(to);
    expect(decision.why).toMatch(why);
  });

  it('never moves when rebalanceMinSavings is 0', () => {
    const decision = shouldRebalance(chosen({ price: 0.01 }), current(), {
      ...policy,
      rebalanceMinSavings: 0,
    });
    expect(decision).toEqual({ to: null, why: 'rebalancing is off (rebalanceMinSavings 0)' });
  });
});

describe('rebalancePriceRegions', () => {
  const scores = new Map([
    ['us-east-1', 9],
    ['us-west-2', 7],
    ['eu-west-1', 9],
    ['ap-south-1', 2],
  ]);

  it('prices the current region and every region with the best eligible score', () => {
    expect(rebalancePriceRegions(['us-east-1', 'us-west-2', 'eu-west-1'], scores, 3, 'us-west-2')).toEqual([
      'us-west-2',
      'us-east-1',
      'eu-west-1',
    ]);
  });

  it('prices only the current region when no region passes the floor', () => {
    expect(rebalancePriceRegions(['ap-south-1'], scores, 3, 'us-west-2')).toEqual(['us-west-2']);
  });

  it('lists the current region once when it has the best score', () => {
    expect(rebalancePriceRegions(['us-east-1'], scores, 3, 'us-east-1')).toEqual(['us-east-1']);
  });

  it('prices nothing without scores', () => {
    expect(rebalancePriceRegions(['us-east-1'], null, 3, 'us-west-2')).toEqual([]);
  });
});
