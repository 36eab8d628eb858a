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

/** A paginated AWS call kept returning NextToken beyond any plausible page count. */
export class TooManyPagesError extends Error {
  override readonly name = 'TooManyPagesError';
  constructor(operation: string, region: string, pages: number) {
    super(`${operation} in ${region} returned more than ${pages} pages`);
  }
}

/** The finder's input is not `{}` or `{ current_region }`; the message names the bad field. */
export class FinderInputError extends Error {
  override readonly name = 'FinderInputError';
  constructor(
    message: string,
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A hub state document that cannot be read is the shared `StateDocumentError`. */
export { StateDocumentError } from '../shared/errors.ts';
