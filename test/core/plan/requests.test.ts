import { describe, expect, it } from 'vitest';
import { acknowledged, requestReason, requests } from '../../../core/plan/index.ts';
import { at, config, instance, memory, NOW, region, regionMap, request, unknown } from './fixtures.ts';

const ONE = { spot: 1, on_demand: 0 };
const NONE = { spot: 0, on_demand: 0 };

describe('requestReason (per-region rule)', () => {
  it.each([
    {
      name: 'launches where nothing was asked yet',
      want: ONE,
      last: undefined,
      r: region('us-west-2'),
      why: 'launch',
    },
    {
      name: 'leaves an empty region nobody asked anything of',
      want: NONE,
      last: undefined,
      r: region('us-west-2'),
      why: null,
    },
    {
      name: 'tears down capacity in a region never asked (left by a disable, a crash, a person)',
      want: NONE,
      last: undefined,
      r: region('us-west-2', { instances: [instance()] }),
      why: /not wanted/,
    },
    {
      name: 'sends a teardown when the wanted state drops to nothing, even to a region that looks empty',
      want: NONE,
      last: request({ ready_at: null, sent_at: at(-5) }),
      r: region('us-west-2'),
      why: 'teardown',
    },
    {
      name: 'waits for a request not yet taken',
      want: ONE,
      last: request({ sent_at: at(-30), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 0 } }),
      why: null,
    },
    {
      name: 'sends again (new intent) a request not taken after 120 s',
      want: ONE,
      last: request({ sent_at: at(-121), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 0 } }),
      why: /not taken after 120 s/,
    },
    {
      name: 'sends a request that could not be put on the bus',
      want: ONE,
      last: request({ sent_at: null }),
      r: region('us-west-2'),
      why: 'not sent yet',
    },
    {
      name: 'leaves a taken request that the ASG shows',
      want: ONE,
      last: request(),
      r: region('us-west-2', { instances: [instance()], asg: { intent: 1 } }),
      why: null,
    },
    {
      name: 'gives the worker a moment between taking a request and changing the ASG',
      want: ONE,
      last: request({ sent_at: at(-30), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 1, desired: 0 } }),
      why: null,
    },
    {
      name: 'corrects an ASG changed by hand where capacity is wanted',
      want: ONE,
      last: request(),
      r: region('us-west-2', { asg: { intent: 1, desired: 0 } }),
      why: /desired 0, not 1 \(changed outside spotplane\)/,
    },
    {
      name: 'corrects an ASG set to 1 by hand in a region torn down earlier',
      want: NONE,
      last: request({ desired: NONE, ready_at: null }),
      r: region('us-west-2', { asg: { intent: 1, desired: 1 } }),
      why: /desired 1 in a region not wanted/,
    },
    {
      name: 'waits while a taken teardown drains its instances',
      want: NONE,
      last: request({ desired: NONE, ready_at: null, sent_at: at(-100) }),
      r: region('us-west-2', {
        instances: [instance({ state: 'shutting-down' })],
        asg: { intent: 1, desired: 0 },
      }),
      why: null,
    },
    {
      name: 'sends a teardown again when the region is still not empty after 600 s',
      want: NONE,
      last: request({ desired: NONE, ready_at: null, sent_at: at(-601) }),
      r: region('us-west-2', { instances: [instance()], asg: { intent: 1, desired: 0 } }),
      why: /still not empty after 600 s/,
    },
    {
      name: 'without a fence tag, takes the ASG showing the desired state as the acknowledgement',
      want: ONE,
      last: request(),
      r: region('us-west-2', { instances: [instance()], asg: { intent: null } }),
      why: null,
    },
  ])('$name', ({ want, last, r, why }) => {
    const got = requestReason(want, last, r, NOW, false);
    if (why instanceof RegExp) expect(got).toMatch(why);
    else expect(got).toBe(why);
  });

  it.each([
    {
      name: 'hands off: fences a launch that has not started yet',
      last: request({ sent_at: at(-10), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 0 } }),
      why: 'disabled before the launch started',
    },
    {
      name: 'hands off: fences a launch the worker took but has not raised capacity for yet (fence written, still empty)',
      last: request({ sent_at: at(-10), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 1, desired: 0 } }),
      why: 'disabled before the launch started',
    },
    {
      name: 'hands off: leaves a launch the worker took',
      last: request({ sent_at: at(-10), ready_at: null }),
      r: region('us-west-2', { asg: { intent: 1, desired: 1 } }),
      why: null,
    },
    {
      name: 'hands off: leaves capacity that runs',
      last: request(),
      r: region('us-west-2', { instances: [instance()], asg: { intent: 0 } }),
      why: null,
    },
    {
      name: 'hands off: carries a requested teardown through (the region being left by a move)',
      last: request({ desired: NONE, ready_at: null, sent_at: at(-601) }),
      r: region('us-west-2', { instances: [instance()], asg: { intent: 1, desired: 0 } }),
      why: 'still not empty after 600 s',
    },
    {
      name: 'hands off: corrects an ASG set by hand where a teardown was requested',
      last: request({ desired: NONE, ready_at: null }),
      r: region('us-west-2', { asg: { intent: 1, desired: 1 } }),
      why: 'Auto Scaling group desired 1 in a region not wanted',
    },
  ])('$name', ({ last, r, why }) => {
    expect(requestReason(NONE, last, r, NOW, true)).toBe(why);
  });
});

describe('acknowledged', () => {
  it('trusts the fence tag when the ASG has one', () => {
    expect(
      acknowledged(request({ intent: 3 }), region('us-west-2', { asg: { intent: 2, desired: 1 } })),
    ).toBe(false);
    expect(
      acknowledged(request({ intent: 3 }), region('us-west-2', { asg: { intent: 3, desired: 0 } })),
    ).toBe(true);
  });
  it('without a tag, needs the desired capacity and the on-demand base', () => {
    const last = request({ desired: { spot: 0, on_demand: 1 } });
    expect(acknowledged(last, region('us-west-2', { asg: { desired: 1, on_demand_base: 0 } }))).toBe(false);
    expect(acknowledged(last, region('us-west-2', { asg: { desired: 1, on_demand_base: 1 } }))).toBe(true);
  });
});

describe('requests', () => {
  it('gives every request a new intent and records it', () => {
    const out = requests(
      { 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': ONE },
      memory({ next_intent: 7 }),
      regionMap(),
      NOW,
      config,
    );
    expect(out.actions.map((a) => [a.region, a.intent, a.detail_type])).toEqual([
      ['us-west-2', 7, 'Launch Requested'],
      ['eu-west-1', 8, 'Launch Requested'],
    ]);
    expect(out.memory.next_intent).toBe(9);
    expect(out.memory.regions['us-west-2']).toMatchObject({
      intent: 7,
      desired: ONE,
      sent_at: at(0),
      ready_at: null,
    });
  });

  it('keeps the launch budget running across a resend of the same desired state', () => {
    const last = request({ since: at(-200), sent_at: at(-130), ready_at: null });
    const out = requests(
      { 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': NONE },
      memory({ next_intent: 2, regions: { 'us-west-2': last } }),
      regionMap(region('us-west-2', { asg: { intent: 0 } })),
      NOW,
      config,
    );
    expect(out.memory.regions['us-west-2']).toMatchObject({ intent: 2, since: at(-200), sent_at: at(0) });
  });

  it('sends nothing to a region it cannot see this cycle', () => {
    const out = requests(
      { 'us-east-1': NONE, 'us-west-2': ONE, 'eu-west-1': NONE },
      memory(),
      regionMap(unknown('us-west-2')),
      NOW,
      config,
    );
    expect(out.actions).toEqual([]);
  });
});
