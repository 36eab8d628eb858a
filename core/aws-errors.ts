/**
 * AWS error names that say AWS failed a call (it was throttled, or the service failed on its side), not that the
 * request was wrong or capacity is short. One list for the Lambdas' retries (`lambdas/shared/aws-errors.ts`) and
 * the planner's backoff after a failed launch (`core/plan/signals.ts`).
 */

/**
 * Throttling, by each service's name for it: EC2 `RequestLimitExceeded`, Auto Scaling `Throttling`, ECS /
 * EventBridge / Step Functions `ThrottlingException`, Lambda `TooManyRequestsException`, DynamoDB
 * `ProvisionedThroughputExceededException`, and Lambda's `EC2ThrottledException` (EC2 throttled the function's
 * network setup).
 */
export const THROTTLING_ERRORS: readonly string[] = [
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'EC2ThrottledException',
];

/**
 * The services' own failures (their 5xx answers: internal and unavailable errors), the SDK failing to reach
 * them, Auto Scaling's `ResourceContention`, and PutEvents entries that kept failing (`FailedEntry`).
 */
export const SERVICE_FAILURE_ERRORS: readonly string[] = [
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'InternalException',
  'InternalServerError',
  'ServerException',
  'ServiceException',
  'AWSLambdaException',
  'SdkClientException',
  'ResourceContention',
  'FailedEntry',
];

const TRANSIENT = [...THROTTLING_ERRORS, ...SERVICE_FAILURE_ERRORS];

/**
 * Whether `reason` names a transient AWS failure. It is matched anywhere in the text, so the names may carry a
 * service prefix or suffix: a Lambda's error name, Step Functions' `<Service>.<Error>` for an SDK integration
 * (`AutoScaling.ThrottlingException`), `ServiceUnavailableException`.
 *
 * @example
 * isTransientAwsFailure('AutoScaling.ThrottlingException'); // true
 * isTransientAwsFailure('InsufficientInstanceCapacity'); // false
 */
export const isTransientAwsFailure = (reason: string): boolean =>
  TRANSIENT.some((name) => reason.includes(name));
