/** Errors raised while building the infrastructure; each names what to fix. */

/** A stack cannot be built from the given inputs (a missing file, an unknown action, a name too long). */
export class InfraError extends Error {
  override readonly name = 'InfraError';
}
