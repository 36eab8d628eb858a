/** The seam between the local Step Functions runtime and whatever answers its Task states (LocalCloud, tests). */

/** One Task invocation, handed to the dispatcher. */
export interface TaskCall {
  /** The state's `Resource`, unchanged (e.g. `arn:aws:states:::events:putEvents.waitForTaskToken`). */
  resource: string;
  stateName: string;
  /** The effective input (after InputPath and Parameters); for callback tasks it carries `taskToken`. */
  input: unknown;
  /** Set for `.waitForTaskToken` resources: the token this task waits on. */
  taskToken?: string;
  executionArn: string;
  region: string;
  /** Aborted when the task times out or the execution stops. */
  signal: AbortSignal;
}

/**
 * Answers a Task. Resolves with the task's result (for `.waitForTaskToken` resources the result is
 * ignored: the task waits for SendTaskSuccess/Failure). Rejects with an error whose `name` is the
 * Step Functions error (`Ecs.InvalidParameterException`, a Lambda's error type, ...).
 */
export type TaskDispatcher = (call: TaskCall) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
];

/**
 * One entry of an execution's history, named like AWS's history event types: `ExecutionStarted`,
 * `TaskStateEntered`, `TaskScheduled`, `TaskStarted`, `TaskSubmitted`, `TaskSucceeded`, `TaskFailed`,
 * `TaskTimedOut`, `TaskStateExited`, `WaitStateEntered`, `ChoiceStateEntered`, `MapIterationStarted`,
 * `ExecutionSucceeded` / `ExecutionFailed` / `ExecutionAborted` / `ExecutionTimedOut`, ...
 */
export interface HistoryEvent {
  id: number;
  type: string;
  /** From the runtime's clock. */
  timestamp: Date;
  stateName?: string;
  /** Iteration index, for events inside a Map state. */
  index?: number;
  resource?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** One execution as `ListExecutions` lists it (SDK v3 casing); the richer views below extend it. */
export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

/** What AWS bills an execution for: state transitions (Standard) and its log (level ALL, data included). */
export interface ExecutionBill {
  /** One per state entered; a retry re-enters the state. */
  stateTransitions: number;
  /** Every history event, data included, written as one JSON log line. */
  logBytes: number;
}

/** An execution as the run-history view shows it. */
export interface LocalExecution extends ExecutionListItem {
  /** JSON text, as the API returns it. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: readonly HistoryEvent[];
}

/** `DescribeExecution` output, SDK v3 casing. */
export interface DescribeExecutionOutput extends ExecutionListItem {
  input: string;
  inputDetails: { included: true };
  output?: string;
  outputDetails?: { included: true };
  error?: string;
  cause?: string;
}

export interface ListExecutionsOutput {
  executions: ExecutionListItem[];
  nextToken?: string;
}
