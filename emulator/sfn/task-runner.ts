/**
 * Runs one Task state for the library: dispatches it, enforces TimeoutSeconds and HeartbeatSeconds,
 * waits for SendTask* on `.waitForTaskToken` resources, applies Retry with clock-driven pauses, and
 * answers the Tasks that stand in for Wait states. Everything that waits goes through the TimerClock.
 */
import type { TimerClock } from '../clock.ts';
import { TaskError } from './errors.ts';
import { nextRetry } from './retry.ts';
import type { TokenRegistry } from './tokens.ts';
import { LOCAL_HEARTBEAT_KEY, LOCAL_INPUT_KEY, LOCAL_TIMEOUT_KEY, type TaskSpec } from './transform.ts';
import type { HistoryEvent, TaskDispatcher } from './types.ts';

export type NewHistoryEvent = Omit<HistoryEvent, 'id' | 'timestamp'>;

/** What a task needs to know about the execution it runs in. */
export interface ExecutionScope {
  executionArn: string;
  /** The one `$$.Task.Token` value the library gives the whole execution. */
  executionToken: string;
  /** Aborted when the execution stops or times out. */
  signal: AbortSignal;
  /** Called once per visit of a Task state (not per retry), before its first event. */
  beginTask(stateName: string): void;
  record(event: NewHistoryEvent): void;
}

export interface TaskRunnerDeps {
  clock: TimerClock;
  dispatch: TaskDispatcher;
  region: string;
  tokens: TokenRegistry;
}

const CALLBACK_SUFFIX = '.waitForTaskToken';

/** The error that ends a task when its execution is stopped: no Catch or Retry may act on it. */
const stopped = () => new TaskError('States.Aborted', 'The execution was stopped', { catchable: false });

function replaceToken(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.includes(from) ? value.replaceAll(from, () => to) : value;
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, from, to));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, from, to)]));
  }
  return value;
}

function describeError(error: unknown): { error: string; cause: string } {
  if (error instanceof Error) return { error: error.name, cause: error.message };
  return { error: 'Error', cause: String(error) };
}

/** Normalises whatever a dispatcher threw into an error whose `name` is the Step Functions error. */
function asTaskError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new TaskError('Error', String(error));
}

/** A path-valued timeout must select a positive integer (Amazon States Language, Task state fields). */
function positiveSeconds(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new TaskError(
    'States.Runtime',
    `${field} must select a positive integer (got ${JSON.stringify(value)})`,
    { catchable: false },
  );
}

/** Takes the values the transform put in the input for TimeoutSecondsPath / HeartbeatSecondsPath. */
function resolvePaths(spec: TaskSpec, given: unknown): { spec: TaskSpec; input: unknown } {
  if (!spec.timeoutFromInput && !spec.heartbeatFromInput) return { spec, input: given };
  const {
    [LOCAL_TIMEOUT_KEY]: timeout,
    [LOCAL_HEARTBEAT_KEY]: heartbeat,
    ...rest
  } = (given ?? {}) as Record<string, unknown>;
  const resolved: TaskSpec = { ...spec };
  if (spec.timeoutFromInput) resolved.timeoutSeconds = positiveSeconds('TimeoutSecondsPath', timeout);
  if (spec.heartbeatFromInput) resolved.heartbeatSeconds = positiveSeconds('HeartbeatSecondsPath', heartbeat);
  return { spec: resolved, input: spec.wrappedInput ? rest[LOCAL_INPUT_KEY] : rest };
}

export class TaskRunner {
  constructor(private readonly deps: TaskRunnerDeps) {}

  /** Runs a Task state, retrying per its Retry field; the library applies Catch to what this throws. */
  async runTask(scope: ExecutionScope, stateName: string, spec: TaskSpec, input: unknown): Promise<unknown> {
    const attempts: number[] = [];
    scope.beginTask(stateName);
    for (;;) {
      try {
        return await this.attempt(scope, stateName, spec, input);
      } catch (error) {
        if (scope.signal.aborted) throw stopped();
        const retry = nextRetry(spec.retry, attempts, describeError(error).error);
        if (!retry) throw error;
        try {
          await this.deps.clock.sleep(retry.delayMs, scope.signal);
        } catch {
          throw stopped();
        }
      }
    }
  }

  /** Answers a stand-in for a Wait state: pauses on the clock, then passes the input on. */
  async runWait(scope: ExecutionScope, input: unknown): Promise<unknown> {
    const {
      input: passOn,
      seconds,
      timestamp,
    } = (input ?? {}) as {
      input?: unknown;
      seconds?: unknown;
      timestamp?: unknown;
    };
    let ms: number;
    if (seconds !== undefined) {
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new TaskError(
          'States.Runtime',
          `Wait seconds must be a non-negative integer (got ${JSON.stringify(seconds)})`,
          { catchable: false },
        );
      }
      ms = seconds * 1000;
    } else {
      const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
      if (Number.isNaN(at)) {
        throw new TaskError(
          'States.Runtime',
          `Wait timestamp must be an ISO-8601 timestamp (got ${JSON.stringify(timestamp)})`,
          { catchable: false },
        );
      }
      ms = Math.max(0, at - this.deps.clock.now().getTime());
    }
    try {
      await this.deps.clock.sleep(ms, scope.signal);
    } catch {
      throw stopped();
    }
    return passOn ?? null;
  }

  private async attempt(scope: ExecutionScope, stateName: string, pathSpec: TaskSpec, given: unknown) {
    if (scope.signal.aborted) throw stopped();
    const { spec, input: rawInput } = resolvePaths(pathSpec, given);
    const { clock, dispatch, region, tokens } = this.deps;
    const callback = spec.resource.endsWith(CALLBACK_SUFFIX);
    const taskToken = callback ? tokens.mint() : undefined;
    const input = taskToken ? replaceToken(rawInput, scope.executionToken, taskToken) : rawInput;
    const controller = new AbortController();
    const cleanups: Array<() => void> = [];

    const outcome = new Promise<unknown>((resolve, reject) => {
      let open = true;
      const finish = (settle: () => void) => {
        if (!open) return;
        open = false;
        for (const cleanup of cleanups) cleanup();
        settle();
      };
      const succeed = (output: unknown) => finish(() => resolve(output));
      const fail = (error: unknown) => finish(() => reject(error));
      const timeOut = (name: string, cause: string) => {
        // When no Catch of the state takes States.Timeout, none may: the library would let a
        // States.TaskFailed catcher take it (see transform.ts), so it is made uncatchable.
        const catchable = name !== 'States.Timeout' || spec.catchesTimeout;
        const error = new TaskError(name, cause, { catchable });
        controller.abort(error);
        fail(error);
      };

      const onStop = () => {
        controller.abort(stopped());
        fail(stopped());
      };
      scope.signal.addEventListener('abort', onStop, { once: true });
      cleanups.push(() => scope.signal.removeEventListener('abort', onStop));

      if (spec.timeoutSeconds !== undefined) {
        const seconds = spec.timeoutSeconds;
        cleanups.push(
          clock.setTimer(seconds * 1000, () =>
            timeOut('States.Timeout', `Task timed out after ${seconds} s`),
          ),
        );
      }
      if (taskToken) {
        let cancelHeartbeat = () => {};
        const armHeartbeat = () => {
          cancelHeartbeat();
          if (spec.heartbeatSeconds === undefined) return;
          const seconds = spec.heartbeatSeconds;
          cancelHeartbeat = clock.setTimer(seconds * 1000, () =>
            timeOut('States.HeartbeatTimeout', `No heartbeat for ${seconds} s`),
          );
        };
        armHeartbeat();
        cleanups.push(() => cancelHeartbeat());
        cleanups.push(() => tokens.close(taskToken));
        tokens.register(taskToken, {
          succeed,
          fail: (error, cause) => fail(new TaskError(error, cause)),
          heartbeat: armHeartbeat,
        });
      }

      scope.record({ type: 'TaskScheduled', stateName, resource: spec.resource, input });
      scope.record({ type: 'TaskStarted', stateName, resource: spec.resource });
      const call = {
        resource: spec.resource,
        stateName,
        input,
        executionArn: scope.executionArn,
        region,
        signal: controller.signal,
      };
      // A dispatcher that throws instead of rejecting fails the task the same way.
      new Promise<unknown>((resolveCall) =>
        resolveCall(dispatch(taskToken ? { ...call, taskToken } : call)),
      ).then(
        (result) => {
          if (taskToken) {
            if (open)
              scope.record({
                type: 'TaskSubmitted',
                stateName,
                resource: spec.resource,
                output: result ?? null,
              });
          } else succeed(result ?? null);
        },
        (error) => fail(asTaskError(error)),
      );
    });

    try {
      const output = await outcome;
      scope.record({ type: 'TaskSucceeded', stateName, resource: spec.resource, output });
      return output;
    } catch (error) {
      const { error: name, cause } = describeError(error);
      const type =
        name === 'States.Timeout' || name === 'States.HeartbeatTimeout' ? 'TaskTimedOut' : 'TaskFailed';
      if (!scope.signal.aborted)
        scope.record({ type, stateName, resource: spec.resource, error: name, cause });
      throw error;
    }
  }
}
