import { describe, expect, it } from 'vitest';
import {
  type Observation,
  plan,
  publicStatus,
  requestsOf,
  type StatusItem,
} from '../../../core/plan/index.ts';
import {
  at,
  config,
  instance,
  memory,
  NOW,
  observation,
  region,
  request,
  signal,
  spec,
  unknown,
} from './fixtures.ts';

/** Runs `plan` on an observation and stores its decision as the status the next cycle observes. */
function cycle(obs: Observation) {
  const decision = plan(obs, config);
  const status: StatusItem = {
    version: (obs.status?.version ?? 0) + 1,
    generation: decision.generation,
    orchestrator: decision.exit ? null : { execution: 'r1-0', run: 1, cycle: 0 },
    view: decision.view,
    memory: decision.memory,
    observed_at: obs.at,
  };
  return { decision, status };
}

describe('plan', () => {
  it('fresh enable: one launch request to the best region, PROVISIONING, look again soon', () => {
    const { decision } = cycle(observation());
    expect(decision.actions).toEqual([
      {
        kind: 'request',
        region: 'us-west-2',
        intent: 1,
        desired: { spot: 1, on_demand: 0 },
        detail_type: 'Launch Requested',
        why: 'launch',
      },
    ]);
    expect(decision.view.status).toBe('PROVISIONING');
    expect(decision.next_look_seconds).toBe(20);
    expect(decision.exit).toBe(false);
  });

  it('steady RUNNING: no action, looks again in 300 s, shows the instance with its region', () => {
    const m = memory({
      home: { region: 'us-west-2', lifecycle: 'spot' },
      next_intent: 2,
      regions: { 'us-west-2': request() },
      checks: { rebalance_at: at(3000), revert_at: null },
    });
    const obs = observation({
      seen: [region('us-west-2', { instances: [instance({ instance_id: 'i-1' })], asg: { intent: 1 } })],
      status: {
        version: 3,
        generation: 1,
        orchestrator: null,
        view: cycle(observation()).decision.view,
        memory: m,
        observed_at: at(-300),
      },
    });
    const { decision } = cycle(obs);
    expect(decision.actions).toEqual([]);
    expect(decision.view).toMatchObject({
      status: 'RUNNING',
      region: 'us-west-2',
      replicas: { target: 1, spare: 0, ready: 1 },
      regions: ['us-west-2'],
    });
    expect(decision.view.instances[0]).toMatchObject({
      instance_id: 'i-1',
      region: 'us-west-2',
      ready: true,
    });
    expect(decision.next_look_seconds).toBe(300);
  });

  it('an interruption warning requests the replacement in the same cycle (make-before-break, FAILING_OVER)', () => {
    const m = memory({
      home: { region: 'us-west-2', lifecycle: 'spot' },
      next_intent: 2,
      regions: { 'us-west-2': request() },
    });
    const obs = observation({
      seen: [region('us-west-2', { instances: [instance({ instance_id: 'i-1' })], asg: { intent: 1 } })],
      signals: [signal({ instance_id: 'i-1', region: 'us-west-2' })],
      status: {
        version: 3,
        generation: 1,
        orchestrator: null,
        view: cycle(observation()).decision.view,
        memory: m,
        observed_at: at(-300),
      },
    });
    const { decision } = cycle(obs);
    expect(requestsOf(decision.actions).map((a) => [a.region, a.detail_type])).toEqual([
      ['eu-west-1', 'Launch Requested'],
    ]);
    expect(decision.view.status).toBe('FAILING_OVER');
    expect(decision.view.excluded_regions.map((e) => e.region)).toEqual(['us-west-2']);
    expect(decision.consumed).toEqual([obs.signals[0]!.id]);
  });

  it('defect 1/2: teardown is observed, not reported — TEARING_DOWN until every region is seen empty, then exit', () => {
    const disabled = spec({ enabled: false, teardown: true, generation: 2 });
    const m = memory({
      next_intent: 5,
      regions: { 'us-west-2': request({ intent: 4, desired: { spot: 0, on_demand: 0 }, sent_at: at(-30) }) },
    });
    const status = (view = cycle(observation()).decision.view): StatusItem => ({
      version: 1,
      generation: 2,
      orchestrator: null,
      view,
      memory: m,
      observed_at: at(-20),
    });
    const draining = cycle(
      observation({
        spec: disabled,
        seen: [
          region('us-west-2', {
            instances: [instance({ state: 'shutting-down', ready: false })],
            asg: { intent: 4, desired: 0 },
          }),
        ],
        status: status(),
      }),
    );
    expect(draining.decision.view.status).toBe('TEARING_DOWN');
    expect(draining.decision.exit).toBe(false);
    const unknownRegion = cycle(
      observation({
        spec: disabled,
        seen: [unknown('eu-west-1'), region('us-west-2', { asg: { intent: 4 } })],
        status: status(),
      }),
    );
    expect(unknownRegion.decision.exit).toBe(false);
    const empty = cycle(
      observation({ spec: disabled, seen: [region('us-west-2', { asg: { intent: 4 } })], status: status() }),
    );
    expect(empty.decision).toMatchObject({ exit: true, actions: [] });
    expect(empty.decision.view.status).toBe('DISABLED');
  });

  it('defect 3: enable after a plain disable adopts the capacity left running instead of launching beside it', () => {
    const { decision } = cycle(
      observation({
        spec: spec({ generation: 3 }),
        seen: [region('eu-west-1', { instances: [instance()], asg: { intent: 2 } })],
      }),
    );
    // The one request restates what runs there (absolute desired state, a new fence); nothing goes elsewhere.
    expect(requestsOf(decision.actions).map((a) => [a.region, a.desired])).toEqual([
      ['eu-west-1', { spot: 1, on_demand: 0 }],
    ]);
    expect(decision.view).toMatchObject({ status: 'RUNNING', region: 'eu-west-1' });
  });

  it('defect 4: a teardown fences a launch that was requested but never taken', () => {
    const m = memory({
      next_intent: 2,
      regions: { 'us-west-2': request({ intent: 1, ready_at: null, sent_at: at(-10) }) },
    });
    const { decision } = cycle(
      observation({
        spec: spec({ enabled: false, teardown: true, generation: 2 }),
        status: {
          version: 1,
          generation: 1,
          orchestrator: null,
          view: cycle(observation()).decision.view,
          memory: m,
          observed_at: at(-10),
        },
      }),
    );
    expect(decision.actions).toMatchObject([
      {
        region: 'us-west-2',
        intent: 2,
        detail_type: 'Teardown Requested',
        desired: { spot: 0, on_demand: 0 },
      },
    ]);
    expect(decision.exit).toBe(false);
  });

  it('no region qualifies and no fallback: NOT_AVAILABLE with exponential backoff', () => {
    const excluded = ['us-east-1', 'us-west-2', 'eu-west-1'].map((region) => ({
      region,
      reason: 'InsufficientInstanceCapacity',
      until: at(3600),
    }));
    const strict = { ...config, onDemandFallback: false };
    const first = plan(
      observation({
        status: {
          version: 1,
          generation: 1,
          orchestrator: null,
          view: cycle(observation()).decision.view,
          memory: memory({ exclusions: excluded }),
          observed_at: at(-1),
        },
      }),
      strict,
    );
    expect(first.view.status).toBe('NOT_AVAILABLE');
    expect(first.next_look_seconds).toBe(30);
    const second = plan(
      observation({
        status: {
          version: 2,
          generation: 1,
          orchestrator: null,
          view: first.view,
          memory: first.memory,
          observed_at: at(0),
        },
      }),
      strict,
    );
    expect(second.next_look_seconds).toBe(60);
  });
});

describe('publicStatus', () => {
  const view = cycle(observation()).decision.view;
  const status = (generation: number, word: typeof view.status = 'RUNNING'): StatusItem => ({
    version: 1,
    generation,
    orchestrator: null,
    view: { ...view, status: word },
    memory: memory(),
    observed_at: at(-10),
  });

  it.each([
    {
      name: 'shows the Orchestrator view once it acted on the spec',
      spec: spec({ generation: 1 }),
      status: status(1),
      want: ['enabled', 'RUNNING'],
    },
    {
      name: 'an enable not acted on yet shows PROVISIONING',
      spec: spec({ generation: 2 }),
      status: status(1, 'DISABLED'),
      want: ['enabled', 'PROVISIONING'],
    },
    {
      name: 'a teardown not acted on yet shows TEARING_DOWN at once',
      spec: spec({ enabled: false, teardown: true, generation: 2 }),
      status: status(1),
      want: ['disabled', 'TEARING_DOWN'],
    },
    {
      name: 'a plain disable shows DISABLED at once',
      spec: spec({ enabled: false, generation: 2 }),
      status: status(1),
      want: ['disabled', 'DISABLED'],
    },
    { name: 'nothing stored yet: disabled', spec: null, status: null, want: ['disabled', 'DISABLED'] },
  ])('$name', ({ spec: s, status: st, want }) => {
    const out = publicStatus({ spec: s, status: st, now: NOW, config });
    expect([out.provisioning, out.status]).toEqual(want);
  });

  it('hides exclusions that expired since the Orchestrator wrote them', () => {
    const st = status(1);
    st.view.excluded_regions = [{ region: 'us-west-2', reason: 'x', until: at(-1) }];
    expect(publicStatus({ spec: spec(), status: st, now: NOW, config }).excluded_regions).toEqual([]);
  });
});
