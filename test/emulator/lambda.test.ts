import { describe, expect, it } from 'vitest';
import { FunctionError } from '../../emulator/errors.ts';
import { LambdaRegistry } from '../../emulator/lambda.ts';

describe('LambdaRegistry', () => {
  it('invokes by ARN from anywhere and by name within the caller region', async () => {
    const registry = new LambdaRegistry('123456789012');
    const arn = registry.register('us-west-2', 'echo', async (event) => ({ got: event }));
    expect(arn).toBe('arn:aws:lambda:us-west-2:123456789012:function:echo');
    expect(await registry.invoke(arn, { a: 1 }, 'eu-west-1')).toEqual({ got: { a: 1 } });
    expect(await registry.invoke('echo', { b: 2 }, 'us-west-2')).toEqual({ got: { b: 2 } });
    await expect(registry.invoke('echo', {}, 'eu-west-1')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('passes payloads and results through JSON, as Lambda serializes them', async () => {
    const registry = new LambdaRegistry();
    const arn = registry.register('us-east-1', 'dates', async () => ({
      at: new Date('2026-11-24T10:00:00Z'),
      gone: undefined,
    }));
    expect(await registry.invoke(arn, {}, 'us-east-1')).toEqual({ at: '2026-11-24T10:00:00.000Z' });
  });

  it("reports a thrown error as a FunctionError named by the function's error type, and counts it", async () => {
    const registry = new LambdaRegistry();
    const arn = registry.register('us-east-1', 'boom', async () => {
      throw Object.assign(new Error('no capacity'), { name: 'LaunchFailed' });
    });
    const error = await registry.invoke(arn, {}, 'us-east-1').catch((e) => e);
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ name: 'LaunchFailed', errorType: 'LaunchFailed', message: 'no capacity' });
    expect(registry.stats()).toEqual([{ arn, invocations: 1, errors: 1 }]);
  });

  it('gives handlers a Lambda context naming the function', async () => {
    const registry = new LambdaRegistry();
    const arn = registry.register('us-east-1', 'ctx', async (_e, context) => ({
      name: context.functionName,
      arn: context.invokedFunctionArn,
      remaining: context.getRemainingTimeInMillis() > 0,
    }));
    expect(await registry.invoke(arn, {}, 'us-east-1')).toEqual({ name: 'ctx', arn, remaining: true });
  });
});
