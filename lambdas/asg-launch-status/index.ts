export { AsgNotFoundError, LaunchStatusInputError } from './errors.ts';
export { launchStatus, makeHandler } from './status.ts';
