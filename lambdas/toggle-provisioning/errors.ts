/** Errors of ToggleProvisioning. */

/** Some `Teardown Requested` events could not be put on the hub bus, even after a retry. */
export class TeardownRequestError extends Error {
  override readonly name = 'TeardownRequestError';
  constructor(
    message: string,
    readonly regions: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
