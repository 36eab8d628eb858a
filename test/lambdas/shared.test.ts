import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { awsErrorName, isRetryable } from '../../lambdas/shared/aws-errors.ts';
import { asgName, ownRegion, requiredEnv } from '../../lambdas/shared/env.ts';
import { requestFromApiGateway } from '../../lambdas/shared/http.ts';
import { lazyHandler } from '../../lambdas/shared/lazy.ts';
import { countMetric, METRIC, observe } from '../../lambdas/shared/observability.ts';
import { awsError, lambdaContext, quietObservability } from './helpers.ts';

describe('observe middleware', () => {
  const build = (body: (event: { id?: string }) => Promise<string>) => {
    const obs = quietObservability();
    const handler = middy<{ id?: string }, string>()
      .use(
        observe<{ id?: string }, string>({
          observability: obs,
          staticContext: { region: 'us-west-2' },
          contextFromEvent: (event) => ({ execution: event.id, instance: null }),
        }),
      )
      .handler(body);
    return { obs, handler };
  };

  it('puts region, execution and request id into the log context for the invocation only', async () => {
    const { obs, handler } = build(async () => 'ok');
    const append = vi.spyOn(obs.logger, 'appendKeys');
    const reset = vi.spyOn(obs.logger, 'resetKeys');

    await handler({ id: 'arn:exec:1' }, lambdaContext);

    expect(append).toHaveBeenCalledWith({
      region: 'us-west-2',
      execution: 'arn:exec:1',
      request_id: 'req-1',
    });
    expect(reset).toHaveBeenCalledTimes(1);
  });

  it('logs the execution any workflow payload carries, without an extractor', async () => {
    const obs = quietObservability();
    const append = vi.spyOn(obs.logger, 'appendKeys');
    const handler = middy<unknown, string>()
      .use(observe({ observability: obs, staticContext: { region: 'eu-west-1' } }))
      .handler(async () => 'ok');

    await handler(
      { since: '2026-11-24T10:00:00Z', execution: 'arn:aws:states:eu-west-1:1:execution:m:e' },
      lambdaContext,
    );
    await handler({ execution: 42 }, lambdaContext);

    expect(append).toHaveBeenNthCalledWith(1, {
      region: 'eu-west-1',
      execution: 'arn:aws:states:eu-west-1:1:execution:m:e',
      request_id: 'req-1',
    });
    expect(append).toHaveBeenNthCalledWith(2, { region: 'eu-west-1', request_id: 'req-1' });
  });

  it('publishes the metrics counted during the invocation', async () => {
    const { obs, handler } = build(async () => {
      countMetric(obs.metrics, METRIC.launches);
      return 'ok';
    });
    const publish = vi.spyOn(obs.metrics, 'publishStoredMetrics');
    await handler({}, lambdaContext);
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('logs a failed invocation and still rethrows it', async () => {
    const { obs, handler } = build(async () => {
      throw awsError('ThrottlingException');
    });
    const error = vi.spyOn(obs.logger, 'error');
    await expect(handler({}, lambdaContext)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(error).toHaveBeenCalledWith('invocation failed', {
      error: expect.objectContaining({ name: 'ThrottlingException' }),
    });
  });

  it('survives a context extractor that throws', async () => {
    const obs = quietObservability();
    const handler = middy<unknown, string>()
      .use(
        observe({
          observability: obs,
          contextFromEvent: () => {
            throw new Error('bad event');
          },
        }),
      )
      .handler(async () => 'ok');
    expect(await handler(undefined, lambdaContext)).toBe('ok');
  });
});

describe('requestFromApiGateway', () => {
  it('falls back to harmless values for a partial event', () => {
    expect(requestFromApiGateway(undefined)).toEqual({ method: 'GET', path: '/', headers: {}, body: null });
  });

  it('lower-cases header names and keeps a root path under a named stage', () => {
    const request = requestFromApiGateway({
      rawPath: '/prod',
      headers: { 'Content-Type': 'application/json' },
      requestContext: { stage: 'prod', http: { method: 'GET' } } as never,
    });
    expect(request).toMatchObject({ path: '/', headers: { 'content-type': 'application/json' } });
  });
});

describe('isRetryable', () => {
  it.each([
    [awsError('ThrottlingException'), true],
    [awsError('TooManyRequestsException'), true],
    [awsError('InternalFailure', 500), true],
    [awsError('ValidationException'), false],
    [new Error('plain'), false],
    [null, false],
  ])('classifies %o', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('environment', () => {
  it('names a missing variable', () => {
    expect(() => requiredEnv({}, 'ORCHESTRATOR_ARN')).toThrow(/ORCHESTRATOR_ARN is not set/);
    expect(() => requiredEnv({ ORCHESTRATOR_ARN: ' ' }, 'ORCHESTRATOR_ARN')).toThrow(
      expect.objectContaining({ name: 'EnvironmentError' }),
    );
    expect(requiredEnv({ ORCHESTRATOR_ARN: 'arn' }, 'ORCHESTRATOR_ARN')).toBe('arn');
  });

  it('takes the region from SPOTPLANE_REGION, else AWS_REGION', () => {
    expect(ownRegion({ SPOTPLANE_REGION: 'eu-west-1', AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(ownRegion({ AWS_REGION: 'us-east-1' })).toBe('us-east-1');
    expect(() => ownRegion({})).toThrow(/SPOTPLANE_REGION/);
  });

  it('defaults the ASG name from the prefix', () => {
    expect(asgName({}, 'sp')).toBe('sp-gpu');
    expect(asgName({ ASG_NAME: 'custom' }, 'sp')).toBe('custom');
  });
});

describe('lazyHandler', () => {
  it('builds the handler once, on first use', async () => {
    const build = vi.fn(() => async (event: number) => event * 2);
    const handler = lazyHandler(build);
    expect(build).not.toHaveBeenCalled();
    expect(await handler(2, undefined)).toBe(4);
    expect(await handler(3, undefined)).toBe(6);
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe('awsErrorName', () => {
  it.each([
    [{ Code: 'RequestLimitExceeded', name: 'Error' }, 'RequestLimitExceeded'],
    [{ name: 'ThrottlingException' }, 'ThrottlingException'],
    [{ name: '' }, 'UnknownError'],
    ['boom', 'UnknownError'],
    [null, 'UnknownError'],
  ])('names %j as %s', (error, expected) => {
    expect(awsErrorName(error)).toBe(expected);
  });
});
