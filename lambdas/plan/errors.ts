/** Errors of the Plan Lambda. */

/** The input is not an Observation (names the bad fields): Observe and Plan disagree on the shape. */
export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
}
