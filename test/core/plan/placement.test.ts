import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config.ts';
import { choosePlacement, type PlacementInput } from '../../../core/plan/index.ts';
import {
  at,
  config,
  instance,
  MARKET,
  memory,
  NOW,
  region,
  regionMap,
  request,
  spec,
  unknown,
} from './fixtures.ts';

const ONE = { spot: 1, on_demand: 0 };
const NONE = { spot: 0, on_demand: 0 };
const input = (overrides: Partial<PlacementInput> = {}): PlacementInput => ({
  spec: spec(),
  memory: memory(),
  regions: regionMap(),
  market: MARKET,
  now: NOW,
  config,
  ...overrides,
});
const excluded = (region: string, reason = 'SpotInterruption') => ({ region, reason, until: at(600) });

describe('choosePlacement', () => {
  it('places the target in the best Spot region and nothing elsewhere', () => {
    const out = choosePlacement(input());
    expect(out.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': NONE });
    expect(out.memory.home).toEqual({ region: 'us-west-2', lifecycle: 'spot' });
    expect(out.memory.checks.rebalance_at).toBe(at(3600));
  });

  it('skips an excluded region and one it cannot see this cycle', () => {
    const out = choosePlacement(
      input({
        memory: memory({ exclusions: [excluded('us-west-2')] }),
        regions: regionMap(unknown('eu-west-1')),
      }),
    );
    expect(out.memory.home?.region).toBe('us-east-1');
  });

  it('adopts ready capacity found in an eligible region instead of launching beside it', () => {
    const out = choosePlacement(
      input({ regions: regionMap(region('eu-west-1', { instances: [instance()] })) }),
    );
    expect(out.memory.home).toEqual({ region: 'eu-west-1', lifecycle: 'spot' });
    expect(out.desired?.['eu-west-1']).toEqual(ONE);
    expect(out.desired?.['us-west-2']).toEqual(NONE);
  });

  it('moves make-before-break when the home region is excluded: the old region keeps its replica', () => {
    const m = memory({
      home: { region: 'us-west-2', lifecycle: 'spot' },
      exclusions: [excluded('us-west-2')],
      regions: { 'us-west-2': request() },
    });
    const out = choosePlacement(
      input({ memory: m, regions: regionMap(region('us-west-2', { instances: [instance()] })) }),
    );
    expect(out.memory.home?.region).toBe('eu-west-1');
    expect(out.memory.move).toMatchObject({ from: 'us-west-2', to: 'eu-west-1', reason: 'SpotInterruption' });
    expect(out.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': ONE });
  });

  it('does not relaunch in the old region a replica that already died', () => {
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'spot' },
      move: { from: 'us-west-2', to: 'eu-west-1', reason: 'SpotInterruption', started_at: at(-130) },
      exclusions: [excluded('us-west-2')],
      regions: { 'us-west-2': request(), 'eu-west-1': request({ ready_at: null, since: at(-130) }) },
    });
    const out = choosePlacement(
      input({
        memory: m,
        regions: regionMap(
          region('us-west-2', {
            instances: [instance({ state: 'terminated', ready: false })],
            asg: { desired: 1 },
          }),
        ),
      }),
    );
    expect(out.desired?.['us-west-2']).toEqual(NONE);
    expect(out.memory.move?.from).toBe('us-west-2');
  });

  it('finishes the move once the new region has every replica ready, and records it as the last move', () => {
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'spot' },
      move: { from: 'us-west-2', to: 'eu-west-1', reason: 'SpotInterruption', started_at: at(-130) },
      regions: { 'us-west-2': request(), 'eu-west-1': request() },
    });
    const out = choosePlacement(
      input({
        memory: m,
        regions: regionMap(
          region('us-west-2', { instances: [instance()] }),
          region('eu-west-1', { instances: [instance()] }),
        ),
      }),
    );
    expect(out.memory.move).toBeNull();
    expect(out.memory.last_move).toEqual({
      from: 'us-west-2',
      to: 'eu-west-1',
      reason: 'SpotInterruption',
      at: at(0),
    });
    expect(out.desired?.['us-west-2']).toEqual(NONE);
  });

  it('falls back to on-demand (skipping the region it leaves) when no Spot region qualifies', () => {
    const all = ['us-east-1', 'us-west-2', 'eu-west-1'].map((r) => excluded(r));
    const m = memory({
      home: { region: 'us-east-1', lifecycle: 'spot' },
      exclusions: all,
      regions: { 'us-east-1': request() },
    });
    const out = choosePlacement(
      input({ memory: m, regions: regionMap(region('us-east-1', { instances: [instance()] })) }),
    );
    expect(out.memory.home).toEqual({ region: 'us-west-2', lifecycle: 'on-demand' });
    expect(out.desired?.['us-west-2']).toEqual({ spot: 0, on_demand: 1 });
    expect(out.memory.checks.revert_at).toBe(at(900));
  });

  it('without on-demand fallback and nowhere to go, keeps a region that still stands and gives up an empty one', () => {
    const strict = parseConfig({ ...config, onDemandFallback: false });
    const all = ['us-east-1', 'us-west-2', 'eu-west-1'].map((r) => excluded(r));
    const standing = memory({
      home: { region: 'us-west-2', lifecycle: 'spot' },
      exclusions: all,
      regions: { 'us-west-2': request() },
    });
    const kept = choosePlacement(
      input({
        config: strict,
        memory: standing,
        regions: regionMap(region('us-west-2', { instances: [instance()] })),
      }),
    );
    expect(kept.memory.home?.region).toBe('us-west-2');
    const empty = choosePlacement(input({ config: strict, memory: standing }));
    expect(empty.memory.home).toBeNull();
    expect(empty.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': NONE, 'eu-west-1': NONE });
  });

  it('when the move target fails and nowhere else qualifies, falls back to the region it was leaving while its doomed replica still stands', () => {
    const strict = parseConfig({ ...config, onDemandFallback: false });
    const all = ['us-east-1', 'us-west-2', 'eu-west-1'].map((r) => excluded(r));
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'spot' },
      move: { from: 'us-west-2', to: 'eu-west-1', reason: 'SpotInterruption', started_at: at(-5) },
      exclusions: all,
      regions: { 'us-west-2': request(), 'eu-west-1': request({ ready_at: null, since: at(-5) }) },
    });
    const out = choosePlacement(
      input({
        config: strict,
        memory: m,
        regions: regionMap(region('us-west-2', { instances: [instance()] })),
      }),
    );
    expect(out.memory.home).toEqual({ region: 'us-west-2', lifecycle: 'spot' });
    expect(out.memory.move).toBeNull();
    expect(out.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': NONE });
  });

  it('goes back to Spot when the revert check falls due and a Spot region qualifies', () => {
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'on-demand' },
      regions: { 'eu-west-1': request({ desired: { spot: 0, on_demand: 1 } }) },
      checks: { rebalance_at: null, revert_at: at(-1) },
    });
    const out = choosePlacement(
      input({
        memory: m,
        regions: regionMap(region('eu-west-1', { instances: [instance({ lifecycle: 'on-demand' })] })),
      }),
    );
    expect(out.memory.move).toMatchObject({ from: 'eu-west-1', to: 'us-west-2', reason: 'SpotAvailable' });
    expect(out.desired?.['eu-west-1']).toEqual({ spot: 0, on_demand: 1 });
    expect(out.memory.checks.revert_at).toBe(at(900));
  });

  it('goes back to Spot in the region where on-demand runs: a swap in place, on-demand kept until Spot is ready', () => {
    const onDemand = instance({ lifecycle: 'on-demand' });
    const m = memory({
      home: { region: 'us-west-2', lifecycle: 'on-demand' },
      regions: { 'us-west-2': request({ desired: { spot: 0, on_demand: 1 } }) },
      checks: { rebalance_at: null, revert_at: at(-1) },
    });
    const first = choosePlacement(
      input({ memory: m, regions: regionMap(region('us-west-2', { instances: [onDemand] })) }),
    );
    expect(first.memory.home).toEqual({ region: 'us-west-2', lifecycle: 'spot' });
    expect(first.memory.move).toBeNull();
    expect(first.desired?.['us-west-2']).toEqual({ spot: 1, on_demand: 1 });

    // The Spot replica is booting: the on-demand one still serves and stays in the request.
    const booting = instance({ ready: false, state: 'pending', task_status: null, health: null });
    const second = choosePlacement(
      input({
        memory: first.memory,
        regions: regionMap(region('us-west-2', { instances: [onDemand, booting] })),
      }),
    );
    expect(second.desired?.['us-west-2']).toEqual({ spot: 1, on_demand: 1 });

    // Ready: the on-demand replica is released.
    const ready = { ...booting, ready: true, state: 'running', task_status: 'RUNNING', health: 'HEALTHY' };
    const third = choosePlacement(
      input({
        memory: second.memory,
        regions: regionMap(region('us-west-2', { instances: [onDemand, ready] })),
      }),
    );
    expect(third.desired?.['us-west-2']).toEqual(ONE);
    expect(third.memory.home).toEqual({ region: 'us-west-2', lifecycle: 'spot' });
  });

  it('rebalances to a region cheaper by rebalanceMinSavings when the hourly check falls due', () => {
    const m = memory({
      home: { region: 'us-west-2', lifecycle: 'spot' },
      regions: { 'us-west-2': request() },
      checks: { rebalance_at: at(-1), revert_at: null },
    });
    const market = {
      ...MARKET,
      scores: { 'us-west-2': 9, 'eu-west-1': 9, 'us-east-1': 6 },
      prices: { ...MARKET.prices, 'eu-west-1': 0.2 },
    };
    const out = choosePlacement(
      input({ memory: m, market, regions: regionMap(region('us-west-2', { instances: [instance()] })) }),
    );
    expect(out.memory.move).toMatchObject({ from: 'us-west-2', to: 'eu-west-1', reason: 'PriceRebalance' });
    expect(out.memory.checks.rebalance_at).toBe(at(3600));
  });

  it('a failed rebalance target sends it back to the region that still serves', () => {
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'spot' },
      move: { from: 'us-west-2', to: 'eu-west-1', reason: 'PriceRebalance', started_at: at(-100) },
      exclusions: [excluded('eu-west-1', 'InsufficientInstanceCapacity')],
      regions: { 'us-west-2': request(), 'eu-west-1': request({ ready_at: null }) },
    });
    const out = choosePlacement(
      input({ memory: m, regions: regionMap(region('us-west-2', { instances: [instance()] })) }),
    );
    expect(out.memory.home?.region).toBe('us-west-2');
    expect(out.memory.move).toBeNull();
    expect(out.desired?.['eu-west-1']).toEqual(NONE);
  });

  it('disabled with teardown wants nothing anywhere and forgets the placement', () => {
    const m = memory({ home: { region: 'us-west-2', lifecycle: 'spot' } });
    const out = choosePlacement(input({ spec: spec({ enabled: false, teardown: true }), memory: m }));
    expect(out.desired).toEqual({ 'us-east-1': NONE, 'us-west-2': NONE, 'eu-west-1': NONE });
    expect(out.memory.home).toBeNull();
  });

  it('a plain disable is hands off', () => {
    expect(choosePlacement(input({ spec: spec({ enabled: false }) })).desired).toBeNull();
  });

  it('a plain disable during a move tears down the region being left and leaves every other region alone', () => {
    const m = memory({
      home: { region: 'eu-west-1', lifecycle: 'spot' },
      move: { from: 'us-west-2', to: 'eu-west-1', reason: 'InterruptionWarning', started_at: at(-30) },
    });
    const out = choosePlacement(input({ spec: spec({ enabled: false }), memory: m }));
    expect(out.desired).toEqual({ 'us-west-2': NONE });
    expect(out.memory.move).toBeNull();
    expect(out.memory.home).toBeNull();
  });
});
