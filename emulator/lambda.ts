/**
 * The local Lambda service: functions registered per region by name, invoked by EventBridge targets,
 * Step Functions `lambda:invoke` tasks and the local HTTP server, with the context object Lambda gives.
 */
import * as lambdaSdk from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { awsError, FunctionError, FunctionNotFoundError } from './errors.ts';

export type LocalFunction = (event: unknown, context: Context) => Promise<unknown>;

interface Registered {
  name: string;
  region: string;
  arn: string;
  fn: LocalFunction;
  invocations: number;
  errors: number;
}

/** Timeout the context reports as remaining; handlers only use it to budget their own work. */
const REMAINING_MS = 900_000;

/**
 * Whether an injected `lambda` fault is an error of the Invoke *API* (the call itself fails, e.g.
 * `TooManyRequestsException`, `ServiceException`: Lambda never ran the function) rather than of the
 * *function* (it ran and crashed, e.g. `Runtime.ExitError`). The API's errors are exactly the exception
 * classes the Lambda SDK models, so the SDK decides, not a hand-made list.
 */
export function isInvokeApiError(name: string): boolean {
  const modeled = (lambdaSdk as Record<string, unknown>)[name];
  return typeof modeled === 'function' && modeled.prototype instanceof lambdaSdk.LambdaServiceException;
}

export class LambdaRegistry {
  private readonly byArn = new Map<string, Registered>();
  private requestCounter = 0;
  /**
   * Consulted before every invocation with the function's region: an AWS error name fails it (LocalCloud
   * wires its fault injection here). An Invoke API error is thrown as the Lambda SDK's error; any other
   * name is a function error — the function crashed before doing anything — reported the way Lambda
   * reports an unhandled error (callers and Step Functions see `errorType` = that name), so both kinds of
   * failure a deployment meets can be injected.
   */
  gate: (functionRegion: string) => string | undefined = () => undefined;

  constructor(private readonly accountId = '123456789012') {}

  arn(region: string, name: string): string {
    return `arn:aws:lambda:${region}:${this.accountId}:function:${name}`;
  }

  register(region: string, name: string, fn: LocalFunction): string {
    const arn = this.arn(region, name);
    this.byArn.set(arn, { name, region, arn, fn, invocations: 0, errors: 0 });
    return arn;
  }

  has(ref: string, callerRegion: string): boolean {
    return this.resolve(ref, callerRegion) !== undefined;
  }

  /** Invocation counts per function ARN (the simulator prices the control plane with them). */
  stats(): { arn: string; invocations: number; errors: number }[] {
    return [...this.byArn.values()].map(({ arn, invocations, errors }) => ({ arn, invocations, errors }));
  }

  /**
   * Invokes a function synchronously (RequestResponse) by ARN, or by name in `callerRegion`.
   * A function's thrown error comes back as a `FunctionError` named by its type, as Lambda reports it.
   */
  async invoke(ref: string, payload: unknown, callerRegion: string): Promise<unknown> {
    const registered = this.resolve(ref, callerRegion);
    if (!registered) throw new FunctionNotFoundError(`Function not found: ${ref}`);
    const injected = this.gate(registered.region);
    if (injected && isInvokeApiError(injected)) {
      throw awsError('lambda', injected, `${injected} injected by LocalCloud for lambda:Invoke`);
    }
    registered.invocations++;
    if (injected) {
      registered.errors++;
      throw new FunctionError(injected, `${injected} injected by LocalCloud: the function crashed`);
    }
    const requestId = `local-${(this.requestCounter++).toString(16).padStart(8, '0')}`;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: registered.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: registered.arn,
      memoryLimitInMB: '256',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${registered.name}`,
      logStreamName: `local/${requestId}`,
      getRemainingTimeInMillis: () => REMAINING_MS,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      // A JSON round trip, as the real service serializes payloads both ways.
      const result = await registered.fn(JSON.parse(JSON.stringify(payload ?? {})), context);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      registered.errors++;
      const err = error instanceof Error ? error : new Error(String(error));
      throw new FunctionError(err.name || 'Error', err.message, { cause: err });
    }
  }

  private resolve(ref: string, callerRegion: string): Registered | undefined {
    const base = ref.replace(/:(\$LATEST|\d+)$/, '');
    if (base.startsWith('arn:')) return this.byArn.get(base);
    return this.byArn.get(this.arn(callerRegion, base));
  }
}
