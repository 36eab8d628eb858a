export { AsgNotFoundError, InstanceDescriptionError } from './errors.ts';
export { inServiceInstances, makeHandler } from './instances.ts';
