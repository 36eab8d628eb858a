/** Errors of the market lookups (placement scores, Spot prices). Each sets `name` for logs and Catch. */

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

/** A paginated AWS call kept returning NextToken beyond any plausible page count. */
export class TooManyPagesError extends Error {
  override readonly name = 'TooManyPagesError';
  constructor(operation: string, region: string, pages: number) {
    super(`${operation} in ${region} returned more than ${pages} pages`);
  }
}
