/** Recognising AWS SDK v3 errors by their `name`, the one field real AWS, LocalCloud and mocks agree on. */
import { THROTTLING_ERRORS } from '../../core/aws-errors.ts';

export const errorName = (error: unknown): string | null =>
  typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : null;

/**
 * The AWS error code of an SDK error for logs and "why" texts: `Code` where an older shape carries it,
 * else `name`; `UnknownError` for anything else.
 *
 * @example
 * awsErrorName(new ParameterNotFound({ message: 'x', $metadata: {} })); // 'ParameterNotFound'
 */
export function awsErrorName(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { Code?: unknown }).Code : undefined;
  if (typeof code === 'string' && code !== '') return code;
  return errorName(error) || 'UnknownError';
}

/** True when `error` is an AWS error with one of `names` (e.g. `isAwsError(e, 'ParameterNotFound')`). */
export const isAwsError = (error: unknown, ...names: string[]): boolean => {
  const name = errorName(error);
  return name !== null && names.includes(name);
};

const THROTTLING = new Set(THROTTLING_ERRORS);

/** An error worth retrying later: throttling or an AWS-side (5xx) failure. */
export function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  if (name !== null && THROTTLING.has(name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}
