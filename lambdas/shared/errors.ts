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
