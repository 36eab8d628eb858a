/**
 * Rewrites a definition before `aws-local-stepfunctions` runs it, so that every wait happens on the
 * runtime's clock instead of the library's global timers: Wait states become Tasks answered by the
 * runtime, Task timeouts/heartbeats/retries move into the runtime's task wrapper, Map/Parallel states
 * with a Retry are run and retried by the runtime. It also works around two
 * library bugs where it differs from AWS (type tests given `false`, a falsy Pass `Result`). The
 * original states are kept by name, so the event history shows the states as written.
 */
import { SfnError } from './errors.ts';
import type { Retrier } from './retry.ts';

interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

/** Resource of the Tasks that stand in for Wait states; the runtime answers them itself. */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::spotplane.local:wait';
/** Resource of the Tasks that stand in for Pass states with a falsy Result. */
export const LOCAL_RESULT_RESOURCE = 'arn:aws:states:::spotplane.local:result';
/** Resource of the Tasks that stand in for Map/Parallel states with a Retry. */
export const LOCAL_RETRY_RESOURCE = 'arn:aws:states:::spotplane.local:retry';

const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];

/**
 * The library evaluates `IsNull: false` (and every other type test given `false`) as never matching;
 * AWS matches when the test fails. `{ Not: { ..., IsX: true } }` means the same and runs correctly.
 */
function fixTypeTests(rule: unknown): unknown {
  if (!isObject(rule)) return rule;
  const fixed: JsonObject = { ...rule };
  if (Array.isArray(rule.And)) fixed.And = rule.And.map(fixTypeTests);
  if (Array.isArray(rule.Or)) fixed.Or = rule.Or.map(fixTypeTests);
  if (rule.Not !== undefined) fixed.Not = fixTypeTests(rule.Not);
  const test = TYPE_TESTS.find((t) => rule[t] === false);
  if (!test) return fixed;
  const { Next, ...condition } = fixed;
  const negated: JsonObject = { Not: { ...condition, [test]: true } };
  if (Next !== undefined) negated.Next = Next;
  return negated;
}

function passResultAsTask(state: JsonObject): JsonObject {
  const task: JsonObject = {
    Type: 'Task',
    Resource: LOCAL_RESULT_RESOURCE,
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
  for (const key of ['Comment', 'InputPath', 'ResultPath', 'OutputPath', 'Next', 'End']) {
    if (state[key] !== undefined) task[key] = state[key];
  }
  return task;
}

/**
 * The library arms a real `setTimeout` for every Task (60 s when unset). The runtime enforces the
 * real TimeoutSeconds on its clock, so the library's timer is pushed to the largest delay Node allows.
 */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;

/** The library always sets `$$.Execution.StartTime` from the wall clock; the runtime supplies its own. */
export const CLOCK_START_TIME_FIELD = 'SpotplaneLocalStartTime';

export type JsonObject = Record<string, unknown>;

export interface TaskSpec {
  kind: 'task';
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /**
   * `TimeoutSecondsPath` / `HeartbeatSecondsPath`: the runtime reads their values from the task's input,
   * where the transform put them under LOCAL_TIMEOUT_KEY / LOCAL_HEARTBEAT_KEY (see `pathsAsParameters`).
   */
  timeoutFromInput?: boolean;
  heartbeatFromInput?: boolean;
  /** The state had no Parameters: its input was wrapped under LOCAL_INPUT_KEY to carry the path values. */
  wrappedInput?: boolean;
  retry?: Retrier[];
  /** Whether a Catch of this state takes States.Timeout (under AWS rules). */
  catchesTimeout: boolean;
}
export interface WaitSpec {
  kind: 'wait';
}
/** A Pass state whose Result the library would drop (it treats a falsy Result as absent). */
export interface ResultSpec {
  kind: 'result';
  result: unknown;
}
/**
 * A Map or Parallel state with a Retry: the runtime runs the state itself as a one-state machine and
 * retries it, pausing on the clock (the library would pause on a global timer).
 */
export interface RetryingSpec {
  kind: 'retrying';
  retry: Retrier[];
  machine: JsonObject;
}
export interface OtherSpec {
  kind: 'other';
}

export interface StateInfo {
  /** The state's type in the original definition (a Wait stays a Wait here). */
  type: string;
  spec: TaskSpec | WaitSpec | ResultSpec | RetryingSpec | OtherSpec;
}

export interface PreparedDefinition {
  runnable: JsonObject;
  states: ReadonlyMap<string, StateInfo>;
  timeoutSeconds?: number;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(stateName: string, message: string): SfnError {
  return new SfnError('InvalidDefinition', `State "${stateName}": ${message}`);
}

function waitAsTask(name: string, state: JsonObject): JsonObject {
  const parameters: JsonObject = { 'input.$': '$' };
  if (state.Seconds !== undefined) parameters.seconds = state.Seconds;
  else if (state.SecondsPath !== undefined) parameters['seconds.$'] = state.SecondsPath;
  else if (state.Timestamp !== undefined) parameters.timestamp = state.Timestamp;
  else if (state.TimestampPath !== undefined) parameters['timestamp.$'] = state.TimestampPath;
  else throw invalid(name, 'a Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath');
  const task: JsonObject = {
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: parameters,
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
  for (const key of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (state[key] !== undefined) task[key] = state[key];
  }
  return task;
}

/** Keys under which the transform hands path-valued timeouts (and a wrapped input) to the runtime. */
export const LOCAL_TIMEOUT_KEY = 'SpotplaneLocalTimeoutSeconds';
export const LOCAL_HEARTBEAT_KEY = 'SpotplaneLocalHeartbeatSeconds';
export const LOCAL_INPUT_KEY = 'SpotplaneLocalInput';

/**
 * The library hands a Task's handler only its (Parameters-resolved) input, so `TimeoutSecondsPath` and
 * `HeartbeatSecondsPath` are resolved by the library too: as extra Parameters the runtime takes out again.
 * Without Parameters the whole input is passed under LOCAL_INPUT_KEY and unwrapped.
 */
// asl-validator has already refused a state that sets both a literal and a path.
function pathsAsParameters(name: string, state: JsonObject, spec: TaskSpec, runnable: JsonObject): void {
  const paths: [string, string, 'timeoutFromInput' | 'heartbeatFromInput'][] = [
    ['TimeoutSecondsPath', LOCAL_TIMEOUT_KEY, 'timeoutFromInput'],
    ['HeartbeatSecondsPath', LOCAL_HEARTBEAT_KEY, 'heartbeatFromInput'],
  ];
  const extra: JsonObject = {};
  for (const [field, key, flag] of paths) {
    const path = state[field];
    if (path === undefined) continue;
    if (typeof path !== 'string' || !path.startsWith('$'))
      throw invalid(name, `${field} must be a reference path`);
    extra[`${key}.$`] = path;
    spec[flag] = true;
  }
  if (Object.keys(extra).length === 0) return;
  if (isObject(state.Parameters)) runnable.Parameters = { ...state.Parameters, ...extra };
  else {
    runnable.Parameters = { [`${LOCAL_INPUT_KEY}.$`]: '$', ...extra };
    spec.wrappedInput = true;
  }
}

function taskForLibrary(name: string, state: JsonObject): { runnable: JsonObject; spec: TaskSpec } {
  const {
    Retry,
    TimeoutSeconds,
    HeartbeatSeconds,
    Catch,
    TimeoutSecondsPath,
    HeartbeatSecondsPath,
    ...rest
  } = state;
  const catchers = Array.isArray(Catch) ? (Catch as Catcher[]) : [];
  const timeoutCatcher = catchers.find((c) =>
    c.ErrorEquals.some((p) => p === 'States.Timeout' || p === 'States.ALL'),
  );
  const spec: TaskSpec = { kind: 'task', resource: String(state.Resource), catchesTimeout: !!timeoutCatcher };
  if (typeof TimeoutSeconds === 'number') spec.timeoutSeconds = TimeoutSeconds;
  if (typeof HeartbeatSeconds === 'number') spec.heartbeatSeconds = HeartbeatSeconds;
  if (Array.isArray(Retry)) spec.retry = Retry as Retrier[];
  const runnable: JsonObject = { ...rest, TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS };
  pathsAsParameters(name, { ...state, TimeoutSecondsPath, HeartbeatSecondsPath }, spec, runnable);
  if (Array.isArray(Catch)) {
    // The library lets States.TaskFailed catch any error not of its own (unexported) timeout class,
    // AWS does not: so the catcher AWS would pick for a timeout is put first, for timeouts only.
    runnable.Catch = timeoutCatcher
      ? [{ ...timeoutCatcher, ErrorEquals: ['States.Timeout'] }, ...catchers]
      : catchers;
  }
  return { runnable, spec };
}

function prepareStates(states: unknown, info: Map<string, StateInfo>): JsonObject {
  if (!isObject(states)) throw new SfnError('InvalidDefinition', '"States" must be an object');
  const out: JsonObject = {};
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) throw invalid(name, 'must be an object');
    if (info.has(name)) throw invalid(name, 'state names must be unique in the whole state machine');
    const type = String(raw.Type);
    if (type === 'Task') {
      const { runnable, spec } = taskForLibrary(name, raw);
      info.set(name, { type, spec });
      out[name] = runnable;
      continue;
    }
    if (type === 'Pass' && 'Result' in raw && !raw.Result) {
      info.set(name, { type, spec: { kind: 'result', result: raw.Result } });
      out[name] = passResultAsTask(raw);
      continue;
    }
    info.set(name, { type, spec: type === 'Wait' ? { kind: 'wait' } : { kind: 'other' } });
    if (type === 'Wait') {
      out[name] = waitAsTask(name, raw);
      continue;
    }
    const state: JsonObject = { ...raw };
    if (type === 'Choice' && Array.isArray(raw.Choices)) state.Choices = raw.Choices.map(fixTypeTests);
    if (type === 'Map') {
      for (const key of ['ItemProcessor', 'Iterator']) {
        const processor = raw[key];
        if (isObject(processor)) state[key] = prepareMachine(processor, info);
      }
    }
    if (type === 'Parallel' && Array.isArray(raw.Branches)) {
      state.Branches = raw.Branches.map((b: unknown) => {
        if (!isObject(b)) throw invalid(name, 'every branch must be an object');
        return prepareMachine(b, info);
      });
    }
    if ((type === 'Map' || type === 'Parallel') && Array.isArray(raw.Retry)) {
      const { Retry, Catch, Next, End, Comment, ...body } = state;
      const machine = { StartAt: name, States: { [name]: { ...body, End: true } } };
      info.set(name, { type, spec: { kind: 'retrying', retry: Retry as Retrier[], machine } });
      const task: JsonObject = {
        Type: 'Task',
        Resource: LOCAL_RETRY_RESOURCE,
        TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      };
      for (const [key, value] of Object.entries({ Catch, Next, End, Comment }))
        if (value !== undefined) task[key] = value;
      out[name] = task;
      continue;
    }
    out[name] = state;
  }
  return out;
}

function prepareMachine(machine: JsonObject, info: Map<string, StateInfo>): JsonObject {
  return { ...machine, States: prepareStates(machine.States, info) };
}

/** Points every `$$.Execution.StartTime` reference at the clock-based start time the runtime provides. */
function useClockStartTime(value: unknown): unknown {
  if (typeof value === 'string') {
    // A replacer function, because `$$` in a replacement string means a single `$`.
    return value.replaceAll('$$.Execution.StartTime', () => `$$.Execution.${CLOCK_START_TIME_FIELD}`);
  }
  if (Array.isArray(value)) return value.map(useClockStartTime);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, useClockStartTime(v)]));
  }
  return value;
}

/** Prepares a (validated) definition for the library; throws `InvalidDefinition` on what it cannot run. */
export function prepareDefinition(definition: JsonObject): PreparedDefinition {
  const info = new Map<string, StateInfo>();
  const { TimeoutSeconds, ...machine } = useClockStartTime(definition) as JsonObject;
  const runnable = prepareMachine(machine, info);
  const prepared: PreparedDefinition = { runnable, states: info };
  if (typeof TimeoutSeconds === 'number') prepared.timeoutSeconds = TimeoutSeconds;
  return prepared;
}
