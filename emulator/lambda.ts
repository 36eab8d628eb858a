/**
 * The local Lambda service: functions registered per region by name, invoked by EventBridge targets,
 * Step Functions `lambda:invoke` tasks and the local HTTP server, with the context object Lambda gives.
 */
import type { Context } from 'aws-lambda';
import { FunctionError, FunctionNotFoundError } from './errors.ts';

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

export class LambdaRegistry {
  private readonly byArn = new Map<string, Registered>();
  private requestCounter = 0;

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
    registered.invocations++;
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
