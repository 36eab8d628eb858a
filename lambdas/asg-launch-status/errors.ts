/** Errors of AsgLaunchStatus. */
export { AsgNotFoundError } from '../shared/errors.ts';

/** The input is not `{ since: <ISO-8601 time> }`; names the field. */
export class LaunchStatusInputError extends Error {
  override readonly name = 'LaunchStatusInputError';
}
