/**
 * Act (run as the Orchestrator runs it: a `.waitForTaskToken` task) and the Backstop, against LocalCloud.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initialMemory, type Plan, type StatusItem } from '../../core/plan/index.ts';
import { makeHandler as makeAct } from '../../lambdas/act/index.ts';
import { backstop, wantsOrchestrator } from '../../lambdas/backstop/index.ts';
import { quietObservability } from './helpers.ts';
import { hubHarness } from './hub-harness.ts';

let h: Awaited<ReturnType<typeof hubHarness>>;
afterEach(async () => {
  await h?.close();
});

const view = {
  status: 'PROVISIONING' as const,
  region: null,
  instances: [],
  excluded_regions: [],
  replicas: { target: 1, spare: 0, ready: 0 },
  regions: [],
  last_move: null,
  endpoint: null,
  updated_at: '2026-11-24T10:00:00Z',
};
const launch = {
  kind: 'request' as const,
  region: 'us-west-2',
  intent: 1,
  desired: { spot: 1, on_demand: 0 },
  detail_type: 'Launch Requested' as const,
  why: 'launch',
};
const plan = (overrides: Partial<Plan> = {}): Plan => ({
  actions: [],
  memory: {
    ...initialMemory(),
    next_intent: 2,
    regions: {
      'us-west-2': {
        intent: 1,
        desired: { spot: 1, on_demand: 0 },
        since: '2026-11-24T10:00:00Z',
        sent_at: '2026-11-24T10:00:00Z',
        ready_at: null,
      },
    },
  },
  view,
  generation: 1,
  next_look_seconds: 20,
  exit: false,
  consumed: [],
  ...overrides,
});
const stored = (version: number): StatusItem => ({
  version,
  generation: 1,
  orchestrator: { execution: 'old', run: 1, cycle: 0 },
  view,
  memory: initialMemory(),
  observed_at: '2026-11-24T09:59:00Z',
});

/** Runs Act as a `.waitForTaskToken` task (as the Orchestrator does); returns the execution's end. */
async function runAct(
  decisionPlan: Plan,
  observed: { status_version: number | null; generation: number; wakes: number },
) {
  const hub = h.cloud.region('us-east-1');
  const bus: unknown[] = [];
  hub.events.createEventBus('sp-hub');
  await hub.events.putRule({
    Name: 'tap',
    EventBusName: 'sp-hub',
    EventPattern: JSON.stringify({ source: ['spotplane.hub'] }),
    State: 'ENABLED',
  });
  const tap = h.cloud.lambdas.register('us-east-1', 'sp-tap', async (event) => {
    bus.push(event);
    return {};
  });
  await hub.events.putTargets({ Rule: 'tap', EventBusName: 'sp-hub', Targets: [{ Id: 't', Arn: tap }] });
  const act = h.cloud.lambdas.register(
    'us-east-1',
    'sp-act',
    makeAct({ ...h.deps, observability: quietObservability(), sleep: (ms) => h.clock.sleep(ms) }) as never,
  );
  const { stateMachineArn } = await hub.sfn.createStateMachine({
    name: 'act-only',
    roleArn: 'arn:aws:iam::123456789012:role/a',
    definition: JSON.stringify({
      StartAt: 'Act',
      States: {
        Act: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            FunctionName: act,
            Payload: {
              'token.$': '$$.Task.Token',
              execution: 'e1',
              run: { epoch: 'x', n: 2, k: 0 },
              cycle: 3,
              'decision.$': '$.decision',
            },
          },
          TimeoutSecondsPath: '$.decision.plan.next_look_seconds',
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.woke', Next: 'Done' }],
          ResultPath: '$.woke',
          Next: 'Done',
        },
        Done: { Type: 'Pass', OutputPath: '$.woke', End: true },
      },
    }),
  });
  const { executionArn } = await hub.sfn.startExecution({
    stateMachineArn: stateMachineArn!,
    input: JSON.stringify({ decision: { plan: decisionPlan, observed } }),
  });
  const end = async () => {
    await h.clock.runUntil(() => hub.sfn.runtime.executions().every((e) => e.status !== 'RUNNING'), 3600_000);
    return hub.sfn.describeExecution({ executionArn }) as Promise<{
      status: string;
      output?: string;
      error?: string;
    }>;
  };
  return { end, bus };
}

describe('Act', () => {
  it('writes the status over the observed version, sends the requests, then waits for the next look', async () => {
    h = await hubHarness();
    await h.table.writeStatus(stored(4), null);
    const { end, bus } = await runAct(plan({ actions: [launch] }), {
      status_version: 4,
      generation: 1,
      wakes: 0,
    });
    await h.clock.settle();
    expect(await h.table.status()).toMatchObject({
      version: 5,
      orchestrator: { execution: 'e1', run: 2, cycle: 3 },
    });
    expect((await h.table.snapshot()).token).toEqual(expect.any(String));
    const out = await end();
    expect(out).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(out.output ?? '{}').Error).toBe('States.Timeout');
    expect(h.clock.now().toISOString()).toBe('2026-11-24T10:00:20.000Z');
    expect(bus).toMatchObject([
      {
        'detail-type': 'Launch Requested',
        detail: {
          prefix: 'sp',
          target_region: 'us-west-2',
          intent: 1,
          desired: { spot: 1, on_demand: 0 },
          capacity: 1,
          lifecycle: 'spot',
        },
      },
    ]);
  });

  it('fails Superseded, sending nothing, when another Orchestrator wrote the status first', async () => {
    h = await hubHarness();
    await h.table.writeStatus(stored(5), null);
    const { end, bus } = await runAct(plan({ actions: [launch] }), {
      status_version: 4,
      generation: 1,
      wakes: 0,
    });
    expect(await end()).toMatchObject({ status: 'FAILED', error: 'Superseded' });
    expect(bus).toEqual([]);
  });

  it('fails Superseded when a later run wrote the status, even over the version it observed', async () => {
    h = await hubHarness();
    await h.table.writeStatus({ ...stored(4), orchestrator: { execution: 'later', run: 3, cycle: 0 } }, null);
    const { end, bus } = await runAct(plan({ actions: [launch] }), {
      status_version: 4,
      generation: 1,
      wakes: 0,
    });
    expect(await end()).toMatchObject({ status: 'FAILED', error: 'Superseded' });
    expect(bus).toEqual([]);
  });

  it('answers its own wait at once when a wake came in after Observe', async () => {
    h = await hubHarness();
    await h.table.wake();
    const { end } = await runAct(plan(), { status_version: null, generation: 1, wakes: 0 });
    const out = await end();
    expect(JSON.parse(out.output ?? '{}')).toEqual({ woke: 'pending' });
    expect(h.clock.now().toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('exits with orchestrator null, unless a toggle landed after Observe', async () => {
    h = await hubHarness();
    await h.table.writeSpec(() => ({ enabled: false, teardown: true, generation: 2, updated_at: 'x' }));
    const stale = await runAct(plan({ exit: true, generation: 1 }), {
      status_version: null,
      generation: 1,
      wakes: 0,
    });
    expect(JSON.parse((await stale.end()).output ?? '{}')).toEqual({ woke: 'spec-changed' });
    expect(await h.table.status()).toBeNull();
  });

  it('exits when the spec is still the one it observed', async () => {
    h = await hubHarness();
    await h.table.writeSpec(() => ({ enabled: false, teardown: true, generation: 2, updated_at: 'x' }));
    const { end } = await runAct(plan({ exit: true, generation: 2 }), {
      status_version: null,
      generation: 2,
      wakes: 0,
    });
    expect(JSON.parse((await end()).output ?? '{}')).toEqual({ exit: true });
    expect((await h.table.status())?.orchestrator).toBeNull();
  });

  it('marks requests EventBridge refused (after its retries) as unsent, so the next cycle sends them again', async () => {
    h = await hubHarness();
    h.cloud.injectFault({ service: 'eventbridge', action: 'PutEvents', error: 'FailedEntry', times: 4 });
    const { end, bus } = await runAct(plan({ actions: [launch] }), {
      status_version: null,
      generation: 1,
      wakes: 0,
    });
    await end();
    expect(bus).toEqual([]);
    expect(await h.table.status()).toMatchObject({
      version: 2,
      memory: { regions: { 'us-west-2': { intent: 1, sent_at: null } } },
    });
  });

  it('deletes the signals it absorbed with the status write', async () => {
    h = await hubHarness();
    await h.table.putSignal({
      id: 'signal#a',
      kind: 'launch-succeeded',
      region: 'us-west-2',
      intent: 1,
      instance_id: null,
      reason: null,
      at: 'x',
    });
    const { end } = await runAct(plan({ consumed: ['signal#a'] }), {
      status_version: null,
      generation: 1,
      wakes: 0,
    });
    await end();
    expect((await h.table.snapshot()).signals).toEqual([]);
  });
});

describe('Backstop', () => {
  const spec = (enabled: boolean, teardown = false, generation = 1) => ({
    enabled,
    teardown,
    generation,
    updated_at: 'x',
  });
  it.each([
    { name: 'nothing ever enabled', spec: null, status: null, want: false },
    { name: 'enabled', spec: spec(true), status: null, want: true },
    { name: 'a teardown nobody acted on', spec: spec(false, true), status: null, want: true },
    {
      name: 'a spec newer than the status',
      spec: spec(false, false, 3),
      status: { ...stored(1), orchestrator: null },
      want: true,
    },
    {
      name: 'disabled, and the Orchestrator exited',
      spec: spec(false),
      status: { ...stored(1), orchestrator: null },
      want: false,
    },
    {
      name: 'disabled, capacity left running (a run still observes)',
      spec: spec(false),
      status: stored(1),
      want: true,
    },
  ])('wants an Orchestrator: $name -> $want', ({ spec: s, status, want }) => {
    expect(wantsOrchestrator(s, status)).toBe(want);
  });

  it('starts a run when one is wanted and none runs, and only then', async () => {
    h = await hubHarness();
    expect(await backstop(h.deps)).toEqual({ checked: 'not wanted' });
    await h.table.writeSpec(() => spec(true));
    expect(await backstop(h.deps)).toMatchObject({ started: expect.stringContaining('20261124T1000-r1-0') });
    await h.clock.settle();
    expect(await backstop(h.deps)).toMatchObject({ running: expect.stringContaining('r1-0') });
    expect(h.executions()).toHaveLength(1);
  });
});
