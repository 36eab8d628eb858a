/**
 * A local, per-region Step Functions: runs `statemachines/*.asl.json` with `aws-local-stepfunctions`,
 * answers Task states through an injected dispatcher, keeps every wait on an injected TimerClock and
 * speaks the API's request/response shapes and error names. LocalCloud's Step Functions service and
 * the state machine tests are built on it.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { TimerClock } from '../clock.ts';
import { SfnError } from './errors.ts';
import { Execution } from './execution.ts';
import { TaskRunner } from './task-runner.ts';
import { TokenRegistry } from './tokens.ts';
import { type JsonObject, type PreparedDefinition, prepareDefinition } from './transform.ts';
import {
  type DescribeExecutionOutput,
  EXECUTION_STATUSES,
  type ExecutionBill,
  type ExecutionListItem,
  type ExecutionStatus,
  type ListExecutionsOutput,
  type LocalExecution,
  type TaskDispatcher,
} from './types.ts';

export { SfnError, TaskError } from './errors.ts';
export { LOCAL_WAIT_RESOURCE } from './transform.ts';
export type * from './types.ts';

type Definition = ConstructorParameters<typeof StateMachine>[0];

interface RegisteredMachine {
  name: string;
  arn: string;
  /** Canonical JSON of the definition, to tell an identical re-create from a conflicting one. */
  text: string;
  prepared: PreparedDefinition;
  machine: StateMachine;
  /** Execution ARNs in start order. */
  executions: string[];
}

// AWS: 1-80 characters, none of whitespace, brackets, wildcards, "#%\^|~`$&,;:/ or control characters.
const VALID_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

function checkName(name: string, what: string): void {
  if (typeof name !== 'string' || !VALID_NAME.test(name)) {
    throw new SfnError('InvalidName', `Invalid ${what} name: ${JSON.stringify(name)}`);
  }
}

/**
 * Definitions already validated, by their JSON text (valid: null, invalid: the message). asl-validator
 * takes hundreds of milliseconds per definition, and tests and LocalCloud deployments create the same
 * few definitions over and over.
 */
const validations = new Map<string, string | null>();
const MAX_REMEMBERED_VALIDATIONS = 64;

function validate(definition: object, text: string): void {
  let problem = validations.get(text);
  if (problem === undefined) {
    try {
      // The validator mutates what it checks, hence the clone.
      new StateMachine(structuredClone(definition) as Definition);
      problem = null;
    } catch (cause) {
      problem = cause instanceof Error ? cause.message : String(cause);
    }
    if (validations.size >= MAX_REMEMBERED_VALIDATIONS) validations.delete(validations.keys().next().value!);
    validations.set(text, problem);
  }
  if (problem !== null) throw new SfnError('InvalidDefinition', problem);
}

function encodePageToken(afterArn: string): string {
  return Buffer.from(JSON.stringify({ after: afterArn })).toString('base64url');
}

function decodePageToken(token: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // Reported below.
  }
  throw new SfnError('InvalidToken', 'Invalid nextToken');
}

export interface LocalStepFunctionsOptions {
  region: string;
  accountId?: string;
  clock: TimerClock;
  dispatch: TaskDispatcher;
  /**
   * Whether a closed execution keeps its event history (default true, as AWS keeps it 90 days). A long
   * simulation, which reads only the bill, sets false: a closed execution then keeps its status, output
   * and bill, and its history reads empty.
   */
  keepClosedHistory?: boolean;
}

/** One region's Step Functions. */
export class LocalStepFunctions {
  readonly region: string;
  readonly accountId: string;
  private readonly clock: TimerClock;
  private readonly keepClosedHistory: boolean;
  private readonly tokens = new TokenRegistry();
  private readonly runner: TaskRunner;
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly runs = new Map<string, Execution>();

  constructor(opts: LocalStepFunctionsOptions) {
    this.region = opts.region;
    this.accountId = opts.accountId ?? '000000000000';
    this.clock = opts.clock;
    this.keepClosedHistory = opts.keepClosedHistory ?? true;
    this.runner = new TaskRunner({
      clock: opts.clock,
      dispatch: opts.dispatch,
      region: opts.region,
      tokens: this.tokens,
    });
  }

  /** Registers a state machine; re-creating one with the same definition returns the same ARN. */
  createStateMachine(name: string, definition: object): { stateMachineArn: string } {
    checkName(name, 'state machine');
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    const text = JSON.stringify(definition);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.text === text) return { stateMachineArn: arn };
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    validate(definition, text);
    const prepared = prepareDefinition(structuredClone(definition) as JsonObject);
    const machine = new StateMachine(prepared.runnable as unknown as Definition, {
      validationOptions: { noValidate: true },
    });
    this.machines.set(arn, { name, arn, text, prepared, machine, executions: [] });
    return { stateMachineArn: arn };
  }

  /** Starts an execution. As in AWS, repeating a running execution's name and input returns it again. */
  startExecution(i: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const registered = this.machine(i.stateMachineArn);
    const name = i.name ?? randomUUID();
    checkName(name, 'execution');
    const input = i.input ?? '{}';
    try {
      JSON.parse(input);
    } catch (cause) {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON', {
        cause,
      });
    }
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${registered.name}:${name}`;
    const existing = this.runs.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = new Execution({
      executionArn,
      stateMachineArn: registered.arn,
      stateMachineName: registered.name,
      name,
      input,
      executionToken: `execution-token:${randomUUID()}`,
      machine: registered.machine,
      prepared: registered.prepared,
      clock: this.clock,
      runner: this.runner,
      keepClosedHistory: this.keepClosedHistory,
    });
    this.runs.set(executionArn, execution);
    registered.executions.push(executionArn);
    return { executionArn, startDate: execution.startDate };
  }

  /** Aborts a running execution and cancels its waiting tasks; a finished one is left as it is. */
  stopExecution(i: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const execution = this.execution(i.executionArn);
    execution.stop('ABORTED', i.error, i.cause);
    return { stopDate: execution.stopDate ?? this.clock.now() };
  }

  describeExecution(i: { executionArn: string }): DescribeExecutionOutput {
    const e = this.execution(i.executionArn);
    const out: DescribeExecutionOutput = {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      input: e.input,
      inputDetails: { included: true },
    };
    if (e.stopDate) out.stopDate = e.stopDate;
    if (e.output !== undefined) {
      out.output = e.output;
      out.outputDetails = { included: true };
    }
    if (e.error !== undefined) out.error = e.error;
    if (e.cause !== undefined) out.cause = e.cause;
    return out;
  }

  /** Newest first, like AWS; `maxResults` 1-1000 (default 100), `nextToken` from the previous page. */
  listExecutions(i: {
    stateMachineArn: string;
    statusFilter?: string;
    maxResults?: number;
    nextToken?: string;
  }): ListExecutionsOutput {
    const registered = this.machine(i.stateMachineArn);
    const filter = i.statusFilter;
    if (filter !== undefined && !EXECUTION_STATUSES.includes(filter as ExecutionStatus)) {
      throw new SfnError(
        'ValidationException',
        `statusFilter must be one of ${EXECUTION_STATUSES.join(', ')}`,
      );
    }
    const max = i.maxResults === undefined || i.maxResults === 0 ? 100 : i.maxResults;
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      throw new SfnError('ValidationException', 'maxResults must be an integer from 0 to 1000');
    }
    const newestFirst = [...registered.executions].reverse();
    let start = 0;
    if (i.nextToken !== undefined) {
      const after = newestFirst.indexOf(decodePageToken(i.nextToken));
      if (after < 0) throw new SfnError('InvalidToken', 'Invalid nextToken');
      start = after + 1;
    }
    const items: ExecutionListItem[] = [];
    let last: string | undefined;
    for (let k = start; k < newestFirst.length && items.length < max; k++) {
      const arn = newestFirst[k]!;
      last = arn;
      const e = this.runs.get(arn)!;
      if (filter !== undefined && e.status !== filter) continue;
      const item: ExecutionListItem = {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
      };
      if (e.stopDate) item.stopDate = e.stopDate;
      items.push(item);
    }
    const more =
      last !== undefined && newestFirst.indexOf(last) < newestFirst.length - 1 && items.length === max;
    return more ? { executions: items, nextToken: encodePageToken(last!) } : { executions: items };
  }

  sendTaskSuccess(i: { taskToken: string; output: string }): Record<string, never> {
    const waiter = this.tokens.waiter(i.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(i.output);
    } catch (cause) {
      throw new SfnError('InvalidOutput', 'Invalid output: not valid JSON', { cause });
    }
    waiter.succeed(output);
    return {};
  }

  sendTaskFailure(i: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    this.tokens.waiter(i.taskToken).fail(i.error || 'States.TaskFailed', i.cause ?? '');
    return {};
  }

  sendTaskHeartbeat(i: { taskToken: string }): Record<string, never> {
    this.tokens.waiter(i.taskToken).heartbeat();
    return {};
  }

  /** Every execution in start order, with its event history (for `/_local/executions`). */
  executions(): LocalExecution[] {
    return [...this.runs.values()].map((e) => e.snapshot());
  }

  /** What AWS bills every execution so far for, summed. */
  bill(): ExecutionBill {
    const total: ExecutionBill = { stateTransitions: 0, logBytes: 0 };
    for (const execution of this.runs.values()) {
      const bill = execution.bill();
      total.stateTransitions += bill.stateTransitions;
      total.logBytes += bill.logBytes;
    }
    return total;
  }

  /** Resolves with the execution once it has a final status. */
  async settled(executionArn: string): Promise<LocalExecution> {
    const execution = this.execution(executionArn);
    await execution.done;
    return execution.snapshot();
  }

  /** Stops every running execution (ABORTED): for shutting a local run down. */
  close(): void {
    for (const e of this.runs.values()) e.stop('ABORTED', 'States.Aborted', 'Local Step Functions closed');
  }

  private machine(arn: string): RegisteredMachine {
    const registered = this.machines.get(arn);
    if (!registered) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return registered;
  }

  private execution(arn: string): Execution {
    const execution = this.runs.get(arn);
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}
