/** Errors of GetInstanceFromAsg. */
export { AsgNotFoundError } from '../shared/errors.ts';

/** EC2 described an instance without a field the public contract needs; names the instance and field. */
export class InstanceDescriptionError extends Error {
  override readonly name = 'InstanceDescriptionError';
}
