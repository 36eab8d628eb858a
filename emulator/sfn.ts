/**
 * Step Functions of one region, as the SDK sees it: a thin adapter over the local Step Functions
 * runtime (`emulator/sfn/`, which executes the ASL files). It validates requests the way the API does
 * and turns the runtime's errors into the SDK's SFN exceptions.
 */
import type {
  CreateStateMachineCommandInput,
  CreateStateMachineCommandOutput,
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  ListExecutionsCommandInput,
  ListExecutionsCommandOutput,
  ListStateMachinesCommandOutput,
  SendTaskFailureCommandInput,
  SendTaskHeartbeatCommandInput,
  SendTaskSuccessCommandInput,
  StartExecutionCommandInput,
  StartExecutionCommandOutput,
  StopExecutionCommandInput,
  StopExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import type { TimerClock } from './clock.ts';
import type { ExecutionBill, LocalExecution, TaskDispatcher } from './sfn/runtime.ts';

export type { TaskCall, TaskDispatcher } from './sfn/runtime.ts';

import { awsError } from './errors.ts';

type Output<T> = Omit<T, '$metadata'>;

/** The runtime API LocalCloud builds on (`emulator/sfn/runtime.ts` `LocalStepFunctions`). */
export interface StepFunctionsRuntime {
  createStateMachine(name: string, definition: object): { stateMachineArn: string };
  startExecution(i: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  };
  stopExecution(i: { executionArn: string; error?: string; cause?: string }): { stopDate: Date };
  describeExecution(i: { executionArn: string }): unknown;
  listExecutions(i: {
    stateMachineArn: string;
    statusFilter?: string;
    maxResults?: number;
    nextToken?: string;
  }): unknown;
  sendTaskSuccess(i: { taskToken: string; output: string }): unknown;
  sendTaskFailure(i: { taskToken: string; error?: string; cause?: string }): unknown;
  sendTaskHeartbeat(i: { taskToken: string }): unknown;
  executions(): LocalExecution[];
  /** What AWS bills every execution so far for. */
  bill(): ExecutionBill;
  /** Aborts every running execution (LocalCloud's `close`). */
  close?(): void;
}

export type StepFunctionsRuntimeFactory = (opts: {
  region: string;
  accountId: string;
  clock: TimerClock;
  dispatch: TaskDispatcher;
  keepClosedHistory?: boolean;
}) => StepFunctionsRuntime;

const SFN_ERRORS = new Set([
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'ExecutionLimitExceeded',
  'StateMachineDoesNotExist',
  'StateMachineAlreadyExists',
  'InvalidArn',
  'InvalidDefinition',
  'InvalidExecutionInput',
  'InvalidName',
  'InvalidOutput',
  'InvalidToken',
  'TaskDoesNotExist',
  'TaskTimedOut',
  'ValidationException',
]);
const STATUS_FILTERS = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export class SfnService {
  private readonly machines = new Map<string, { name: string; arn: string; created: Date }>();

  constructor(
    readonly runtime: StepFunctionsRuntime,
    private readonly clock: TimerClock,
  ) {}

  machineArns(): string[] {
    return [...this.machines.keys()];
  }

  async createStateMachine(
    input: CreateStateMachineCommandInput,
  ): Promise<Output<CreateStateMachineCommandOutput>> {
    if (!input.name) throw awsError('sfn', 'InvalidName', 'Invalid Name: ""');
    let definition: object;
    try {
      definition = JSON.parse(input.definition ?? '') as object;
    } catch (cause) {
      throw awsError(
        'sfn',
        'InvalidDefinition',
        `Invalid State Machine Definition: ${(cause as Error).message}`,
      );
    }
    const { stateMachineArn } = await translate(() =>
      this.runtime.createStateMachine(input.name!, definition),
    );
    const created = this.clock.now();
    this.machines.set(stateMachineArn, { name: input.name, arn: stateMachineArn, created });
    return { stateMachineArn, creationDate: created };
  }

  async listStateMachines(): Promise<Output<ListStateMachinesCommandOutput>> {
    return {
      stateMachines: [...this.machines.values()].map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD',
        creationDate: m.created,
      })),
    };
  }

  async startExecution(input: StartExecutionCommandInput): Promise<Output<StartExecutionCommandOutput>> {
    if (!input.stateMachineArn)
      throw awsError('sfn', 'InvalidArn', 'Invalid Arn: stateMachineArn is required');
    const text = input.input ?? '{}';
    try {
      JSON.parse(text);
    } catch {
      throw awsError(
        'sfn',
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${text.slice(0, 80)}'`,
      );
    }
    return translate(() =>
      this.runtime.startExecution({ stateMachineArn: input.stateMachineArn!, name: input.name, input: text }),
    );
  }

  async stopExecution(input: StopExecutionCommandInput): Promise<Output<StopExecutionCommandOutput>> {
    if (!input.executionArn) throw awsError('sfn', 'InvalidArn', 'Invalid Arn: executionArn is required');
    return translate(() =>
      this.runtime.stopExecution({
        executionArn: input.executionArn!,
        error: input.error,
        cause: input.cause,
      }),
    );
  }

  async describeExecution(
    input: DescribeExecutionCommandInput,
  ): Promise<Output<DescribeExecutionCommandOutput>> {
    if (!input.executionArn) throw awsError('sfn', 'InvalidArn', 'Invalid Arn: executionArn is required');
    return (await translate(() =>
      this.runtime.describeExecution({ executionArn: input.executionArn! }),
    )) as Output<DescribeExecutionCommandOutput>;
  }

  async listExecutions(input: ListExecutionsCommandInput): Promise<Output<ListExecutionsCommandOutput>> {
    if (!input.stateMachineArn)
      throw awsError('sfn', 'InvalidArn', 'Invalid Arn: stateMachineArn is required');
    if (input.statusFilter !== undefined && !STATUS_FILTERS.has(input.statusFilter)) {
      throw awsError(
        'sfn',
        'ValidationException',
        `1 validation error detected: Value '${input.statusFilter}' at 'statusFilter' failed to satisfy constraint`,
      );
    }
    if (input.maxResults !== undefined && (input.maxResults < 0 || input.maxResults > 1000)) {
      throw awsError(
        'sfn',
        'ValidationException',
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      );
    }
    return (await translate(() =>
      this.runtime.listExecutions({
        stateMachineArn: input.stateMachineArn!,
        statusFilter: input.statusFilter,
        maxResults: input.maxResults,
        nextToken: input.nextToken,
      }),
    )) as Output<ListExecutionsCommandOutput>;
  }

  async sendTaskSuccess(input: SendTaskSuccessCommandInput): Promise<Record<string, never>> {
    if (!input.taskToken) throw awsError('sfn', 'InvalidToken', 'Invalid token');
    try {
      JSON.parse(input.output ?? '');
    } catch {
      throw awsError('sfn', 'InvalidOutput', 'Invalid State Machine Execution Output');
    }
    await translate(() =>
      this.runtime.sendTaskSuccess({ taskToken: input.taskToken!, output: input.output! }),
    );
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureCommandInput): Promise<Record<string, never>> {
    if (!input.taskToken) throw awsError('sfn', 'InvalidToken', 'Invalid token');
    await translate(() =>
      this.runtime.sendTaskFailure({ taskToken: input.taskToken!, error: input.error, cause: input.cause }),
    );
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatCommandInput): Promise<Record<string, never>> {
    if (!input.taskToken) throw awsError('sfn', 'InvalidToken', 'Invalid token');
    await translate(() => this.runtime.sendTaskHeartbeat({ taskToken: input.taskToken! }));
    return {};
  }
}

/**
 * Runs a runtime call (sync or async, the runtime may be either), re-throwing its AWS-named errors as
 * the SDK's SFN exceptions.
 */
async function translate<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && SFN_ERRORS.has(error.name)) {
      throw Object.assign(awsError('sfn', error.name, error.message), { cause: error });
    }
    throw error;
  }
}
