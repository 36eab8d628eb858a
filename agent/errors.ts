/** Errors of the on-instance agent. Each sets `name`; SDK and system errors travel as `cause`. */

/** The agent's config file is missing, unreadable or invalid; `issues` names every bad field. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The instance metadata service refused or failed a request (never retried without a token). */
export class ImdsError extends Error {
  override readonly name = 'ImdsError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An uploaded object's checksum did not match the bytes read from disk. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly key: string,
    readonly expected: readonly string[],
    readonly actual: string | undefined,
  ) {
    super(
      `checksum mismatch for ${key}: S3 returned ETag ${actual ?? '(none)'}, expected ${expected.join(' or ')}`,
    );
  }
}

/** Every upload attempt failed; the local checkpoint is left as it was. */
export class UploadFailedError extends Error {
  override readonly name = 'UploadFailedError';
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** S3 could not be reached or answered with an error while looking for a checkpoint to restore. */
export class S3UnreachableError extends Error {
  override readonly name = 'S3UnreachableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Neither S3 nor a valid local copy could provide a checkpoint, and S3 could not be asked. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
