/** Errors raised by the shared Lambda layer. Each sets `name` so logs and Step Functions Catch can match. */

/** A Lambda's environment is missing a variable or holds a bad value; names the variable. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** The hub state document or provisioning parameter in SSM cannot be read as what it should be. */
export class StateDocumentError extends Error {
  override readonly name = 'StateDocumentError';
}

/** The ASG the worker stack creates is missing: a deployment problem, not a capacity one. */
export class AsgNotFoundError extends Error {
  override readonly name = 'AsgNotFoundError';
}

/** An item of the hub's state table is not what its writer stores (names the item and the bad fields). */
export class StateItemError extends Error {
  override readonly name = 'StateItemError';
}

/**
 * Another writer changed an item between our read and our conditional write, more often than we retry:
 * for `status` this means a second Orchestrator runs (this one stops), for `spec` a burst of toggles.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
