/**
 * The Orchestrator file only sequences: Observe -> Plan -> Act (which waits for a wake or the planned look)
 * -> Loop -> Count, pausing after a failed step and continuing as a new execution after MaxCycles. Here its
 * Lambdas are stand-ins on the local runtime and virtual clock, so only the sequencing is under test (the
 * real handlers run in test/local/).
 */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { LocalStepFunctions, type TaskCall } from '../../emulator/sfn/runtime.ts';
import { hubFunctions, loadOrchestrator } from './support/substitutions.ts';

type ActAnswer = 'timeout' | 'wake' | 'exit' | 'superseded' | 'crash';

function world(
  opts: {
    maxCycles?: number;
    act?: (cycle: number) => ActAnswer;
    observe?: (cycle: number) => 'ok' | 'crash';
  } = {},
) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const calls: { fn: string; payload: Record<string, unknown>; at: string }[] = [];
  const started: Record<string, unknown>[] = [];
  let sfn: LocalStepFunctions;
  const crash = (name: string) => Object.assign(new Error(`${name} failed`), { name });
  const dispatch = async (call: TaskCall) => {
    const input = call.input as Record<string, unknown>;
    if (call.resource === 'arn:aws:states:::states:startExecution') {
      started.push(input);
      return { ExecutionArn: 'arn:next', StartDate: clock.now().toISOString() };
    }
    const fn = String(input.FunctionName);
    const payload = input.Payload as Record<string, unknown>;
    calls.push({ fn, payload, at: clock.now().toISOString() });
    const cycle = Number(payload.cycle ?? -1);
    if (fn === hubFunctions.observe) {
      if (opts.observe?.(cycle) === 'crash') throw crash('Lambda.Unknown');
      return { Payload: { observed: cycle }, StatusCode: 200 };
    }
    if (fn === hubFunctions.plan)
      return { Payload: { plan: { next_look_seconds: 120 }, observed: { wakes: 0 } }, StatusCode: 200 };
    const answer = opts.act?.(cycle) ?? 'timeout';
    if (answer === 'superseded') throw crash('Superseded');
    if (answer === 'crash') throw crash('ActInputError');
    if (answer === 'wake')
      sfn.sendTaskSuccess({ taskToken: call.taskToken!, output: JSON.stringify({ woke: 'signal' }) });
    if (answer === 'exit')
      sfn.sendTaskSuccess({ taskToken: call.taskToken!, output: JSON.stringify({ exit: true }) });
    return { Payload: { outcome: 'waiting' }, StatusCode: 200 };
  };
  sfn = new LocalStepFunctions({ region: 'us-east-1', accountId: '123456789012', clock, dispatch });
  const { stateMachineArn } = sfn.createStateMachine(
    'spotplane-orchestrator',
    loadOrchestrator({ maxCycles: opts.maxCycles ?? 500 }),
  );
  const { executionArn } = sfn.startExecution({
    stateMachineArn,
    name: '20261124T1000-r3-0',
    input: JSON.stringify({ run: { epoch: '20261124T1000', n: 3, k: 0 }, cycle: 0 }),
  });
  const status = () => sfn.describeExecution({ executionArn });
  const history = () => sfn.executions().find((e) => e.executionArn === executionArn)!.events;
  const of = (fn: string) => calls.filter((c) => c.fn === fn);
  return { clock, sfn, calls, started, status, history, of };
}

describe('Orchestrator (sequencing)', () => {
  it("runs Observe, Plan and Act in order, hands each the previous step's result, and counts the cycle", async () => {
    const w = world({ act: (cycle) => (cycle === 0 ? 'wake' : 'timeout') });
    await w.clock.runUntil(() => w.of(hubFunctions.observe).length === 2, 60_000);
    expect(w.calls.slice(0, 4).map((c) => [c.fn.split('-').pop(), c.payload.cycle])).toEqual([
      ['observe', 0],
      ['plan', undefined],
      ['act', 0],
      ['observe', 1],
    ]);
    expect(w.of(hubFunctions.plan)[0]!.payload.observation).toEqual({ observed: 0 });
    expect(w.of(hubFunctions.act)[0]!.payload).toMatchObject({
      token: expect.any(String),
      execution: expect.stringContaining(':20261124T1000-r3-0'),
      run: { epoch: '20261124T1000', n: 3, k: 0 },
      decision: { plan: { next_look_seconds: 120 }, observed: { wakes: 0 } },
    });
  });

  it('waits in Act for the next look the plan chose, then starts the next cycle', async () => {
    const w = world();
    await w.clock.runUntil(() => w.of(hubFunctions.observe).length === 3, 3600_000);
    expect(w.of(hubFunctions.observe).map((c) => c.at)).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:02:00.000Z',
      '2026-11-24T10:04:00.000Z',
    ]);
  });

  it('ends when Act says exit, and when another Orchestrator superseded it', async () => {
    for (const answer of ['exit', 'superseded'] as const) {
      const w = world({ act: () => answer });
      await w.clock.runUntil(() => w.status().status !== 'RUNNING', 60_000);
      const last = w
        .history()
        .filter((e) => e.type === 'SucceedStateEntered')
        .pop();
      expect(w.status().status).toBe('SUCCEEDED');
      expect(last?.stateName).toBe(answer === 'exit' ? 'Done' : 'Superseded');
    }
  });

  it('pauses 30 s after a failed step and carries on with the next cycle', async () => {
    const w = world({ observe: (cycle) => (cycle === 0 ? 'crash' : 'ok') });
    await w.clock.runUntil(() => w.of(hubFunctions.plan).length === 1, 3600_000);
    expect(w.of(hubFunctions.observe).map((c) => [c.payload.cycle, c.at])).toEqual([
      [0, '2026-11-24T10:00:00.000Z'],
      [1, '2026-11-24T10:00:30.000Z'],
    ]);
    const wAct = world({ act: (cycle) => (cycle === 0 ? 'crash' : 'exit') });
    await wAct.clock.runUntil(() => wAct.status().status !== 'RUNNING', 3600_000);
    expect(wAct.of(hubFunctions.observe).map((c) => c.at)).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:00:30.000Z',
    ]);
  });

  it('continues as a new execution of the same run after MaxCycles, named deterministically', async () => {
    const w = world({ maxCycles: 3, act: () => 'wake' });
    await w.clock.runUntil(() => w.status().status !== 'RUNNING', 3600_000);
    expect(w.of(hubFunctions.observe)).toHaveLength(4);
    expect(w.started).toEqual([
      {
        StateMachineArn: expect.stringContaining(':stateMachine:spotplane-orchestrator'),
        Name: '20261124T1000-r3-1',
        Input: {
          run: { epoch: '20261124T1000', n: 3, k: 1 },
          cycle: 0,
          AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: expect.stringContaining(':20261124T1000-r3-0'),
        },
      },
    ]);
    expect(
      w
        .history()
        .filter((e) => e.type === 'SucceedStateEntered')
        .pop()?.stateName,
    ).toBe('Continued');
  });

  it('writes about 20 history events per cycle, so 500 cycles stay far inside the 25,000-event limit', async () => {
    const w = world();
    await w.clock.runUntil(() => w.of(hubFunctions.observe).length === 11, 3600_000);
    const perCycle = w.history().length / 10;
    expect(perCycle).toBeLessThanOrEqual(25);
    expect(perCycle * 500).toBeLessThan(25_000);
  });
});
