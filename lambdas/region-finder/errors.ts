/** Errors of the RegionFinder adapter. Each sets `name` so Step Functions Retry/Catch can match on it. */

export { CallTimeoutError, TooManyPagesError } from '../shared/market/errors.ts';

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
