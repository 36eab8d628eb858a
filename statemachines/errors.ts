/** Errors of the state machine loader. */

/** A definition that cannot be loaded; `problems` names each missing, unknown or ill-typed placeholder. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  constructor(
    message: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
