/**
 * Errors LocalCloud throws look exactly like the SDK's own: the service's modeled exception class
 * when the SDK has one (so `instanceof ParameterNotFound` works), else the service's
 * ServiceException base with AWS's error `name`. Handlers therefore cannot tell LocalCloud from AWS.
 */
import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as eventBridge from '@aws-sdk/client-eventbridge';
import * as globalAccelerator from '@aws-sdk/client-global-accelerator';
import * as lambda from '@aws-sdk/client-lambda';
import * as sfn from '@aws-sdk/client-sfn';
import * as ssm from '@aws-sdk/client-ssm';

/** Services with an action table in LocalCloud (`LocalCloud.call`, Step Functions' `aws-sdk:` tasks). */
export const SERVICE_NAMES = [
  'ec2',
  'autoscaling',
  'ecs',
  'ssm',
  'eventbridge',
  'sfn',
  'dynamodb',
  'globalaccelerator',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** Every service whose calls can fail with an AWS error: the action tables plus Lambda's Invoke. */
export const FAULT_SERVICES = [...SERVICE_NAMES, 'lambda'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

type ExceptionCtor = new (opts: Record<string, unknown>) => Error;

const SERVICES: Record<
  FaultService,
  { module: Record<string, unknown>; base: ExceptionCtor; pascal: string }
> = {
  ec2: { module: ec2, base: ec2.EC2ServiceException as unknown as ExceptionCtor, pascal: 'Ec2' },
  autoscaling: {
    module: autoScaling,
    base: autoScaling.AutoScalingServiceException as unknown as ExceptionCtor,
    pascal: 'AutoScaling',
  },
  ecs: { module: ecs, base: ecs.ECSServiceException as unknown as ExceptionCtor, pascal: 'Ecs' },
  ssm: { module: ssm, base: ssm.SSMServiceException as unknown as ExceptionCtor, pascal: 'Ssm' },
  eventbridge: {
    module: eventBridge,
    base: eventBridge.EventBridgeServiceException as unknown as ExceptionCtor,
    pascal: 'EventBridge',
  },
  sfn: { module: sfn, base: sfn.SFNServiceException as unknown as ExceptionCtor, pascal: 'Sfn' },
  // Step Functions' aws-sdk integration names DynamoDB errors `DynamoDb.<Name>` (the optimized
  // `arn:aws:states:::dynamodb:*` integration says `DynamoDB.<Name>`; see sfn-dispatch.ts).
  dynamodb: {
    module: dynamodb,
    base: dynamodb.DynamoDBServiceException as unknown as ExceptionCtor,
    pascal: 'DynamoDb',
  },
  globalaccelerator: {
    module: globalAccelerator,
    base: globalAccelerator.GlobalAcceleratorServiceException as unknown as ExceptionCtor,
    pascal: 'GlobalAccelerator',
  },
  lambda: {
    module: lambda,
    base: lambda.LambdaServiceException as unknown as ExceptionCtor,
    pascal: 'Lambda',
  },
};

/** Errors AWS attributes to the caller (HTTP 4xx) unless listed here as the service's fault. */
const SERVER_FAULTS = new Set([
  'InternalServerError',
  'ServiceException',
  'InternalError',
  'InternalException',
  'InternalServiceErrorException',
  'ServiceUnavailable',
]);
const THROTTLES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyUpdates',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * An error as the SDK v3 client of `service` would throw it for AWS error code `name`.
 *
 * @example
 * throw awsError('ssm', 'ParameterNotFound', 'Parameter /x not found.');
 */
export function awsError(service: FaultService, name: string, message: string): Error {
  const { module, base } = SERVICES[service];
  const fault = SERVER_FAULTS.has(name) ? 'server' : 'client';
  const $metadata = {
    httpStatusCode: fault === 'server' ? 500 : THROTTLES.has(name) ? 429 : 400,
    attempts: 1,
    totalRetryDelay: 0,
  };
  // Query-protocol services (Auto Scaling) model AWS code `X` as class `XFault`.
  const modeled = module[name] ?? module[`${name}Fault`];
  if (typeof modeled === 'function' && modeled.prototype instanceof base) {
    const error = new (modeled as ExceptionCtor)({ message, $metadata });
    // Some modeled classes keep `Message` only; the SDK's deserializer sets both.
    Object.assign(error, { message });
    return error;
  }
  return new base({ name, message, $fault: fault, $metadata });
}

/**
 * The `Error` a Step Functions aws-sdk integration reports for an SDK error: `<Service>.<Name>`, both
 * PascalCase, with an `Exception` suffix added when AWS's own name lacks it (as Step Functions does).
 */
export function stepFunctionsErrorName(service: FaultService, name: string): string {
  // Step Functions names errors after the API reference (`ResourceContention`), not the SDK class (`...Fault`).
  const code = service === 'autoscaling' ? name.replace(/Fault$/, '') : name;
  const suffixed = code.endsWith('Exception') ? code : `${code}Exception`;
  return `${SERVICES[service].pascal}.${suffixed}`;
}

/** Thrown for a function name or ARN nobody registered (AWS: ResourceNotFoundException). */
export class FunctionNotFoundError extends Error {
  override name = 'ResourceNotFoundException';
}

/** The error a failed invocation surfaces as: Step Functions and callers see the function's error type. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = errorType;
  }
}

/** What EventBridge's PutRule / TestEventPattern throw for a malformed pattern. */
export class InvalidEventPatternException extends Error {
  override readonly name = 'InvalidEventPatternException';
  /** Where in the pattern the problem is, e.g. `detail.state[0]`; `(root)` for the whole pattern. */
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.path = path;
  }
}
