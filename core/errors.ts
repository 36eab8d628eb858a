/** Errors raised by the pure core. Each sets `name` so Step Functions Retry/Catch can match on it. */

/** Raised when a configuration document fails validation; `issues` names every bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure of an API request whose status and message are safe to show the client. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A command line that cannot be run as given (an unknown flag, a missing or bad value). The message names
 * the flag; every CLI prints it without a stack trace and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
