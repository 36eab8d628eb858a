/** Errors of the Act Lambda. Their `name`s are what the Orchestrator's Catch matches. */

/** Another Orchestrator wrote `status` after this one observed it: this run ends and leaves it the table. */
export class SupersededError extends Error {
  override readonly name = 'Superseded';
}

/** The input is not what the Orchestrator passes (names the bad fields). */
export class ActInputError extends Error {
  override readonly name = 'ActInputError';
}
