import { describe, expect, it } from 'vitest';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import {
  type HistoryEvent,
  LocalStepFunctions,
  type TaskCall,
  type TaskDispatcher,
  TaskError,
} from '../../emulator/sfn/runtime.ts';

const CALLBACK = 'arn:aws:states:::events:putEvents.waitForTaskToken';
const INVOKE = 'arn:aws:states:::lambda:invoke';

interface Harness {
  clock: VirtualClock;
  sfn: LocalStepFunctions;
  calls: TaskCall[];
  run(definition: object, input?: unknown): Promise<{ executionArn: string }>;
  finish(executionArn: string, maxMs?: number): Promise<ReturnType<LocalStepFunctions['describeExecution']>>;
  history(executionArn: string): HistoryEvent[];
}

function harness(
  answer: TaskDispatcher = async (call) => ({ from: call.stateName }),
  keepClosedHistory?: boolean,
): Harness {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const calls: TaskCall[] = [];
  const sfn = new LocalStepFunctions({
    region: 'eu-west-1',
    accountId: '123456789012',
    clock,
    ...(keepClosedHistory === undefined ? {} : { keepClosedHistory }),
    dispatch: (call) => {
      calls.push(call);
      return answer(call);
    },
  });
  let n = 0;
  const h: Harness = {
    clock,
    sfn,
    calls,
    run: async (definition, input = {}) => {
      const { stateMachineArn } = sfn.createStateMachine(`machine-${++n}`, definition);
      const started = sfn.startExecution({ stateMachineArn, input: JSON.stringify(input) });
      await clock.settle();
      return started;
    },
    finish: async (executionArn, maxMs = 365 * 86_400_000) => {
      await clock.runUntil(() => sfn.describeExecution({ executionArn }).status !== 'RUNNING', maxMs);
      return sfn.describeExecution({ executionArn });
    },
    history: (executionArn) =>
      sfn
        .executions()
        .find((e) => e.executionArn === executionArn)!
        .events.slice(),
  };
  return h;
}

const types = (events: HistoryEvent[]) =>
  events.map((e) => (e.stateName ? `${e.type}:${e.stateName}` : e.type));
const at = (events: HistoryEvent[], type: string, stateName?: string) =>
  events
    .filter((e) => e.type === type && (stateName === undefined || e.stateName === stateName))
    .map((e) => e.timestamp.toISOString());

const failing = (name: string, message = 'boom') => Object.assign(new Error(message), { name });

describe('LocalStepFunctions', () => {
  describe('executions', () => {
    it('bills a closed execution the same whether it keeps its history or drops it', async () => {
      const definition = {
        StartAt: 'Call',
        States: {
          Call: { Type: 'Task', Resource: INVOKE, Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 30, Next: 'Again' },
          Again: { Type: 'Task', Resource: INVOKE, End: true },
        },
      };
      const kept = harness(undefined, true);
      const dropped = harness(undefined, false);
      const runs = [];
      for (const h of [kept, dropped]) {
        const { executionArn } = await h.run(definition, { n: 1 });
        // A running execution is billed as it goes: Call and Pause entered, Again not yet.
        expect(h.sfn.bill().stateTransitions).toBe(2);
        runs.push({ h, executionArn, described: await h.finish(executionArn) });
      }
      const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(b.described.status).toBe('SUCCEEDED');
      expect(b.described.output).toBe(a.described.output);
      expect(a.h.history(a.executionArn).length).toBeGreaterThan(6);
      expect(b.h.history(b.executionArn)).toEqual([]);
      // Entered Call, Pause, Again; the log counts every event with its data.
      expect(b.h.sfn.bill()).toEqual(a.h.sfn.bill());
      expect(a.h.sfn.bill()).toEqual({
        stateTransitions: 3,
        logBytes: a.h.history(a.executionArn).reduce((n, e) => n + JSON.stringify(e).length, 0),
      });
    });

    it('runs a machine to SUCCEEDED and records AWS-named history events in order', async () => {
      const h = harness();
      const { executionArn } = await h.run(
        {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: { 'Payload.$': '$' },
              ResultPath: '$.result',
              Next: 'Pick',
            },
            Pick: {
              Type: 'Choice',
              Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Done' }],
              Default: 'Stop',
            },
            Done: { Type: 'Pass', Result: 'ok', ResultPath: '$.status', End: true },
            Stop: { Type: 'Fail', Error: 'NoGo' },
          },
        },
        { go: true },
      );
      const described = await h.finish(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ go: true, result: { from: 'Call' }, status: 'ok' });
      expect(types(h.history(executionArn))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered:Call',
        'TaskScheduled:Call',
        'TaskStarted:Call',
        'TaskSucceeded:Call',
        'TaskStateExited:Call',
        'ChoiceStateEntered:Pick',
        'ChoiceStateExited:Pick',
        'PassStateEntered:Done',
        'PassStateExited:Done',
        'ExecutionSucceeded',
      ]);
      expect(h.calls[0]).toMatchObject({
        resource: INVOKE,
        stateName: 'Call',
        input: { Payload: { go: true } },
        executionArn,
        region: 'eu-west-1',
      });
    });

    it('ends FAILED with the error and cause of a Fail state or an uncaught task error', async () => {
      const h = harness(async () => {
        throw failing('Ecs.InvalidParameterException', 'bad cluster');
      });
      const viaFail = await h.run({
        StartAt: 'F',
        States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'because' } },
      });
      const viaTask = await h.run({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: INVOKE, End: true } },
      });
      expect(await h.finish(viaFail.executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'Nope',
        cause: 'because',
      });
      expect(await h.finish(viaTask.executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'Ecs.InvalidParameterException',
        cause: 'bad cluster',
      });
      expect(types(h.history(viaTask.executionArn)).slice(-2)).toEqual(['TaskFailed:T', 'ExecutionFailed']);
    });

    it('dispatches the Task states inside Map iterations and Parallel branches', async () => {
      const h = harness(async (call) => ({ state: call.stateName, input: call.input }));
      const { executionArn } = await h.run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: {
                StartAt: 'PerItem',
                States: { PerItem: { Type: 'Task', Resource: INVOKE, End: true } },
              },
              ResultPath: '$.mapped',
              Next: 'Both',
            },
            Both: {
              Type: 'Parallel',
              Branches: [
                { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: INVOKE, End: true } } },
                { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: INVOKE, End: true } } },
              ],
              ResultPath: '$.branches',
              End: true,
            },
          },
        },
        { items: [1, 2, 3] },
      );
      expect((await h.finish(executionArn)).status).toBe('SUCCEEDED');
      expect(h.calls.map((c) => c.stateName).sort()).toEqual([
        'Left',
        'PerItem',
        'PerItem',
        'PerItem',
        'Right',
      ]);
      const events = h.history(executionArn);
      expect(events.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.index)).toHaveLength(3);
      expect(events.filter((e) => e.type === 'TaskSucceeded' && e.stateName === 'PerItem')).toHaveLength(3);
    });

    it('evaluates type tests given false and falsy Pass results as AWS does', async () => {
      const h = harness();
      const { executionArn } = await h.run(
        {
          StartAt: 'Zero',
          States: {
            Zero: { Type: 'Pass', Result: 0, ResultPath: '$.zero', Next: 'Nothing' },
            Nothing: { Type: 'Pass', Result: null, ResultPath: '$.nothing', Next: 'Check' },
            Check: {
              Type: 'Choice',
              Choices: [
                {
                  And: [
                    { Variable: '$.value', IsNull: false },
                    { Variable: '$.missing', IsPresent: false },
                    { Not: { Variable: '$.value', IsString: false } },
                  ],
                  Next: 'Right',
                },
              ],
              Default: 'Wrong',
            },
            Right: { Type: 'Succeed' },
            Wrong: { Type: 'Fail', Error: 'WrongBranch' },
          },
        },
        { value: 'x' },
      );
      const described = await h.finish(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ value: 'x', zero: 0, nothing: null });
      expect(types(h.history(executionArn))).toContain('PassStateEntered:Zero');
    });

    it('passes $$.Execution.Id and a StartTime taken from the clock', async () => {
      const h = harness();
      const { executionArn } = await h.run({
        StartAt: 'P',
        States: {
          P: {
            Type: 'Pass',
            Parameters: {
              'id.$': '$$.Execution.Id',
              'start.$': '$$.Execution.StartTime',
              'sm.$': '$$.StateMachine.Id',
            },
            End: true,
          },
        },
      });
      const out = JSON.parse((await h.finish(executionArn)).output!);
      expect(out).toEqual({
        id: executionArn,
        start: '2026-11-24T10:00:00.000Z',
        sm: 'arn:aws:states:eu-west-1:123456789012:stateMachine:machine-1',
      });
    });
  });

  describe('event times', () => {
    it('never go backwards when the history log is read after the clock moved (a scaled clock in npm start)', async () => {
      // A clock that moves on every reading, as the scaled clock of `npm start` does between the moment a
      // task reports and the moment the interpreter's event log is read.
      const base = virtualClock('2026-11-24T10:00:00Z');
      let ticks = 0;
      const clock = { ...base, now: () => new Date(base.now().getTime() + 1000 * ticks++) };
      const sfn = new LocalStepFunctions({
        region: 'eu-west-1',
        accountId: '123456789012',
        clock,
        dispatch: async (call) => ({ from: call.stateName }),
      });
      const { stateMachineArn } = sfn.createStateMachine('ticking', {
        StartAt: 'First',
        States: {
          First: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { 'Payload.$': '$' },
            ResultPath: '$.a',
            Next: 'Pick',
          },
          Pick: {
            Type: 'Choice',
            Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Second' }],
            Default: 'Second',
          },
          Second: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { 'Payload.$': '$' },
            ResultPath: '$.b',
            End: true,
          },
        },
      });
      const { executionArn } = sfn.startExecution({ stateMachineArn, input: JSON.stringify({ go: true }) });
      await base.runUntil(() => sfn.describeExecution({ executionArn }).status !== 'RUNNING', 60_000);

      const events = sfn
        .executions()
        .find((e) => e.executionArn === executionArn)!
        .events.slice();
      expect(types(events)).toContain('TaskSucceeded:Second');
      const times = events.map((e) => e.timestamp.getTime());
      const backwards = times.flatMap((t, i) => (i > 0 && t < times[i - 1]! ? [types(events)[i]] : []));
      expect(backwards).toEqual([]);
    });
  });

  describe('waiting on the clock', () => {
    it('runs Wait states for Seconds, SecondsPath, Timestamp and TimestampPath on the clock', async () => {
      const h = harness();
      const { executionArn } = await h.run(
        {
          StartAt: 'Fixed',
          States: {
            Fixed: { Type: 'Wait', Seconds: 60, Next: 'FromPath' },
            FromPath: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Until' },
            Until: { Type: 'Wait', Timestamp: '2026-11-24T12:00:00Z', Next: 'UntilPath' },
            UntilPath: { Type: 'Wait', TimestampPath: '$.at', End: true },
          },
        },
        { delay: 3600, at: '2026-11-25T00:00:00Z' },
      );
      const described = await h.finish(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ delay: 3600, at: '2026-11-25T00:00:00Z' });
      const events = h.history(executionArn);
      expect(at(events, 'WaitStateExited')).toEqual([
        '2026-11-24T10:01:00.000Z',
        '2026-11-24T11:01:00.000Z',
        '2026-11-24T12:00:00.000Z',
        '2026-11-25T00:00:00.000Z',
      ]);
      expect(types(events)).toContain('WaitStateEntered:Fixed');
      expect(h.calls).toHaveLength(0);
    });

    it('times a task out after TimeoutSeconds with States.Timeout', async () => {
      const h = harness(() => new Promise(() => {}));
      const { executionArn } = await h.run({
        StartAt: 'Slow',
        States: { Slow: { Type: 'Task', Resource: INVOKE, TimeoutSeconds: 300, End: true } },
      });
      expect(await h.finish(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      const events = h.history(executionArn);
      expect(at(events, 'TaskTimedOut', 'Slow')).toEqual(['2026-11-24T10:05:00.000Z']);
      expect(h.calls[0]!.signal.aborted).toBe(true);
    });

    it('takes the timeout from TimeoutSecondsPath in the input, on the clock, and passes the input on unchanged', async () => {
      const h = harness(() => new Promise(() => {}));
      const withParameters = await h.run(
        {
          StartAt: 'Slow',
          States: {
            Slow: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: { 'Payload.$': '$.payload' },
              TimeoutSecondsPath: '$.plan.look',
              End: true,
            },
          },
        },
        { plan: { look: 42 }, payload: { a: 1 } },
      );
      const withoutParameters = await h.run(
        {
          StartAt: 'Slow',
          States: { Slow: { Type: 'Task', Resource: INVOKE, TimeoutSecondsPath: '$.look', End: true } },
        },
        { look: 7, b: 2 },
      );
      expect(await h.finish(withoutParameters.executionArn)).toMatchObject({ error: 'States.Timeout' });
      expect(await h.finish(withParameters.executionArn)).toMatchObject({ error: 'States.Timeout' });
      expect(at(h.history(withParameters.executionArn), 'TaskTimedOut', 'Slow')).toEqual([
        '2026-11-24T10:00:42.000Z',
      ]);
      expect(at(h.history(withoutParameters.executionArn), 'TaskTimedOut', 'Slow')).toEqual([
        '2026-11-24T10:00:07.000Z',
      ]);
      expect(h.calls.map((c) => c.input)).toEqual([{ Payload: { a: 1 } }, { look: 7, b: 2 }]);
    });

    it('takes HeartbeatSecondsPath from the input, and fails the execution when a path selects no positive integer', async () => {
      const h = harness(() => new Promise(() => {}));
      const callback = (input: object) =>
        h.run(
          {
            StartAt: 'Ask',
            States: {
              Ask: {
                Type: 'Task',
                Resource: CALLBACK,
                Parameters: { 'Entries.$': '$.entries' },
                TimeoutSeconds: 900,
                HeartbeatSecondsPath: '$.beat',
                End: true,
              },
            },
          },
          input,
        );
      const beating = await callback({ beat: 30, entries: [] });
      const bad = await callback({ beat: 0, entries: [] });
      expect(await h.finish(beating.executionArn)).toMatchObject({ error: 'States.HeartbeatTimeout' });
      expect(at(h.history(beating.executionArn), 'TaskTimedOut', 'Ask')).toEqual([
        '2026-11-24T10:00:30.000Z',
      ]);
      expect(await h.finish(bad.executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: expect.stringContaining('HeartbeatSecondsPath must select a positive integer (got 0)'),
      });
    });

    it('lets a Timeout catcher take a timeout even after a States.TaskFailed catcher, as AWS does', async () => {
      const h = harness(() => new Promise(() => {}));
      const { executionArn } = await h.run({
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: INVOKE,
            TimeoutSeconds: 10,
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
            ],
            End: true,
          },
          Failed: { Type: 'Fail', Error: 'WrongCatcher' },
          TimedOut: { Type: 'Pass', End: true },
        },
      });
      const described = await h.finish(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!).error.Error).toBe('States.Timeout');
    });

    it('does not let States.TaskFailed catch a timeout when no catcher names it', async () => {
      const h = harness(() => new Promise(() => {}));
      const { executionArn } = await h.run({
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: INVOKE,
            TimeoutSeconds: 10,
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Failed' }],
            End: true,
          },
          Failed: { Type: 'Succeed' },
        },
      });
      expect(await h.finish(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    });

    it('retries with IntervalSeconds, BackoffRate and MaxDelaySeconds on the clock, then catches', async () => {
      const h = harness(async () => {
        throw failing('Lambda.TooManyRequestsException');
      });
      const { executionArn } = await h.run({
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: INVOKE,
            Retry: [
              { ErrorEquals: ['Other'], MaxAttempts: 5 },
              {
                ErrorEquals: ['States.TaskFailed'],
                IntervalSeconds: 10,
                BackoffRate: 3,
                MaxDelaySeconds: 60,
                MaxAttempts: 4,
              },
            ],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      });
      const described = await h.finish(executionArn);
      expect(JSON.parse(described.output!).error.Error).toBe('Lambda.TooManyRequestsException');
      // 10 s, 30 s, then 90 s capped at 60 s twice.
      expect(at(h.history(executionArn), 'TaskScheduled', 'Flaky')).toEqual([
        '2026-11-24T10:00:00.000Z',
        '2026-11-24T10:00:10.000Z',
        '2026-11-24T10:00:40.000Z',
        '2026-11-24T10:01:40.000Z',
        '2026-11-24T10:02:40.000Z',
      ]);
    });

    it('retries a Map state on the clock, with its iterations in the history', async () => {
      let calls = 0;
      const h = harness(async () => {
        calls += 1;
        if (calls <= 2) throw failing('Flaky');
        return 'ok';
      });
      const { executionArn } = await h.run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: {
                StartAt: 'One',
                States: { One: { Type: 'Task', Resource: INVOKE, End: true } },
              },
              Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 3 }],
              Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Gave up' }],
              ResultPath: '$.results',
              Next: 'Done',
            },
            Done: { Type: 'Succeed' },
            'Gave up': { Type: 'Fail', Error: 'GaveUp' },
          },
        },
        { items: [1] },
      );
      const described = await h.finish(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ items: [1], results: ['ok'] });
      const events = h.history(executionArn);
      expect(at(events, 'TaskScheduled', 'One')).toEqual([
        '2026-11-24T10:00:00.000Z',
        '2026-11-24T10:00:10.000Z',
        '2026-11-24T10:00:30.000Z',
      ]);
      expect(types(events).filter((t) => t === 'MapStateEntered:Each')).toHaveLength(1);
      expect(types(events).filter((t) => t === 'MapIterationStarted:Each')).toHaveLength(3);
      expect(types(events).slice(-4)).toEqual([
        'MapStateExited:Each',
        'SucceedStateEntered:Done',
        'SucceedStateExited:Done',
        'ExecutionSucceeded',
      ]);
    });

    it('hands a Map to its Catch once its retries are spent', async () => {
      const h = harness(async () => {
        throw failing('Flaky');
      });
      const { executionArn } = await h.run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemProcessor: {
                StartAt: 'One',
                States: { One: { Type: 'Task', Resource: INVOKE, End: true } },
              },
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 2 }],
              Catch: [{ ErrorEquals: ['Flaky'], Next: 'Gave up' }],
              End: true,
            },
            'Gave up': { Type: 'Fail', Error: 'GaveUp' },
          },
        },
        [1, 2],
      );
      expect(await h.finish(executionArn)).toMatchObject({ status: 'FAILED', error: 'GaveUp' });
      expect(h.calls.length).toBeGreaterThanOrEqual(3);
      expect(at(h.history(executionArn), 'FailStateEntered', 'Gave up')).toEqual([
        '2026-11-24T10:00:30.000Z',
      ]);
    });

    it('stops the execution after its own TimeoutSeconds with TIMED_OUT', async () => {
      const h = harness();
      const { executionArn } = await h.run({
        TimeoutSeconds: 120,
        StartAt: 'Long',
        States: { Long: { Type: 'Wait', Seconds: 3600, End: true } },
      });
      const described = await h.finish(executionArn);
      expect(described.status).toBe('TIMED_OUT');
      expect(described.stopDate!.toISOString()).toBe('2026-11-24T10:02:00.000Z');
      expect(types(h.history(executionArn)).at(-1)).toBe('ExecutionTimedOut');
      expect(h.clock.pendingTimers()).toBe(0);
    });

    it('drives a month-long execution on a virtual clock', async () => {
      const h = harness();
      const { executionArn } = await h.run({
        StartAt: 'Init',
        States: {
          Init: { Type: 'Pass', Parameters: { n: 0 }, Next: 'Day' },
          Day: { Type: 'Wait', Seconds: 86_400, Next: 'Count' },
          Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Enough' },
          Enough: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericLessThan: 30, Next: 'Day' }],
            Default: 'End',
          },
          End: { Type: 'Succeed' },
        },
      });
      const described = await h.finish(executionArn);
      expect(described).toMatchObject({ status: 'SUCCEEDED' });
      expect(JSON.parse(described.output!)).toEqual({ n: 30 });
      expect(described.stopDate!.toISOString()).toBe('2026-12-24T10:00:00.000Z');
    });
  });

  describe('callback tasks (.waitForTaskToken)', () => {
    const callbackMachine = {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: CALLBACK,
          Parameters: {
            Entries: [
              {
                Detail: {
                  'task_token.$': '$$.Task.Token',
                  'note.$': "States.Format('token {}', $$.Task.Token)",
                },
              },
            ],
          },
          TimeoutSeconds: 900,
          HeartbeatSeconds: 300,
          Catch: [{ ErrorEquals: ['LaunchFailed'], ResultPath: '$.error', Next: 'Failed' }],
          ResultPath: '$.answer',
          End: true,
        },
        Failed: { Type: 'Pass', End: true },
      },
    };
    const tokenOf = (call: TaskCall) => call.taskToken!;

    it('mints a unique token per task, puts it in the input and waits for SendTaskSuccess', async () => {
      const h = harness(async () => ({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 }));
      const first = await h.run(callbackMachine);
      const second = await h.run(callbackMachine);
      const [a, b] = h.calls;
      expect(tokenOf(a!)).not.toBe(tokenOf(b!));
      expect(a!.input).toEqual({
        Entries: [{ Detail: { task_token: tokenOf(a!), note: `token ${tokenOf(a!)}` } }],
      });
      await h.clock.advance(60_000);
      expect(h.sfn.describeExecution(first).status).toBe('RUNNING');
      h.sfn.sendTaskSuccess({ taskToken: tokenOf(a!), output: '{"region":"us-west-2"}' });
      const described = await h.finish(first.executionArn);
      expect(JSON.parse(described.output!)).toEqual({ answer: { region: 'us-west-2' } });
      expect(types(h.history(first.executionArn))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered:Ask',
        'TaskScheduled:Ask',
        'TaskStarted:Ask',
        'TaskSubmitted:Ask',
        'TaskSucceeded:Ask',
        'TaskStateExited:Ask',
        'ExecutionSucceeded',
      ]);
      expect(h.sfn.describeExecution(second).status).toBe('RUNNING');
      h.sfn.close();
    });

    it('mints a different token for each Map iteration', async () => {
      const h = harness();
      const { executionArn } = await h.run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.regions',
              ItemProcessor: {
                StartAt: 'AskOne',
                States: {
                  AskOne: {
                    Type: 'Task',
                    Resource: CALLBACK,
                    Parameters: { 't.$': '$$.Task.Token' },
                    TimeoutSeconds: 60,
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
        { regions: ['a', 'b'] },
      );
      expect(new Set(h.calls.map(tokenOf)).size).toBe(2);
      for (const [i, call] of h.calls.entries())
        h.sfn.sendTaskSuccess({ taskToken: tokenOf(call), output: String(i) });
      expect((await h.finish(executionArn)).status).toBe('SUCCEEDED');
    });

    it('fails the task with the SendTaskFailure error, so Catch matches it', async () => {
      const h = harness();
      const { executionArn } = await h.run(callbackMachine);
      h.sfn.sendTaskFailure({
        taskToken: tokenOf(h.calls[0]!),
        error: 'LaunchFailed',
        cause: 'InsufficientInstanceCapacity',
      });
      const out = JSON.parse((await h.finish(executionArn)).output!);
      expect(out.error).toEqual({ Error: 'LaunchFailed', Cause: 'InsufficientInstanceCapacity' });
      expect(h.history(executionArn).find((e) => e.type === 'TaskFailed')).toMatchObject({
        error: 'LaunchFailed',
      });
    });

    it('takes a success that arrives while the dispatcher is still answering', async () => {
      const h = harness();
      const quick = new LocalStepFunctions({
        region: 'eu-west-1',
        clock: h.clock,
        dispatch: async (call) => {
          quick.sendTaskSuccess({ taskToken: call.taskToken!, output: '"early"' });
          return {};
        },
      });
      const { stateMachineArn } = quick.createStateMachine('quick', callbackMachine);
      const { executionArn } = quick.startExecution({ stateMachineArn });
      await h.clock.runUntil(() => quick.describeExecution({ executionArn }).status !== 'RUNNING', 1000);
      expect(JSON.parse(quick.describeExecution({ executionArn }).output!)).toEqual({ answer: 'early' });
    });

    it('fails with States.HeartbeatTimeout when heartbeats stop, and each heartbeat restarts the wait', async () => {
      const h = harness();
      const { executionArn } = await h.run(callbackMachine);
      const token = tokenOf(h.calls[0]!);
      await h.clock.advance(200_000);
      h.sfn.sendTaskHeartbeat({ taskToken: token });
      await h.clock.advance(200_000);
      h.sfn.sendTaskHeartbeat({ taskToken: token });
      const described = await h.finish(executionArn);
      expect(described).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
      expect(described.stopDate!.toISOString()).toBe('2026-11-24T10:11:40.000Z');
      expect(() => h.sfn.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(
        expect.objectContaining({ name: 'TaskTimedOut' }),
      );
    });

    it('rejects unknown tokens with InvalidToken and answered ones with TaskTimedOut', async () => {
      const h = harness();
      const { executionArn } = await h.run(callbackMachine);
      const token = tokenOf(h.calls[0]!);
      expect(() => h.sfn.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' })).toThrow(
        expect.objectContaining({ name: 'InvalidToken' }),
      );
      expect(() => h.sfn.sendTaskSuccess({ taskToken: token, output: '{not json' })).toThrow(
        expect.objectContaining({ name: 'InvalidOutput' }),
      );
      h.sfn.sendTaskSuccess({ taskToken: token, output: '{}' });
      await h.finish(executionArn);
      for (const send of [
        () => h.sfn.sendTaskSuccess({ taskToken: token, output: '{}' }),
        () => h.sfn.sendTaskFailure({ taskToken: token, error: 'X' }),
        () => h.sfn.sendTaskHeartbeat({ taskToken: token }),
      ]) {
        expect(send).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
      }
    });

    it('fails the task and closes its token when the dispatcher throws instead of rejecting', async () => {
      const h = harness((() => {
        throw new TaskError('EventBridge.InternalException', 'sync failure');
      }) as unknown as TaskDispatcher);
      const { executionArn } = await h.run(callbackMachine);
      expect(await h.finish(executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'EventBridge.InternalException',
      });
      expect(() => h.sfn.sendTaskHeartbeat({ taskToken: h.calls[0]!.taskToken! })).toThrow(
        expect.objectContaining({ name: 'TaskTimedOut' }),
      );
      expect(h.clock.pendingTimers()).toBe(0);
    });

    it('fails the task when the dispatcher cannot deliver the callback request', async () => {
      const h = harness(async () => {
        throw new TaskError('EventBridge.ResourceNotFoundException', 'no such bus');
      });
      const { executionArn } = await h.run(callbackMachine);
      expect(await h.finish(executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'EventBridge.ResourceNotFoundException',
      });
    });
  });

  describe('stopping', () => {
    it('aborts a running execution, cancels its waiting task and closes its token', async () => {
      const h = harness();
      const { executionArn } = await h.run({
        StartAt: 'Ask',
        States: {
          Ask: { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 900, Next: 'After' },
          After: { Type: 'Pass', End: true },
        },
      });
      const call = h.calls[0]!;
      await h.clock.advance(1000);
      const { stopDate } = h.sfn.stopExecution({
        executionArn,
        error: 'Disabled',
        cause: 'provisioning disabled',
      });
      expect(stopDate.toISOString()).toBe('2026-11-24T10:00:01.000Z');
      await h.clock.settle();
      expect(h.sfn.describeExecution({ executionArn })).toMatchObject({
        status: 'ABORTED',
        error: 'Disabled',
      });
      expect(call.signal.aborted).toBe(true);
      expect(() => h.sfn.sendTaskSuccess({ taskToken: call.taskToken!, output: '{}' })).toThrow(
        expect.objectContaining({ name: 'TaskTimedOut' }),
      );
      await h.clock.advance(3_600_000);
      const events = h.history(executionArn);
      expect(types(events).at(-1)).toBe('ExecutionAborted');
      expect(types(events)).not.toContain('PassStateEntered:After');
      expect(h.clock.pendingTimers()).toBe(0);
    });

    it('leaves a finished execution as it is, and close() aborts every running one', async () => {
      const h = harness();
      const done = await h.run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
      const finished = await h.finish(done.executionArn);
      expect(h.sfn.stopExecution({ executionArn: done.executionArn }).stopDate).toEqual(finished.stopDate);
      expect(h.sfn.describeExecution(done).status).toBe('SUCCEEDED');
      const waiting = await h.run({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
      const asking = await h.run({
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 60, End: true } },
      });
      h.sfn.close();
      for (const e of [waiting, asking]) expect(h.sfn.describeExecution(e).status).toBe('ABORTED');
      expect(h.clock.pendingTimers()).toBe(0);
    });

    it('aborts an execution sleeping in a Wait state', async () => {
      const h = harness();
      const { executionArn } = await h.run({
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 600, End: true } },
      });
      h.sfn.stopExecution({ executionArn });
      await h.clock.advance(600_000);
      expect(h.sfn.describeExecution({ executionArn }).status).toBe('ABORTED');
      expect(h.clock.pendingTimers()).toBe(0);
      await expect(h.sfn.settled(executionArn)).resolves.toMatchObject({ status: 'ABORTED' });
    });
  });

  describe('API errors and paging', () => {
    const waiting = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } };

    it('names misuse with the AWS error codes', async () => {
      const h = harness();
      for (const attempt of ['bad', 'bad-again']) {
        // The second attempt is answered from the runtime's memory of validated definitions.
        expect(() => h.sfn.createStateMachine(attempt, { StartAt: 'Nowhere', States: {} })).toThrow(
          expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringContaining('Nowhere') }),
        );
      }
      expect(() => h.sfn.createStateMachine('has space', waiting)).toThrow(
        expect.objectContaining({ name: 'InvalidName' }),
      );
      expect(() =>
        h.sfn.createStateMachine('paths', {
          StartAt: 'T',
          States: {
            T: { Type: 'Task', Resource: INVOKE, TimeoutSecondsPath: '$.t', TimeoutSeconds: 5, End: true },
          },
        }),
      ).toThrow(
        expect.objectContaining({
          name: 'InvalidDefinition',
          message: expect.stringContaining('TimeoutSecondsPath'),
        }),
      );
      const { stateMachineArn } = h.sfn.createStateMachine('m', waiting);
      expect(h.sfn.createStateMachine('m', waiting).stateMachineArn).toBe(stateMachineArn);
      expect(() => h.sfn.createStateMachine('m', { ...waiting, Comment: 'changed' })).toThrow(
        expect.objectContaining({ name: 'StateMachineAlreadyExists' }),
      );
      expect(() => h.sfn.startExecution({ stateMachineArn: `${stateMachineArn}-x` })).toThrow(
        expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
      );
      expect(() => h.sfn.startExecution({ stateMachineArn, name: 'a/b' })).toThrow(
        expect.objectContaining({ name: 'InvalidName' }),
      );
      expect(() => h.sfn.startExecution({ stateMachineArn, input: '{oops' })).toThrow(
        expect.objectContaining({ name: 'InvalidExecutionInput' }),
      );
      expect(() =>
        h.sfn.describeExecution({ executionArn: 'arn:aws:states:eu-west-1:1:execution:m:nope' }),
      ).toThrow(expect.objectContaining({ name: 'ExecutionDoesNotExist' }));
      expect(() =>
        h.sfn.stopExecution({ executionArn: 'arn:aws:states:eu-west-1:1:execution:m:nope' }),
      ).toThrow(expect.objectContaining({ name: 'ExecutionDoesNotExist' }));
    });

    it('returns a running execution again for the same name and input, and refuses any other reuse', async () => {
      const h = harness();
      const { stateMachineArn } = h.sfn.createStateMachine('m', waiting);
      const first = h.sfn.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' });
      expect(h.sfn.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' })).toEqual(first);
      expect(() => h.sfn.startExecution({ stateMachineArn, name: 'once', input: '{"a":2}' })).toThrow(
        expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
      );
      await h.finish(first.executionArn);
      expect(() => h.sfn.startExecution({ stateMachineArn, name: 'once', input: '{"a":1}' })).toThrow(
        expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
      );
    });

    it('lists executions newest first, page by page, with a status filter', async () => {
      const h = harness();
      const { stateMachineArn } = h.sfn.createStateMachine('m', waiting);
      const arns: string[] = [];
      for (let i = 0; i < 5; i++)
        arns.push(h.sfn.startExecution({ stateMachineArn, name: `e${i}` }).executionArn);
      h.sfn.stopExecution({ executionArn: arns[1]! });
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = h.sfn.listExecutions({
          stateMachineArn,
          maxResults: 2,
          ...(nextToken && { nextToken }),
        });
        expect(page.executions.length).toBeLessThanOrEqual(2);
        seen.push(...page.executions.map((e) => e.name));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
      const running = h.sfn.listExecutions({ stateMachineArn, statusFilter: 'RUNNING' });
      expect(running.executions.map((e) => e.name)).toEqual(['e4', 'e3', 'e2', 'e0']);
      expect(() => h.sfn.listExecutions({ stateMachineArn, nextToken: 'garbage' })).toThrow(
        expect.objectContaining({ name: 'InvalidToken' }),
      );
      expect(() => h.sfn.listExecutions({ stateMachineArn, statusFilter: 'DONE' })).toThrow(
        expect.objectContaining({ name: 'ValidationException' }),
      );
      h.sfn.close();
    });
  });
});
