/** One running execution: drives the library's run, keeps the AWS-style event history and the final status. */
import { StateMachine } from 'aws-local-stepfunctions';
import type { TimerClock } from '../clock.ts';
import { TaskError } from './errors.ts';
import { nextRetry } from './retry.ts';
import type { ExecutionScope, NewHistoryEvent, TaskRunner } from './task-runner.ts';
import { CLOCK_START_TIME_FIELD, type PreparedDefinition, type RetryingSpec } from './transform.ts';
import type { ExecutionBill, ExecutionStatus, HistoryEvent, LocalExecution } from './types.ts';

type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Json = Parameters<StateMachine['run']>[0];

/** The subset of the library's event log entries the history is built from. */
interface LibraryEvent {
  type: string;
  state?: { name: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  Error?: string;
  Cause?: unknown;
}

export interface ExecutionInit {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  input: string;
  executionToken: string;
  machine: StateMachine;
  prepared: PreparedDefinition;
  clock: TimerClock;
  runner: TaskRunner;
  /** false: a closed execution keeps its bill and drops its history (long simulations). */
  keepClosedHistory: boolean;
}

const causeText = (cause: unknown): string =>
  typeof cause === 'string' ? cause : JSON.stringify(cause ?? null);

function billOf(events: readonly HistoryEvent[]): ExecutionBill {
  let stateTransitions = 0;
  let logBytes = 0;
  for (const event of events) {
    if (event.type.endsWith('StateEntered')) stateTransitions++;
    logBytes += JSON.stringify(event).length;
  }
  return { stateTransitions, logBytes };
}

export class Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus = 'RUNNING';
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly events: HistoryEvent[] = [];
  /** Resolves once the execution has a final status. */
  readonly done: Promise<void>;

  private readonly clock: TimerClock;
  private readonly prepared: PreparedDefinition;
  private readonly keepClosedHistory: boolean;
  /** Set when a closed execution drops its history; otherwise the bill is read from the history when asked. */
  private closedBill: ExecutionBill | undefined;
  private readonly controller = new AbortController();
  private resolveDone!: () => void;
  private abortLibrary: () => void = () => {};
  /**
   * The library's log is read asynchronously, so a task can report before its TaskStateEntered has
   * been read. Task events wait here until the log has caught up with the task's state.
   */
  private readonly entered = new Map<string, number>();
  private readonly begun = new Map<string, number>();
  private readonly held = new Map<string, HistoryEvent[]>();
  private cancelTimeout: () => void = () => {};

  constructor(init: ExecutionInit) {
    this.executionArn = init.executionArn;
    this.stateMachineArn = init.stateMachineArn;
    this.name = init.name;
    this.input = init.input;
    this.clock = init.clock;
    this.prepared = init.prepared;
    this.keepClosedHistory = init.keepClosedHistory;
    this.startDate = init.clock.now();
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.append({ type: 'ExecutionStarted', input: JSON.parse(init.input) });
    this.start(init);
  }

  snapshot(): LocalExecution {
    const view: LocalExecution = {
      executionArn: this.executionArn,
      stateMachineArn: this.stateMachineArn,
      name: this.name,
      status: this.status,
      startDate: this.startDate,
      input: this.input,
      events: [...this.events],
    };
    if (this.stopDate) view.stopDate = this.stopDate;
    if (this.output !== undefined) view.output = this.output;
    if (this.error !== undefined) view.error = this.error;
    if (this.cause !== undefined) view.cause = this.cause;
    return view;
  }

  /** What AWS bills this execution for so far (all of it once it has closed). */
  bill(): ExecutionBill {
    return this.closedBill ?? billOf(this.events);
  }

  /** Stops the run (StopExecution, or the execution's own TimeoutSeconds); waiting tasks are cancelled. */
  stop(status: 'ABORTED' | 'TIMED_OUT', error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    const type = status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut';
    this.append({ type, ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
    this.close(status, { error, cause });
    this.abortLibrary();
    this.controller.abort();
  }

  private start(init: ExecutionInit): void {
    const scope: ExecutionScope = {
      executionArn: this.executionArn,
      executionToken: init.executionToken,
      signal: this.controller.signal,
      beginTask: (stateName) => this.begun.set(stateName, (this.begun.get(stateName) ?? 0) + 1),
      record: (event) => this.recordTaskEvent(event),
    };
    const handlers: Handlers = {};
    for (const [stateName, info] of this.prepared.states) {
      const spec = info.spec;
      if (spec.kind === 'task') {
        handlers[stateName] = (input) => init.runner.runTask(scope, stateName, spec, input) as Promise<Json>;
      } else if (spec.kind === 'wait') {
        handlers[stateName] = (input) => init.runner.runWait(scope, input) as Promise<Json>;
      } else if (spec.kind === 'result') {
        handlers[stateName] = () => structuredClone(spec.result) as Json;
      } else if (spec.kind === 'retrying') {
        handlers[stateName] = (input) => this.runRetrying(stateName, spec, input, options);
      }
    }
    const options: RunOptions = {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: this.executionArn,
          Name: this.name,
          [CLOCK_START_TIME_FIELD]: this.startDate.toISOString(),
        },
        StateMachine: { Id: this.stateMachineArn, Name: init.stateMachineName },
        Task: { Token: init.executionToken },
      },
    };
    const run = init.machine.run(JSON.parse(init.input), options);
    this.abortLibrary = run.abort;
    const timeout = this.prepared.timeoutSeconds;
    if (timeout !== undefined) {
      this.cancelTimeout = init.clock.setTimer(timeout * 1000, () =>
        this.stop('TIMED_OUT', 'States.Timeout', `Execution timed out after ${timeout} s`),
      );
    }
    const history = (async () => {
      for await (const event of run.eventLogs) this.fromLibrary(event as LibraryEvent);
    })();
    void Promise.allSettled([run.result, history]).then(([result]) => {
      if (this.status !== 'RUNNING') return;
      for (const name of [...this.held.keys()]) this.release(name);
      if (result.status === 'fulfilled') {
        const output = JSON.stringify(result.value ?? null);
        this.append({ type: 'ExecutionSucceeded', output: result.value ?? null });
        this.close('SUCCEEDED', { output });
      } else {
        const failure = (result.reason as { cause?: unknown }).cause ?? result.reason;
        const error = failure instanceof Error ? failure.name : 'States.Runtime';
        const cause = failure instanceof Error ? failure.message : String(failure);
        this.append({ type: 'ExecutionFailed', error, cause });
        this.close('FAILED', { error, cause });
      }
    });
  }

  /**
   * Runs a Map/Parallel state that has a Retry as a one-state machine of its own, retrying it per its
   * Retry field with pauses on the clock. Its inner events join this execution's history.
   */
  private async runRetrying(
    stateName: string,
    spec: RetryingSpec,
    input: Json,
    options: RunOptions,
  ): Promise<Json> {
    const machine = new StateMachine(
      spec.machine as unknown as ConstructorParameters<typeof StateMachine>[0],
      {
        validationOptions: { noValidate: true },
      },
    );
    const attempts: number[] = [];
    const signal = this.controller.signal;
    const stopped = () => new TaskError('States.Aborted', 'The execution was stopped', { catchable: false });
    for (;;) {
      if (signal.aborted) throw stopped();
      const run = machine.run(input, options);
      const onStop = () => run.abort();
      signal.addEventListener('abort', onStop, { once: true });
      const history = (async () => {
        for await (const event of run.eventLogs) {
          // The state itself shows once, from the outer log; its iterations and inner states show here.
          if (
            event.type.startsWith('State') &&
            'state' in event &&
            event.state.name === stateName &&
            event.index === undefined
          )
            continue;
          this.fromLibrary(event as LibraryEvent);
        }
      })();
      try {
        const output = await run.result;
        await history;
        if (signal.aborted) throw stopped();
        return output;
      } catch (caught) {
        await history;
        if (signal.aborted) throw stopped();
        const error = (caught as { cause?: unknown }).cause ?? caught;
        const name = error instanceof Error ? error.name : 'States.Runtime';
        const retry = nextRetry(spec.retry, attempts, name);
        if (!retry) throw error;
        try {
          await this.clock.sleep(retry.delayMs, signal);
        } catch {
          throw stopped();
        }
      } finally {
        signal.removeEventListener('abort', onStop);
      }
    }
  }

  private close(status: ExecutionStatus, details: { output?: string; error?: string; cause?: string }): void {
    this.status = status;
    this.stopDate = this.clock.now();
    if (details.output !== undefined) this.output = details.output;
    if (details.error !== undefined) this.error = details.error;
    if (details.cause !== undefined) this.cause = details.cause;
    this.cancelTimeout();
    if (!this.keepClosedHistory) {
      this.closedBill = billOf(this.events);
      this.events.length = 0;
    }
    this.resolveDone();
  }

  /**
   * Appends in the order things happened. The interpreter's log is read a little after it is written, so its
   * events carry the time they were read; a task's report carries the time it happened. Every event before
   * one happened no later than it, so a later-stamped predecessor is capped at its time: elapsed times
   * never go backwards (the dashboard showed them doing so under `npm start`'s scaled clock).
   */
  private append(event: NewHistoryEvent & { timestamp?: Date }): void {
    if (this.status !== 'RUNNING') return;
    const timestamp = event.timestamp ?? this.clock.now();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const earlier = this.events[i] as HistoryEvent;
      if (earlier.timestamp.getTime() <= timestamp.getTime()) break;
      this.events[i] = { ...earlier, timestamp };
    }
    this.events.push({ id: this.events.length + 1, ...event, timestamp });
  }

  private recordTaskEvent(event: NewHistoryEvent): void {
    const name = event.stateName ?? '';
    if ((this.begun.get(name) ?? 0) > (this.entered.get(name) ?? 0)) {
      // The timestamp is taken now, when it happened; only the position waits.
      this.held.set(name, [...(this.held.get(name) ?? []), { id: 0, timestamp: this.clock.now(), ...event }]);
      return;
    }
    this.append(event);
  }

  private release(stateName: string): void {
    const held = this.held.get(stateName) ?? [];
    this.held.delete(stateName);
    for (const { id: _, ...event } of held) this.append(event);
  }

  private typeOf(stateName: string): string {
    return this.prepared.states.get(stateName)?.type ?? 'Unknown';
  }

  /** Maps the library's log onto AWS history event types; Task details come from the task runner. */
  private fromLibrary(event: LibraryEvent): void {
    const index = event.index === undefined ? {} : { index: event.index };
    const state = event.state;
    switch (event.type) {
      case 'StateEntered': {
        if (!state) return;
        this.append({
          type: `${this.typeOf(state.name)}StateEntered`,
          stateName: state.name,
          input: state.input,
          ...index,
        });
        const entered = (this.entered.get(state.name) ?? 0) + 1;
        this.entered.set(state.name, entered);
        if (entered >= (this.begun.get(state.name) ?? 0)) this.release(state.name);
        return;
      }
      case 'StateExited':
        if (state)
          this.append({
            type: `${this.typeOf(state.name)}StateExited`,
            stateName: state.name,
            output: state.output,
            ...index,
          });
        return;
      case 'StateFailed': {
        // Task failures are recorded by the task runner (TaskFailed / TaskTimedOut).
        const type = state ? this.typeOf(state.name) : 'Unknown';
        if (state && type !== 'Task' && type !== 'Wait') {
          this.append({
            type: `${type}StateFailed`,
            stateName: state.name,
            error: event.Error ?? 'States.Runtime',
            cause: causeText(event.Cause),
            ...index,
          });
        }
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
      case 'ParallelBranchStarted':
      case 'ParallelBranchSucceeded':
      case 'ParallelBranchFailed': {
        const failed = event.type.endsWith('Failed')
          ? { error: event.Error ?? 'States.Runtime', cause: causeText(event.Cause) }
          : {};
        this.append({ type: event.type, stateName: event.parentState?.name ?? '', ...index, ...failed });
        return;
      }
      default:
        // Execution start/end come from the run's own lifecycle; retries and catches show in the next states.
        return;
    }
  }
}
