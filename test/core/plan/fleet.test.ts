/** The planner's fleet step (core/plan/fleet.ts): a fleet placed over regions by the fleet policy, cycle by cycle. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config.ts';
import { capacityHistory, isFleet } from '../../../core/plan/fleet.ts';
import { choosePlacement, type PlacementInput, plan } from '../../../core/plan/index.ts';
import {
  at,
  instance,
  MARKET,
  memory,
  NOW,
  observation,
  region,
  request,
  spec,
  unknown,
} from './fixtures.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
const fleetConfig = (over: Record<string, unknown> = {}) =>
  parseConfig({
    hubRegion: 'us-east-1',
    workerRegions: [...REGIONS],
    onDemandFallback: true,
    targetCapacity: 2,
    maxPerRegion: 1,
    ...over,
  });
const config = fleetConfig();

/** Every worker region seen (empty unless given). */
const seenRegions = (...given: ReturnType<typeof region>[]) => {
  const map = new Map<string, ReturnType<typeof region> | ReturnType<typeof unknown>>(
    REGIONS.map((r) => [r, region(r)]),
  );
  for (const r of given) map.set(r.region, r);
  return map;
};
const input = (over: Partial<PlacementInput> = {}): PlacementInput => ({
  spec: spec(),
  memory: memory(),
  regions: seenRegions(),
  market: MARKET,
  now: NOW,
  config,
  ...over,
});
const spot = (n: number) => ({ spot: n, on_demand: 0 });
const od = (n: number) => ({ spot: 0, on_demand: n });
const NONE = spot(0);
const zone = (r: string) => ({ availability_zone: `${r}a` });

describe('fleet placement in the planner', () => {
  it('is used for more than one replica wanted; one replica keeps the one-region policy unless it asks for the fleet policy', () => {
    expect(isFleet(config)).toBe(true);
    expect(isFleet(fleetConfig({ targetCapacity: 1, maxPerRegion: 1 }))).toBe(false);
    expect(isFleet(fleetConfig({ targetCapacity: 1, spareCapacity: 1, maxPerRegion: 2 }))).toBe(true);
    expect(isFleet(fleetConfig({ targetCapacity: 1, maxPerRegion: 1, placementPolicy: 'fleet' }))).toBe(true);
  });

  it('hedges one replica in another region while its own region has just lost one (placementPolicy "fleet")', () => {
    const serving = instance(zone('us-west-2'));
    const m = memory({
      regions: { 'us-west-2': request() },
      capacity_events: [
        { at: NOW.getTime() - 600_000, region: 'us-west-2', zone: 'us-west-2a', kind: 'interrupted' },
      ],
    });
    const regions = seenRegions(region('us-west-2', { instances: [serving] }));
    const one = (policy: 'fleet' | 'one-region') =>
      choosePlacement(
        input({
          config: fleetConfig({ targetCapacity: 1, maxPerRegion: 1, placementPolicy: policy }),
          memory: m,
          regions,
        }),
      ).desired;
    // A loss 10 minutes ago: ~0.33 expected losses an hour there, each worth 35 on-demand hours x a 12-minute cold
    // start, far above a second Spot replica's price. The hedge covers the loss, so it goes where Spot is cheapest
    // (us-east-1, 0.31 USD/h).
    expect(one('fleet')).toEqual({ 'us-east-1': spot(1), 'us-west-2': spot(1), 'eu-west-1': NONE });
    // The one-region policy keeps its one replica where it serves.
    expect(one('one-region')).toEqual({ 'us-east-1': NONE, 'us-west-2': spot(1), 'eu-west-1': NONE });
  });

  it('spreads the fleet over the cheapest regions when maxPerRegion is below the target', () => {
    const out = choosePlacement(input());
    // Spot 0.30 in us-west-2 (score 9), 0.31 in us-east-1 (score 6), 0.33 in eu-west-1 (score 8): us-east-1's
    // low score costs more in expected losses over a 12-minute cold start than eu-west-1's 0.02 USD/h more.
    expect(out.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': spot(1), 'eu-west-1': spot(1) });
    expect(out.memory.home?.lifecycle).toBe('spot');
    expect(out.memory.move).toBeNull();
  });

  it('moves only the lost replica (partial failover), keeping it until its replacement is ready', () => {
    const lost = instance(zone('us-west-2'));
    const stays = instance(zone('us-east-1'));
    const regions = seenRegions(
      region('us-west-2', { instances: [lost] }),
      region('us-east-1', { instances: [stays] }),
    );
    const m = memory({
      regions: { 'us-west-2': request(), 'us-east-1': request() },
      doomed: [
        { instance_id: lost.instance_id, region: 'us-west-2', reason: 'SpotInterruption', at: at(-5) },
      ],
      exclusions: [{ region: 'us-west-2', reason: 'SpotInterruption', until: at(1800) }],
    });
    const out = choosePlacement(input({ memory: m, regions }));
    // us-east-1 untouched, a replacement in eu-west-1, us-west-2 keeps its doomed replica meanwhile.
    expect(out.desired).toEqual({ 'us-east-1': spot(1), 'us-west-2': spot(1), 'eu-west-1': spot(1) });
    expect(out.memory.capacity_events).toEqual([
      { at: Date.parse(at(-5)), region: 'us-west-2', zone: 'us-west-2a', kind: 'interrupted' },
    ]);
    // Once the replacement is ready, us-west-2 is let go.
    const replaced = seenRegions(
      region('us-west-2', { instances: [lost] }),
      region('us-east-1', { instances: [stays] }),
      region('eu-west-1', { instances: [instance(zone('eu-west-1'))] }),
    );
    const after = choosePlacement(input({ memory: out.memory, regions: replaced }));
    expect(after.desired).toEqual({ 'us-east-1': spot(1), 'us-west-2': NONE, 'eu-west-1': spot(1) });
    expect(after.memory.last_move).toMatchObject({ from: 'us-west-2', to: 'eu-west-1' });
  });

  it('keeps the replicas that launched in a region whose launch failed for the rest; a loss still calls them off', () => {
    // Target 3 in one region with room for 2: asked for 3, the third failed. DescribeInstances lists one of the two
    // launched instances so far; the group lists both.
    const one = fleetConfig({ targetCapacity: 3, maxPerRegion: 3, onDemandFallback: false });
    const booting = instance({ ...zone('us-west-2'), ready: false, task_status: null, health: null });
    const regions = seenRegions(region('us-west-2', { instances: [booting], asg: { desired: 3, held: 2 } }));
    const asked = { 'us-west-2': request({ desired: spot(3), ready_at: null }) };
    const failed = (reason: string) =>
      choosePlacement(
        input({
          config: one,
          regions,
          memory: memory({ regions: asked, exclusions: [{ region: 'us-west-2', reason, until: at(1800) }] }),
        }),
      ).desired!;
    // Excluded (nothing new goes there; the third goes where Spot has room: eu-west-1 is cheapest after it) ...
    expect(failed('InsufficientInstanceCapacity')['us-west-2']).toEqual(spot(2));
    expect(failed('UnfulfillableCapacity')['us-west-2']).toEqual(spot(2));
    // ... while after a loss (or a launch that never became ready) the launches in flight there are called off.
    expect(failed('SpotInterruption')['us-west-2']).toEqual(NONE);
    expect(failed('LaunchTimeout')['us-west-2']).toEqual(NONE);
    // Never more than the latest request: the group may still hold more, from an older, larger one.
    const shrunk = choosePlacement(
      input({
        config: one,
        regions: seenRegions(region('us-west-2', { instances: [booting], asg: { desired: 3, held: 3 } })),
        memory: memory({
          regions: { 'us-west-2': request({ desired: spot(1), ready_at: null }) },
          exclusions: [{ region: 'us-west-2', reason: 'InsufficientInstanceCapacity', until: at(1800) }],
        }),
      }),
    ).desired!;
    expect(shrunk['us-west-2']).toEqual(spot(1));
  });

  it('falls back to on-demand for exactly the shortfall while Spot cannot supply it', () => {
    const stays = instance(zone('us-east-1'));
    const dry = { kind: 'launch_failed' as const, zone: null };
    const m = memory({
      regions: { 'us-east-1': request() },
      capacity_events: [
        { ...dry, at: NOW.getTime() - 10_000, region: 'us-west-2' },
        { ...dry, at: NOW.getTime() - 10_000, region: 'eu-west-1' },
      ],
    });
    const out = choosePlacement(
      input({ memory: m, regions: seenRegions(region('us-east-1', { instances: [stays] })) }),
    );
    // One Spot replica serves in us-east-1 (full there); the other region's launches just failed: one on-demand.
    const total = Object.values(out.desired!).reduce(
      (n, d) => ({ spot: n.spot + d.spot, on_demand: n.on_demand + d.on_demand }),
      NONE,
    );
    expect(total).toEqual({ spot: 1, on_demand: 1 });
    expect(out.desired!['us-east-1']!.spot).toBe(1);
  });

  it('reverts from on-demand once Spot is ready again, keeping on-demand until then', () => {
    const odReplica = instance({ ...zone('us-west-2'), lifecycle: 'on-demand' });
    const east = instance(zone('us-east-1'));
    const m = memory({ regions: { 'us-east-1': request(), 'us-west-2': request({ desired: od(1) }) } });
    const regions = seenRegions(
      region('us-east-1', { instances: [east] }),
      region('us-west-2', { instances: [odReplica] }),
    );
    const first = choosePlacement(input({ memory: m, regions }));
    // Spot has capacity again: a Spot replica is asked for, the on-demand one stays until it is ready.
    const spotWanted = REGIONS.reduce((n, r) => n + first.desired![r]!.spot, 0);
    expect(spotWanted).toBe(2);
    expect(first.desired!['us-west-2']!.on_demand).toBe(1);
    const spotReady = seenRegions(
      region('us-east-1', { instances: [east] }),
      region('us-west-2', { instances: [odReplica] }),
      region('eu-west-1', { instances: [instance(zone('eu-west-1'))] }),
    );
    const second = choosePlacement(input({ memory: first.memory, regions: spotReady }));
    expect(second.desired).toEqual({ 'us-east-1': spot(1), 'us-west-2': NONE, 'eu-west-1': spot(1) });
  });

  it('leaves a region it cannot see as it was asked to be', () => {
    const m = memory({ regions: { 'us-west-2': request(), 'us-east-1': request() } });
    const regions = seenRegions(region('us-east-1', { instances: [instance(zone('us-east-1'))] }));
    regions.set('us-west-2', unknown('us-west-2'));
    const out = choosePlacement(input({ memory: m, regions }));
    expect(out.desired).toEqual({ 'us-east-1': spot(1), 'us-west-2': spot(1), 'eu-west-1': NONE });
  });

  it('keeps the on-demand replicas a region swaps for Spot until the Spot ones are ready (the group would not grow)', () => {
    // Target 3: Spot ready in us-west-2 and eu-west-1, us-east-1 on two on-demand replicas (one surplus). The policy
    // releases one and turns the other into Spot in us-east-1, i.e. {spot 1, on-demand 1} there: the same size as
    // what runs, so the group would launch nothing. The on-demand pair stays asked for until the Spot one is ready.
    const onDemand = () => instance({ ...zone('us-east-1'), lifecycle: 'on-demand' });
    const regions = seenRegions(
      region('us-east-1', { instances: [onDemand(), onDemand()] }),
      region('us-west-2', { instances: [instance(zone('us-west-2'))] }),
      region('eu-west-1', { instances: [instance(zone('eu-west-1'))] }),
    );
    const m = memory({ regions: { 'us-east-1': request(), 'us-west-2': request(), 'eu-west-1': request() } });
    const out = choosePlacement(
      input({
        memory: m,
        regions,
        // us-east-1 is the cheapest Spot region, so the on-demand replica's Spot replacement goes there.
        market: { ...MARKET, prices: { ...MARKET.prices, 'us-east-1': 0.2 } },
        config: fleetConfig({ targetCapacity: 3, maxPerRegion: 2 }),
      }),
    );
    expect(out.desired).toEqual({
      'us-east-1': { spot: 1, on_demand: 2 },
      'us-west-2': spot(1),
      'eu-west-1': spot(1),
    });
  });

  it('counts a lost replica once, also after it has gone from view and its zone reads unknown', () => {
    const lost = instance({ ...zone('us-west-2'), ready: true });
    const doomed = [
      { instance_id: lost.instance_id, region: 'us-west-2', reason: 'SpotInterruption', at: at(-5) },
    ];
    const once = capacityHistory(
      memory({ doomed }),
      seenRegions(region('us-west-2', { instances: [lost] })),
      NOW,
    );
    const event = { at: Date.parse(at(-5)), region: 'us-west-2', zone: 'us-west-2a', kind: 'interrupted' };
    expect(once).toEqual([event]);
    // Next cycles: the instance is gone (terminated and no longer listed), the doomed entry still in memory.
    const again = capacityHistory(memory({ doomed, capacity_events: once }), seenRegions(), NOW);
    expect(again).toEqual([event]);
    // Two replicas lost in two zones at the same moment are two losses.
    const other = instance({ availability_zone: 'us-west-2b', ready: true });
    const both = capacityHistory(
      memory({
        doomed: [...doomed, { ...doomed[0]!, instance_id: other.instance_id }],
        capacity_events: once,
      }),
      seenRegions(region('us-west-2', { instances: [other] })),
      NOW,
    );
    expect(both).toHaveLength(2);
  });

  it('remembers failed launches as risk, at most 24 h', () => {
    const failures = [{ at: at(-30), code: 'InsufficientInstanceCapacity', message: 'no capacity' }];
    const old = {
      at: NOW.getTime() - 25 * 3_600_000,
      region: 'eu-west-1',
      zone: null,
      kind: 'interrupted' as const,
    };
    const history = capacityHistory(
      memory({ capacity_events: [old] }),
      seenRegions(region('us-west-2', { failures })),
      NOW,
    );
    expect(history).toEqual([
      { at: Date.parse(at(-30)), region: 'us-west-2', zone: null, kind: 'launch_failed' },
    ]);
  });

  it('takes no Spot risk from a lost on-demand replica', () => {
    const lost = instance({ ...zone('us-west-2'), lifecycle: 'on-demand', ready: true });
    const doomed = [
      { instance_id: lost.instance_id, region: 'us-west-2', reason: 'InstanceTerminated', at: at(-5) },
    ];
    expect(
      capacityHistory(memory({ doomed }), seenRegions(region('us-west-2', { instances: [lost] })), NOW),
    ).toEqual([]);
  });

  it('takes no Spot risk from a region asked for on-demand only (its failed launches were on-demand)', () => {
    const failures = [
      { at: at(-30), code: 'InsufficientInstanceCapacity', message: 'no on-demand capacity' },
    ];
    const asked = (desired: { spot: number; on_demand: number }) =>
      capacityHistory(
        memory({ regions: { 'us-west-2': request({ desired }) } }),
        seenRegions(region('us-west-2', { failures })),
        NOW,
      );
    expect(asked({ spot: 0, on_demand: 10 })).toEqual([]);
    expect(asked({ spot: 2, on_demand: 1 })).toEqual([
      { at: Date.parse(at(-30)), region: 'us-west-2', zone: null, kind: 'launch_failed' },
    ]);
  });

  it('reports RUNNING once the target is ready over all regions, with the spare count', () => {
    const regions = [
      region('us-east-1', { instances: [instance(zone('us-east-1'))] }),
      region('us-west-2', { instances: [instance(zone('us-west-2'))] }),
    ];
    const m = memory({ regions: { 'us-west-2': request(), 'us-east-1': request() } });
    const status = {
      version: 1,
      generation: 1,
      orchestrator: null,
      view: {
        status: 'RUNNING' as const,
        region: 'us-west-2',
        instances: [],
        excluded_regions: [],
        replicas: { target: 2, spare: 0, ready: 2 },
        regions: [],
        last_move: null,
        endpoint: null,
        updated_at: at(-60),
      },
      memory: m,
      observed_at: at(-60),
    };
    const out = plan(observation({ seen: regions, status }), config);
    expect(out.view.status).toBe('RUNNING');
    expect(out.view.replicas).toEqual({ target: 2, spare: 0, ready: 2 });
    expect(out.view.regions.sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(out.actions).toEqual([]);
  });
});
