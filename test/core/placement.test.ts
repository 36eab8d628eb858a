/** The fleet placement policy (core/placement): each rule as a table of cases. */
import { describe, expect, it } from 'vitest';
import {
  type CapacityEvent,
  DEFAULT_WEIGHTS,
  dryUntil,
  type FleetSettings,
  lossesPerHour,
  type PlacementInput,
  placeFleet,
  type RegionInput,
  recordCapacityEvents,
} from '../../core/placement/index.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const OD = 0.8;

const FLEET: FleetSettings = {
  targetCapacity: 1,
  spareCapacity: 0,
  maxPerRegion: 1,
  onDemandFallback: true,
  minPlacementScore: 3,
  rebalanceMinSavings: 0.1,
};

function region(
  name: string,
  over: Partial<RegionInput> & { price?: number; ready?: number; pending?: number; od?: number } = {},
): RegionInput {
  const { price = 0.27, ready = 0, pending = 0, od = 0, ...rest } = over;
  return {
    region: name,
    known: true,
    excludedUntil: null,
    score: 8,
    zones: ['a', 'b', 'c'].map((z) => ({ zone: `${name}${z}`, spotPrices: { 'g6.xlarge': price } })),
    onDemandPrices: { 'g6.xlarge': OD },
    running: { spot: { ready, pending }, onDemand: { ready: od, pending: 0 } },
    ...rest,
  };
}

const lost = (r: string, minutesAgo: number, zone: string | null = `${r}a`): CapacityEvent => ({
  at: NOW - minutesAgo * MIN,
  region: r,
  zone,
  kind: 'interrupted',
});
const failed = (r: string, minutesAgo: number, zone: string | null = null): CapacityEvent => ({
  at: NOW - minutesAgo * MIN,
  region: r,
  zone,
  kind: 'launch_failed',
});

function place(
  regions: RegionInput[],
  over: Omit<Partial<PlacementInput>, 'fleet'> & { fleet?: Partial<FleetSettings> } = {},
) {
  const { fleet, ...rest } = over;
  return placeFleet({
    now: NOW,
    fleet: { ...FLEET, ...fleet },
    coldStartSeconds: 120,
    regions,
    history: [],
    ...rest,
  });
}

const where = (d: ReturnType<typeof place>) =>
  Object.fromEntries(
    Object.entries(d.desired)
      .filter(([, v]) => v.spot + v.on_demand > 0)
      .map(([k, v]) => [k, [v.spot, v.on_demand]]),
  );

describe('placeFleet: where a new replica goes', () => {
  it.each([
    {
      name: 'the cheapest region when none has a history',
      regions: [region('us-east-2', { price: 0.3 }), region('eu-west-1', { price: 0.27 })],
      history: [],
      expected: { 'eu-west-1': [1, 0] },
    },
    {
      name: 'a slightly dearer region over one that just lost capacity twice',
      regions: [region('us-east-2', { price: 0.27 }), region('eu-west-1', { price: 0.3 })],
      history: [lost('us-east-2', 10), lost('us-east-2', 50)],
      expected: { 'eu-west-1': [1, 0] },
    },
    {
      name: 'the cheap region again once its losses are old (risk fades with a 3 h half-life)',
      regions: [region('us-east-2', { price: 0.27 }), region('eu-west-1', { price: 0.3 })],
      history: [lost('us-east-2', 20 * 60), lost('us-east-2', 22 * 60)],
      expected: { 'us-east-2': [1, 0] },
    },
    {
      name: 'not the cheapest region while its launches fail (no retry loop on a region without capacity)',
      regions: [region('us-east-2', { price: 0.2 }), region('eu-west-1', { price: 0.3 })],
      history: [failed('us-east-2', 0.5)],
      expected: { 'eu-west-1': [1, 0] },
    },
    {
      name: 'the cheapest region again once its backoff ran out',
      regions: [region('us-east-2', { price: 0.2 }), region('eu-west-1', { price: 0.3 })],
      history: [failed('us-east-2', 2)],
      expected: { 'us-east-2': [1, 0] },
    },
    {
      name: 'a higher score when prices tie (the score is the prior risk)',
      regions: [region('us-east-2', { score: 4 }), region('eu-west-1', { score: 9 })],
      history: [],
      expected: { 'eu-west-1': [1, 0] },
    },
    {
      name: 'the cheapest zone price over every configured type',
      regions: [
        region('us-east-2', { price: 0.3 }),
        {
          ...region('eu-west-1', { price: 0.31 }),
          zones: [{ zone: 'eu-west-1b', spotPrices: { 'g6.xlarge': 0.4, 'g5.xlarge': 0.25 } }],
        },
      ],
      history: [],
      expected: { 'eu-west-1': [1, 0] },
    },
    {
      name: 'on-demand when every Spot region is dry (exactly the shortfall)',
      regions: [region('us-east-2'), region('eu-west-1')],
      history: [failed('us-east-2', 0.1), failed('eu-west-1', 0.1)],
      expected: { 'eu-west-1': [0, 1] },
    },
  ])('puts it in $name', ({ regions, history, expected }) => {
    expect(where(place(regions, { history }))).toEqual(expected);
  });

  it.each([
    [{ known: false }, 'not observed this cycle'],
    [{ excludedUntil: NOW + HOUR }, 'excluded until 2026-11-24T13:00:00.000Z'],
    [{ score: 2 }, 'placement score 2 below 3'],
    [{ zones: [] }, 'no Spot price'],
  ])('says why a region takes nothing: %j', (over, why) => {
    const d = place([region('us-east-2', over as Partial<RegionInput>), region('eu-west-1')]);
    expect(d.ranked.find((r) => r.region === 'us-east-2')).toMatchObject({ eligible: false, why });
    expect(d.ranked[0]!.region).toBe('eu-west-1');
  });

  it('skips a region above maxSpotPrice and names the cap', () => {
    const d = place([region('us-east-2', { price: 0.5 }), region('eu-west-1', { price: 0.6 })], {
      fleet: { maxSpotPrice: 0.55 },
    });
    expect(where(d)).toEqual({ 'us-east-2': [1, 0] });
    expect(d.ranked.find((r) => r.region === 'eu-west-1')!.why).toBe('no Spot price at or below 0.55');
  });

  it('serves nothing rather than on-demand when the fallback is off', () => {
    const d = place([region('us-east-2', { zones: [] })], { fleet: { onDemandFallback: false } });
    expect(where(d)).toEqual({});
    expect(d.shortfall_on_demand).toBe(0);
  });

  it('uses on-demand when the Spot risk costs more than on-demand (on-demand is the ceiling)', () => {
    const history = Array.from({ length: 12 }, (_, i) => lost('us-east-2', i * 10));
    const d = place([region('us-east-2')], { history, weights: { maxHedge: 0 } });
    expect(where(d)).toEqual({ 'us-east-2': [0, 1] });
  });
});

describe('placeFleet: fleets over regions', () => {
  it('spreads a fleet when maxPerRegion is below the target', () => {
    const d = place(
      [
        region('us-east-2', { price: 0.25 }),
        region('eu-west-1', { price: 0.26 }),
        region('eu-central-1', { price: 0.3 }),
      ],
      {
        fleet: { targetCapacity: 4, maxPerRegion: 2 },
      },
    );
    expect(where(d)).toEqual({ 'us-east-2': [2, 0], 'eu-west-1': [2, 0] });
  });

  it('moves only the replica it must: survivors stay, the lost one is replaced (partial failover)', () => {
    // Three in us-east-2, one of them lost (not counted any more): two stay, one more is placed.
    const regions = [region('us-east-2', { ready: 2, price: 0.27 }), region('eu-west-1', { price: 0.3 })];
    const d = place(regions, {
      fleet: { targetCapacity: 3, maxPerRegion: 3 },
      history: [lost('us-east-2', 0)],
    });
    // The two survivors stay where they are; the replacement (and the hedge the fresh loss pays for) goes to
    // the calm region, not back into the one that just lost capacity.
    expect(d.desired['us-east-2']).toEqual({ spot: 2, on_demand: 0 });
    expect(d.desired['eu-west-1']).toEqual({ spot: 1 + d.hedge.replicas, on_demand: 0 });
  });

  it('keeps the replicas serving in an excluded region and places only the lost one elsewhere', () => {
    const fleet = { targetCapacity: 2, maxPerRegion: 2 };
    // One replica serves in us-east-2, its lost partner's replacement was launching there when the region was excluded.
    const excluded = { excludedUntil: NOW + HOUR, ready: 1, pending: 1 };
    const first = place([region('us-east-2', excluded), region('eu-west-1')], { fleet });
    expect(where(first)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
    // Once the replacement serves, nothing else moves: the survivor is not evicted from the excluded region.
    const settled = place(
      [region('us-east-2', { ...excluded, pending: 0 }), region('eu-west-1', { ready: 1 })],
      {
        fleet,
      },
    );
    expect(where(settled)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
  });

  it('keeps a replica that serves but is not routed yet in an excluded region: it is no launch to call off', () => {
    const fleet = { targetCapacity: 2, maxPerRegion: 3, onDemandFallback: false };
    // Two serve, the endpoint's health checks not passed yet for either (pending, unrouted), and the region has
    // just been excluded for a loss: only the launch in flight (the third) is called off.
    const input = region('us-east-2', { excludedUntil: NOW + HOUR });
    const spot = (unrouted: number) => ({
      ...input,
      running: { ...input.running, spot: { ready: 0, pending: 3, unrouted } },
    });
    expect(where(place([spot(2)], { fleet }))).toEqual({ 'us-east-2': [2, 0] });
    // Counted as launches, they were called off with it: the region was torn down.
    expect(where(place([spot(0)], { fleet }))).toEqual({});
  });

  it('reverts from on-demand one replica at a time, keeping on-demand until Spot is ready', () => {
    const od = { od: 2 };
    const first = place([region('us-east-2', od)], { fleet: { targetCapacity: 2, maxPerRegion: 4 } });
    expect(where(first)).toEqual({ 'us-east-2': [1, 2] });
    const spotPending = place([region('us-east-2', { ...od, pending: 1 })], {
      fleet: { targetCapacity: 2, maxPerRegion: 4 },
    });
    expect(where(spotPending)).toEqual({ 'us-east-2': [1, 2] });
    const spotReady = place([region('us-east-2', { ...od, ready: 1 })], {
      fleet: { targetCapacity: 2, maxPerRegion: 4 },
    });
    expect(where(spotReady)).toEqual({ 'us-east-2': [2, 1] });
  });

  it("reverts in a region full of on-demand: the replica's place is its Spot replacement's", () => {
    // maxPerRegion 2, two on-demand replicas there, Spot available only there.
    const full = place([region('us-east-2', { od: 2 })], { fleet: { targetCapacity: 2, maxPerRegion: 2 } });
    expect(where(full)).toEqual({ 'us-east-2': [1, 2] });
    // Not while an on-demand replica is still starting: it is not replaced before it has served.
    const starting = place(
      [
        region('us-east-2', {
          od: 1,
          running: { spot: { ready: 0, pending: 0 }, onDemand: { ready: 1, pending: 1 } },
        }),
      ],
      { fleet: { targetCapacity: 2, maxPerRegion: 2 } },
    );
    expect(where(starting)).toEqual({ 'us-east-2': [0, 2] });
  });

  it('moves a replica to a region cheaper by at least rebalanceMinSavings, and not for less', () => {
    const much = place([region('us-east-2', { ready: 1, price: 0.4 }), region('eu-west-1', { price: 0.25 })]);
    expect(where(much)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
    const little = place([
      region('us-east-2', { ready: 1, price: 0.27 }),
      region('eu-west-1', { price: 0.26 }),
    ]);
    expect(where(little)).toEqual({ 'us-east-2': [1, 0] });
  });

  it('adds a hedge in a calm region while the serving region keeps losing capacity, and drops it when calm', () => {
    const regions = [region('us-east-2', { ready: 1 }), region('eu-west-1')];
    const risky = place(regions, {
      history: [lost('us-east-2', 5), lost('us-east-2', 30), lost('eu-west-1', 25 * 60)],
    });
    expect(risky.hedge.replicas).toBe(1);
    expect(where(risky)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
    const calm = place(regions);
    expect(calm.hedge.replicas).toBe(0);
    expect(where(calm)).toEqual({ 'us-east-2': [1, 0] });
  });

  it('releases what no longer pays: on-demand once Spot serves the target, a hedge once calm', () => {
    // Reverted: the Spot replica is ready, the on-demand one is surplus.
    const reverted = place([region('us-east-2', { ready: 1, od: 1 })]);
    expect(where(reverted)).toEqual({ 'us-east-2': [1, 0] });
    // A hedge replica running in a calm fleet goes; one still paid for by fresh losses stays.
    const regions = [region('us-east-2', { ready: 1 }), region('eu-west-1', { ready: 1 })];
    expect(Object.values(place(regions).desired).reduce((n, d) => n + d.spot + d.on_demand, 0)).toBe(1);
    const risky = place(regions, { history: [lost('us-east-2', 5), lost('us-east-2', 30)] });
    expect(where(risky)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
  });

  it.each([
    [1, 1],
    [3, Math.sqrt(3)],
    [4, 2],
  ])(
    'values a fleet of %i short of all its replicas at V x sqrt(n): each missing replica at V / sqrt(n)',
    (target, factor) => {
      // No Spot anywhere and no on-demand fallback: the whole target is short.
      const d = place([region('us-east-2', { price: 0 }), region('eu-west-1', { price: 0 })], {
        fleet: { targetCapacity: target, maxPerRegion: target, onDemandFallback: false },
      });
      expect(where(d)).toEqual({});
      expect(d.expected_usd_per_hour).toBeCloseTo(DEFAULT_WEIGHTS.downtimeOnDemandHours * OD * factor, 9);
    },
  );

  it('adds no hedge when a configured spare already covers a loss', () => {
    const regions = [region('us-east-2', { ready: 1 }), region('eu-west-1', { ready: 1 })];
    const d = place(regions, {
      fleet: { spareCapacity: 1 },
      history: [lost('us-east-2', 5), lost('us-east-2', 30)],
    });
    expect(d.hedge.replicas).toBe(0);
    expect(where(d)).toEqual({ 'us-east-2': [1, 0], 'eu-west-1': [1, 0] });
  });

  it('leaves replicas in a region it cannot see as they are', () => {
    const d = place([region('us-east-2', { known: false, ready: 1 }), region('eu-west-1')]);
    expect(where(d)).toEqual({ 'us-east-2': [1, 0] });
  });
});

describe('risk memory', () => {
  it('fades each loss with its age: one fresh loss adds one per half-life, the score sets the prior', () => {
    const w = { priorLossesPerHour: 0.02, riskHalfLifeSeconds: 3 * 3600, outageSeconds: 300 };
    expect(lossesPerHour('r', 1, [], NOW, w)).toBeCloseTo(0.02, 12);
    expect(lossesPerHour('r', 10, [], NOW, w)).toBeCloseTo(0.002, 12);
    expect(lossesPerHour('r', null, [], NOW, w)).toBeCloseTo(0.012, 12);
    expect(lossesPerHour('r', 10, [lost('r', 0)], NOW, w)).toBeCloseTo(0.002 + 1 / 3, 12);
    expect(lossesPerHour('r', 10, [lost('r', 180)], NOW, w)).toBeCloseTo(0.002 + 0.5 / 3, 12);
    expect(lossesPerHour('r', 10, [lost('other', 0), failed('r', 0)], NOW, w)).toBeCloseTo(0.002, 12);
  });

  it('counts one outage once, however many replicas it took: losses within 5 min of the first are the same outage', () => {
    const w = { priorLossesPerHour: 0.02, riskHalfLifeSeconds: 3 * 3600, outageSeconds: 300 };
    // Three replicas in three zones, lost to one region outage over two minutes.
    const outage = [lost('r', 2, 'ra'), lost('r', 1, 'rb'), lost('r', 0, 'rc')];
    expect(lossesPerHour('r', 10, outage, NOW, w)).toBeCloseTo(0.002 + 0.5 ** (120 / 10_800) / 3, 12);
    // A loss 6 minutes after the first is a second outage; another region's outage is its own.
    const twice = [lost('r', 6, 'ra'), lost('r', 0, 'rb'), lost('other', 6)];
    expect(lossesPerHour('r', 10, twice, NOW, w)).toBeCloseTo(0.002 + (0.5 ** (360 / 10_800) + 1) / 3, 12);
    // An outage that goes on for longer than 5 min counts again: it is still taking what was placed there.
    const long = [lost('r', 10, 'ra'), lost('r', 7, 'rb'), lost('r', 4, 'rc')];
    expect(lossesPerHour('r', 10, long, NOW, w)).toBeCloseTo(
      0.002 + (0.5 ** (600 / 10_800) + 0.5 ** (240 / 10_800)) / 3,
      12,
    );
  });

  it('backs off a region whose launches fail: 60 s, doubling per failure of the last hour, at most 15 min', () => {
    const w = { dryBackoffSeconds: 60, dryBackoffMaxSeconds: 900 };
    expect(dryUntil('r', null, [], NOW, w)).toBe(0);
    expect(dryUntil('r', null, [failed('r', 0)], NOW, w)).toBe(NOW + 60_000);
    expect(dryUntil('r', null, [failed('r', 0), failed('r', 5)], NOW, w)).toBe(NOW + 120_000);
    const many = Array.from({ length: 8 }, (_, i) => failed('r', i));
    expect(dryUntil('r', null, many, NOW, w)).toBe(NOW + 900_000);
    expect(dryUntil('r', null, [failed('r', 61)], NOW, w)).toBe(0);
    expect(dryUntil('r', 'ra', [failed('r', 0, 'rb')], NOW, w)).toBe(0);
  });

  it('keeps the last 24 h of events, newest first, at most 200, each once', () => {
    const old = lost('r', 25 * 60);
    const kept = recordCapacityEvents([lost('r', 5), old], [lost('r', 1), lost('r', 5)], NOW);
    expect(kept).toEqual([lost('r', 1), lost('r', 5)]);
    const many = Array.from({ length: 300 }, (_, i) => lost('r', i));
    expect(recordCapacityEvents([], many, NOW)).toHaveLength(200);
    expect(recordCapacityEvents([], [{ ...lost('r', 0), at: NOW + 1 }], NOW)).toEqual([]);
  });

  it('weights are the documented defaults', () => {
    expect(DEFAULT_WEIGHTS).toMatchObject({
      riskHalfLifeSeconds: 10_800,
      outageSeconds: 300,
      dryBackoffSeconds: 60,
      dryBackoffMaxSeconds: 900,
    });
  });
});
