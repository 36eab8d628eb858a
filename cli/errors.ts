/** Errors of the status CLI that are not a usage mistake: each becomes one line and exit code 1. */

/** The API could not be reached, refused the request, or answered something that is not the contract. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** The URL that failed: every message names it. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The state asked for was not reached within the timeout. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}
