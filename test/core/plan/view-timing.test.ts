import { describe, expect, it } from 'vitest';
import { forget, plan, publicView, statusOf, type ViewInput } from '../../../core/plan/index.ts';
import {
  at,
  config,
  instance,
  memory,
  NOW,
  observation,
  region,
  regionMap,
  request,
  spec,
  unknown,
} from './fixtures.ts';

const home = { region: 'us-west-2', lifecycle: 'spot' as const };
const input = (overrides: Partial<ViewInput> = {}): ViewInput => ({
  spec: spec(),
  memory: memory(),
  regions: regionMap(),
  previous: null,
  exit: false,
  now: NOW,
  config,
  ...overrides,
});
const ready = region('us-west-2', { instances: [instance({ instance_id: 'i-1' })] });

describe('statusOf', () => {
  it.each([
    {
      name: 'disabled with teardown, not yet empty',
      i: input({ spec: spec({ enabled: false, teardown: true }) }),
      want: 'TEARING_DOWN',
    },
    {
      name: 'disabled with teardown, observed empty',
      i: input({ spec: spec({ enabled: false, teardown: true }), exit: true }),
      want: 'DISABLED',
    },
    { name: 'a plain disable', i: input({ spec: spec({ enabled: false }) }), want: 'DISABLED' },
    { name: 'nowhere to go, nothing ready', i: input(), want: 'NOT_AVAILABLE' },
    {
      name: 'nowhere to go, something still serves',
      i: input({ regions: regionMap(ready) }),
      want: 'FAILING_OVER',
    },
    {
      name: 'home has every replica ready',
      i: input({ memory: memory({ home }), regions: regionMap(ready) }),
      want: 'RUNNING',
    },
    { name: 'first launch', i: input({ memory: memory({ home }) }), want: 'PROVISIONING' },
    {
      name: 'home lost what it ran',
      i: input({
        memory: memory({ home }),
        previous: publicView(input({ memory: memory({ home }), regions: regionMap(ready) })),
      }),
      want: 'FAILING_OVER',
    },
    {
      name: 'a forced move',
      i: input({
        memory: memory({
          home,
          move: { from: 'eu-west-1', to: 'us-west-2', reason: 'SpotInterruption', started_at: at(-5) },
        }),
      }),
      want: 'FAILING_OVER',
    },
    {
      name: 'a price rebalance keeps RUNNING while the old region serves',
      i: input({
        memory: memory({
          home,
          move: { from: 'eu-west-1', to: 'us-west-2', reason: 'PriceRebalance', started_at: at(-5) },
        }),
      }),
      want: 'RUNNING',
    },
  ])('$name -> $want', ({ i, want }) => {
    expect(statusOf(i)).toBe(want);
  });
});

describe('publicView', () => {
  it('keeps showing the instances of a region it cannot see this cycle', () => {
    const before = publicView(input({ memory: memory({ home }), regions: regionMap(ready) }));
    const after = publicView(
      input({ memory: memory({ home }), regions: regionMap(unknown('us-west-2')), previous: before }),
    );
    expect(after.instances.map((i) => i.instance_id)).toEqual(['i-1']);
  });

  it('names the region holding the most ready replicas, and hides terminating instances', () => {
    const two = region('eu-west-1', {
      instances: [instance(), instance(), instance({ state: 'shutting-down', ready: false })],
    });
    const view = publicView(input({ memory: memory({ home }), regions: regionMap(ready, two) }));
    expect(view.region).toBe('eu-west-1');
    expect(view.regions).toEqual(['us-west-2', 'eu-west-1']);
    expect(view.instances).toHaveLength(3);
  });

  it('names the region it serves from while nothing is ready but something runs, and none when nothing runs', () => {
    const booting = region('us-west-2', { instances: [instance({ instance_id: 'i-2', ready: false })] });
    const failingOver = publicView(input({ memory: memory({ home }), regions: regionMap(booting) }));
    expect(failingOver.region).toBe('us-west-2');
    expect(publicView(input({ memory: memory({ home }) })).region).toBeNull();
  });
});

describe('forget', () => {
  it('drops doomed instances that are gone, or too old, and keeps those of an unknown region', () => {
    const m = memory({
      doomed: [
        { instance_id: 'i-gone', region: 'us-west-2', reason: 'SpotInterruption', at: at(-60) },
        { instance_id: 'i-1', region: 'us-west-2', reason: 'SpotInterruption', at: at(-60) },
        { instance_id: 'i-far', region: 'eu-west-1', reason: 'SpotInterruption', at: at(-60) },
        { instance_id: 'i-old', region: 'eu-west-1', reason: 'SpotInterruption', at: at(-4000) },
      ],
      exclusions: [{ region: 'eu-west-1', reason: 'x', until: at(-1) }],
    });
    const out = forget(m, regionMap(ready, unknown('eu-west-1')), NOW);
    expect(out.doomed.map((d) => d.instance_id)).toEqual(['i-1', 'i-far']);
    expect(out.exclusions).toEqual([]);
  });
});

describe('next look', () => {
  it('looks again when an exclusion expires, if that comes before the steady 300 s', () => {
    const m = memory({
      home,
      next_intent: 2,
      regions: { 'us-west-2': request() },
      exclusions: [{ region: 'eu-west-1', reason: 'x', until: at(42) }],
      checks: { rebalance_at: at(3000), revert_at: null },
    });
    const obs = observation({
      seen: [region('us-west-2', { instances: [instance()], asg: { intent: 1 } })],
      status: {
        version: 1,
        generation: 1,
        orchestrator: null,
        view: publicView(input()),
        memory: m,
        observed_at: at(-1),
      },
    });
    expect(plan(obs, config).next_look_seconds).toBe(42);
  });

  it('looks again soon while a region is unknown', () => {
    const m = memory({
      home,
      next_intent: 2,
      regions: { 'us-west-2': request() },
      checks: { rebalance_at: at(3000), revert_at: null },
    });
    const obs = observation({
      seen: [region('us-west-2', { instances: [instance()], asg: { intent: 1 } }), unknown('eu-west-1')],
      status: {
        version: 1,
        generation: 1,
        orchestrator: null,
        view: publicView(input()),
        memory: m,
        observed_at: at(-1),
      },
    });
    expect(plan(obs, config).next_look_seconds).toBe(20);
  });

  it('resets the backoff once a region qualifies again', () => {
    const obs = observation({
      status: {
        version: 1,
        generation: 1,
        orchestrator: null,
        view: publicView(input()),
        memory: memory({ backoff: { attempt: 3 } }),
        observed_at: at(-1),
      },
    });
    expect(plan(obs, config).memory.backoff.attempt).toBe(0);
  });
});
