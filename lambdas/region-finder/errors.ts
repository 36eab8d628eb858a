/** Errors of the RegionFinder adapter. Each sets `name` so Step Functions Retry/Catch can match on it. */

/** An AWS call that did not answer within its per-call budget; it was aborted. */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  constructor(
    readonly operation: string,
    readonly region: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} in ${region} did not answer within ${timeoutMs} ms`);
  }
}

/** The hub state document exists but cannot be read as a `HubState`; exclusions would be guesswork. */
export class HubStateInvalidError extends Error {
  override readonly name = 'HubStateInvalidError';
  constructor(parameter: string, detail: string, options?: { cause?: unknown }) {
    super(`SSM parameter ${parameter} does not hold a valid hub state document: ${detail}`, options);
  }
}

/** A paginated AWS call kept returning NextToken beyond any plausible page count. */
export class TooManyPagesError extends Error {
  override readonly name = 'TooManyPagesError';
  constructor(operation: string, region: string, pages: number) {
    super(`${operation} in ${region} returned more than ${pages} pages`);
  }
}

/** The AWS error code of an SDK error (`name`, or `Code` for older shapes), for logs and "why" texts. */
export function awsErrorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const { name, Code } = error as { name?: unknown; Code?: unknown };
    if (typeof Code === 'string' && Code) return Code;
    if (typeof name === 'string' && name) return name;
  }
  return 'UnknownError';
}
