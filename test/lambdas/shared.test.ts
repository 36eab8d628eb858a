import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { awsErrorName, isRetryable } from '../../lambdas/shared/aws-errors.ts';
import { asgName, ownRegion, requiredEnv } from '../../lambdas/shared/env.ts';
import { requestFromApiGateway } from '../../lambdas/shared/http.ts';
import { lazyHandler } from '../../lambdas/shared/lazy.ts';
import { countMetric, instrument, METRIC, makeObservability } from '../../lambdas/shared/observability.ts';
import { awsError, lambdaContext, quietObservability } from './helpers.ts';

describe('instrument (Powertools middlewares + the execution id)', () => {
  type Event = { id?: string; execution?: unknown };
  const build = (body: (event: Event) => Promise<string>, metrics = true, obs = quietObservability()) => {
    const handler = middy<Event, string>()
      .use(
        instrument<Event, string>(obs, {
          metrics,
          staticContext: { region: 'us-west-2' },
          contextFromEvent: (event) => ({ instance: event.id, asg: null }),
        }),
      )
      .handler(body);
    return { obs, handler };
  };

  /** Every JSON line the logger writes during `run` (Powertools writes to stdout / stderr through its own console). */
  const logLines = async (run: () => Promise<unknown>) => {
    const lines: Record<string, unknown>[] = [];
    const capture = (chunk: unknown) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      return true;
    };
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation(capture),
    );
    try {
      await run();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return lines;
  };

  it('logs the Lambda context, region, execution and event keys for that invocation only', async () => {
    const obs = makeObservability('svc', { logLevel: 'INFO' });
    const { handler } = build(
      async (event) => {
        obs.logger.info('working', { n: event.id ? 1 : 2 });
        return 'ok';
      },
      false,
      obs,
    );
    const lines = await logLines(async () => {
      await handler({ id: 'i-1', execution: 'arn:aws:states:us-east-1:1:execution:m:e1' }, lambdaContext);
      await handler({}, { ...lambdaContext, awsRequestId: 'req-2' });
    });

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      message: 'working',
      region: 'us-west-2',
      execution: 'arn:aws:states:us-east-1:1:execution:m:e1',
      instance: 'i-1',
      function_name: 'test',
      function_request_id: 'req-1',
    });
    expect(lines[0]).not.toHaveProperty('asg');
    // The second invocation of the warm Lambda carries none of the first one's keys.
    expect(lines[1]).toMatchObject({ region: 'us-west-2', function_request_id: 'req-2' });
    expect(lines[1]).not.toHaveProperty('execution');
    expect(lines[1]).not.toHaveProperty('instance');
  });

  it('logs the execution only when the payload carries a non-empty string', async () => {
    const { obs, handler } = build(async () => 'ok', false);
    const append = vi.spyOn(obs.logger, 'appendKeys');
    await handler({ execution: 'arn:aws:states:eu-west-1:1:execution:m:e' }, lambdaContext);
    await handler({ execution: 42 }, lambdaContext);
    await handler({ execution: '' }, lambdaContext);

    expect(append).toHaveBeenNthCalledWith(1, {
      region: 'us-west-2',
      execution: 'arn:aws:states:eu-west-1:1:execution:m:e',
    });
    expect(append).toHaveBeenNthCalledWith(2, { region: 'us-west-2' });
    expect(append).toHaveBeenNthCalledWith(3, { region: 'us-west-2' });
  });

  it('publishes the metrics counted during the invocation, also when it fails', async () => {
    let fail = false;
    const { obs, handler } = build(async () => {
      countMetric(obs.metrics, METRIC.launches);
      if (fail) throw awsError('ThrottlingException');
      return 'ok';
    });
    const publish = vi.spyOn(obs.metrics, 'publishStoredMetrics');
    await handler({}, lambdaContext);
    fail = true;
    await expect(handler({}, lambdaContext)).rejects.toThrow();
    expect(publish).toHaveBeenCalledTimes(2);
    expect(obs.metrics.hasStoredMetrics()).toBe(false);
  });

  it('does not flush (and warn about empty) metrics for a handler that counts none', async () => {
    const { obs, handler } = build(async () => 'ok', false);
    const publish = vi.spyOn(obs.metrics, 'publishStoredMetrics');
    await handler({}, lambdaContext);
    expect(publish).not.toHaveBeenCalled();
  });

  it('logs a failed invocation with its keys, rethrows it, then resets the keys', async () => {
    const obs = makeObservability('svc', { logLevel: 'INFO' });
    const { handler } = build(
      async (event) => {
        if (event.id) throw awsError('ThrottlingException');
        obs.logger.info('fine');
        return 'ok';
      },
      false,
      obs,
    );
    const lines = await logLines(async () => {
      await expect(handler({ id: 'i-9' }, lambdaContext)).rejects.toMatchObject({
        name: 'ThrottlingException',
      });
      await handler({}, lambdaContext);
    });
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'invocation failed',
      instance: 'i-9',
      region: 'us-west-2',
      error: { name: 'ThrottlingException' },
    });
    expect(lines[1]).toMatchObject({ message: 'fine' });
    expect(lines[1]).not.toHaveProperty('instance');
  });

  it('survives a context extractor that throws', async () => {
    const obs = quietObservability();
    const handler = middy<unknown, string>()
      .use(
        instrument(obs, {
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
