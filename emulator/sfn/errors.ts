/** Errors of the local Step Functions runtime, named exactly like the AWS API's, so callers match on `name`. */

export type SfnErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'StateMachineAlreadyExists'
  | 'InvalidDefinition'
  | 'InvalidName'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'TaskTimedOut'
  | 'TaskDoesNotExist'
  | 'ValidationException';

/** An API error as Step Functions returns it: a client fault with the AWS error code as `name`. */
export class SfnError extends Error {
  override readonly name: SfnErrorName;
  /** Mirrors the SDK v3 `ServiceException` field, so code that branches on it treats both alike. */
  readonly $fault = 'client' as const;
  constructor(name: SfnErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/**
 * An error a Task ends with inside an execution (Catch/Retry match on `name`, `message` becomes the
 * Cause). `catchable: false` is for the runtime's own stop signal, which no Catch may swallow.
 */
export class TaskError extends Error {
  override readonly name: string;
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(name: string, cause: string, options: { catchable?: boolean; cause?: unknown } = {}) {
    super(cause, { cause: options.cause });
    this.name = name;
    this.isCatchable = options.catchable ?? true;
    this.isRetryable = this.isCatchable;
  }
}
