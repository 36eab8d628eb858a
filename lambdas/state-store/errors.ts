/** Errors of the state-store Lambda; the Orchestrator's Catch matches on `name`. */

/** The Orchestrator sent an input that is not one of the state-store actions; `issues` names each field. */
export class StateStoreInputError extends Error {
  override readonly name = 'StateStoreInputError';
  constructor(
    message: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
