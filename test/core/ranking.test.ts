import { describe, expect, it } from 'vitest';
import type { Exclusion } from '../../core/messages.ts';
import {
  activeExclusions,
  candidateRegions,
  type PriceLookup,
  type RankInput,
  rankRegions,
  regionsToPrice,
} from '../../core/ranking/index.ts';

const now = new Date('2026-11-24T10:00:00Z');
const known = (price: number, zone = 'a'): PriceLookup => ({
  known: true,
  price,
  availabilityZone: zone,
  instanceType: 'g6.xlarge',
});
const unknown = (why = 'ThrottlingException'): PriceLookup => ({ known: false, why });
const exclusion = (region: string, until: string, reason = 'InsufficientInstanceCapacity'): Exclusion => ({
  region,
  reason,
  until,
});

function input(overrides: Partial<RankInput>): RankInput {
  return {
    workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    exclusions: [],
    now,
    scores: new Map(),
    prices: new Map(),
    minPlacementScore: 3,
    ...overrides,
  };
}

describe('rankRegions', () => {
  it('picks the highest placement score', () => {
    const result = rankRegions(
      input({
        scores: new Map([
          ['us-east-1', 5],
          ['us-west-2', 9],
          ['eu-west-1', 7],
        ]),
      }),
    );
    expect(result.chosen).toEqual({ region: 'us-west-2', score: 9, price: null });
    expect(result.reason).toBeNull();
    expect(result.ranked.map((r) => r.region)).toEqual(['us-west-2', 'eu-west-1', 'us-east-1']);
    expect(result.ranked[0]!.why).toMatch(/^chosen: score 9/);
    expect(result.ranked[1]!.why).toMatch(/ranked below us-west-2/);
  });

  it('breaks a score tie by numeric price ("9.0" beats "10.1")', () => {
    const result = rankRegions(
      input({
        scores: new Map([
          ['us-east-1', 9],
          ['us-west-2', 9],
        ]),
        prices: new Map([
          ['us-east-1', known(10.1)],
          ['us-west-2', known(9.0)],
        ]),
      }),
    );
    expect(result.chosen).toEqual({ region: 'us-west-2', score: 9, price: 9 });
    expect(result.ranked.slice(0, 2).map((r) => [r.region, r.price])).toEqual([
      ['us-west-2', 9],
      ['us-east-1', 10.1],
    ]);
  });

  it('ranks a region whose price is unknown after tied regions with a known price', () => {
    const result = rankRegions(
      input({
        scores: new Map([
          ['us-east-1', 8],
          ['us-west-2', 8],
        ]),
        prices: new Map([
          ['us-east-1', unknown('no Linux/UNIX price record')],
          ['us-west-2', known(3.5)],
        ]),
      }),
    );
    expect(result.chosen?.region).toBe('us-west-2');
    expect(result.ranked[1]).toMatchObject({ region: 'us-east-1', score: 8, price: null });
    expect(result.ranked[1]!.why).toContain('price unknown (no Linux/UNIX price record)');
  });

  it('still chooses a tied region whose price is unknown when no price cap is set', () => {
    const result = rankRegions(
      input({
        workerRegions: ['us-east-1', 'us-west-2'],
        scores: new Map([
          ['us-east-1', 8],
          ['us-west-2', 8],
        ]),
        prices: new Map([
          ['us-east-1', unknown()],
          ['us-west-2', unknown()],
        ]),
      }),
    );
    // Equal on score and (unknown) price: configuration order decides.
    expect(result.chosen).toEqual({ region: 'us-east-1', score: 8, price: null });
  });

  it('ranks regions AWS did not return below every scored one, even a low-scored one', () => {
    const result = rankRegions(input({ minPlacementScore: 1, scores: new Map([['eu-west-1', 1]]) }));
    expect(result.ranked.map((r) => [r.region, r.score])).toEqual([
      ['eu-west-1', 1],
      ['us-east-1', null],
      ['us-west-2', null],
    ]);
    expect(result.ranked[1]!.why).toMatch(/not among the top 10/);
    expect(result.chosen?.region).toBe('eu-west-1');
  });

  it('skips excluded regions and reports ALL_EXCLUDED when none is left', () => {
    const result = rankRegions(
      input({
        scores: new Map([['us-east-1', 9]]),
        exclusions: [
          exclusion('us-east-1', '2026-11-24T10:30:00Z'),
          exclusion('us-west-2', '2026-11-24T11:00:00Z'),
          exclusion('eu-west-1', '2026-11-24T10:00:01Z'),
        ],
      }),
    );
    expect(result).toEqual({ chosen: null, reason: 'ALL_EXCLUDED', ranked: [] });
  });

  it('ignores an expired exclusion', () => {
    const result = rankRegions(
      input({
        scores: new Map([
          ['us-east-1', 9],
          ['us-west-2', 4],
        ]),
        exclusions: [
          exclusion('us-east-1', '2026-11-24T10:00:00Z'),
          exclusion('us-west-2', '2026-11-24T12:00:00Z'),
        ],
      }),
    );
    expect(result.chosen?.region).toBe('us-east-1');
    expect(result.ranked.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it.each([
    {
      name: 'NO_SCORES when no scores could be had',
      overrides: { scores: null },
      reason: 'NO_SCORES',
    },
    {
      name: 'NO_SCORES when AWS returned no score at all',
      overrides: { scores: new Map() },
      reason: 'NO_SCORES',
    },
    {
      name: 'BELOW_MIN_SCORE when every score is under the floor',
      overrides: {
        minPlacementScore: 6,
        scores: new Map([
          ['us-east-1', 5],
          ['us-west-2', 2],
        ]),
      },
      reason: 'BELOW_MIN_SCORE',
    },
    {
      name: 'ABOVE_MAX_PRICE when every region over the floor costs more than the cap',
      overrides: {
        maxSpotPrice: 1,
        scores: new Map([
          ['us-east-1', 9],
          ['us-west-2', 2],
        ]),
        prices: new Map([['us-east-1', known(1.01)]]),
      },
      reason: 'ABOVE_MAX_PRICE',
    },
    {
      name: 'ABOVE_MAX_PRICE when the only region over the floor has an unknown price and a cap applies',
      overrides: {
        maxSpotPrice: 1,
        scores: new Map([['us-east-1', 9]]),
        prices: new Map([['us-east-1', unknown()]]),
      },
      reason: 'ABOVE_MAX_PRICE',
    },
  ] satisfies { name: string; overrides: Partial<RankInput>; reason: string }[])(
    'chooses nothing with $reason: $name',
    ({ overrides, reason }) => {
      const result = rankRegions(input(overrides));
      expect(result.chosen).toBeNull();
      expect(result.reason).toBe(reason);
      expect(result.ranked).toHaveLength(3);
      for (const row of result.ranked) expect(row.why).not.toMatch(/^chosen/);
    },
  );

  it('passes over a region above the price cap to a cheaper one with a lower score', () => {
    const result = rankRegions(
      input({
        maxSpotPrice: 1.5,
        scores: new Map([
          ['us-east-1', 9],
          ['us-west-2', 6],
        ]),
        prices: new Map([
          ['us-east-1', known(2.1)],
          ['us-west-2', known(1.2)],
        ]),
      }),
    );
    expect(result.chosen).toEqual({ region: 'us-west-2', score: 6, price: 1.2 });
    expect(result.ranked[0]!.why).toBe('score 9; price 2.1 USD/h above maxSpotPrice 1.5');
  });

  it('treats a price exactly at the cap as acceptable', () => {
    const result = rankRegions(
      input({
        maxSpotPrice: 1.5,
        scores: new Map([['us-east-1', 9]]),
        prices: new Map([['us-east-1', known(1.5)]]),
      }),
    );
    expect(result.chosen).toEqual({ region: 'us-east-1', score: 9, price: 1.5 });
  });
});

describe('regionsToPrice', () => {
  const scores = new Map([
    ['a', 9],
    ['b', 9],
    ['c', 7],
    ['d', 2],
    ['e', 2],
  ]);
  const candidates = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('prices only regions over the floor that share their score', () => {
    expect(regionsToPrice(candidates, scores, { minPlacementScore: 3 })).toEqual(['a', 'b']);
  });

  it('prices every region over the floor when a price cap must be checked', () => {
    expect(regionsToPrice(candidates, scores, { minPlacementScore: 3, maxSpotPrice: 2 })).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('prices nothing without scores', () => {
    expect(regionsToPrice(candidates, null, { minPlacementScore: 1 })).toEqual([]);
  });
});

describe('activeExclusions', () => {
  it('keeps the longest-lasting exclusion per region and drops expired or unparseable ones', () => {
    const active = activeExclusions(
      [
        exclusion('us-east-1', '2026-11-24T10:10:00Z', 'first'),
        exclusion('us-east-1', '2026-11-24T10:40:00Z', 'longest'),
        exclusion('us-east-1', '2026-11-24T10:20:00Z', 'middle'),
        exclusion('us-west-2', '2026-11-24T09:59:59Z'),
        exclusion('eu-west-1', 'not a date'),
      ],
      now,
    );
    expect([...active.keys()]).toEqual(['us-east-1']);
    expect(active.get('us-east-1')?.reason).toBe('longest');
  });

  it('lists candidates in configuration order', () => {
    expect(candidateRegions(['b', 'a', 'c'], [exclusion('a', '2026-11-25T00:00:00Z')], now)).toEqual([
      'b',
      'c',
    ]);
  });
});
