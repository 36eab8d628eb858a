import { Logger } from '@aws-lambda-powertools/logger';
import { EC2ServiceException, GetSpotPlacementScoresCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHandler } from '../../lambdas/region-finder/index.ts';
import { makeObservability } from '../../lambdas/shared/observability.ts';
import { finderFixture, scoresOf } from './region-finder.fixture.ts';

const context = {
  functionName: 'spotplane-region-finder',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:spotplane-region-finder',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

describe('RegionFinder handler', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('returns { chosen, reason, ranked, scores_from_cache, current, rebalance_* } and logs the decision with the Lambda context', async () => {
    const fx = finderFixture();
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'eu-west-1': 7 }) });
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    const handler = makeHandler({ clients: fx.clients, config: fx.config, clock: fx.clock, logger });

    const output = await handler({}, context);

    expect(Object.keys(output).sort()).toEqual([
      'chosen',
      'current',
      'ranked',
      'reason',
      'rebalance_to',
      'rebalance_why',
      'scores_from_cache',
    ]);
    expect(output).toMatchObject({ current: null, rebalance_to: null, rebalance_why: null });
    expect(output.chosen).toEqual({ region: 'eu-west-1', score: 7, price: null });
    expect(info).toHaveBeenCalledWith('region finder result', expect.objectContaining({ reason: null }));
  });

  it('takes { current_region } and logs the rebalance decision', async () => {
    const fx = finderFixture();
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'eu-west-1': 7 }) });
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    const handler = makeHandler({ clients: fx.clients, config: fx.config, clock: fx.clock, logger });

    const output = await handler({ current_region: 'eu-west-1', execution: 'arn:exec' }, context);

    expect(output.current).toMatchObject({ region: 'eu-west-1', score: 7 });
    expect(output.rebalance_to).toBeNull();
    expect(info).toHaveBeenCalledWith(
      'region finder result',
      expect.objectContaining({ rebalance_to: null, rebalance_why: expect.any(String) }),
    );
  });

  it('rejects a current_region that is not an AWS region, naming the field', async () => {
    const fx = finderFixture();
    const handler = makeHandler({
      clients: fx.clients,
      config: fx.config,
      clock: fx.clock,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });

    await expect(handler({ current_region: 'us-west2' }, context)).rejects.toMatchObject({
      name: 'FinderInputError',
      message: expect.stringContaining('current_region: must be an AWS region'),
    });
  });

  it('logs with the hub region and the Lambda context, like every spotplane Lambda', async () => {
    const fx = finderFixture();
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'eu-west-1': 7 }) });
    const observability = makeObservability('region-finder', { logLevel: 'SILENT' });
    const append = vi.spyOn(observability.logger, 'appendKeys');
    const addContext = vi.spyOn(observability.logger, 'addContext');
    const handler = makeHandler({ clients: fx.clients, config: fx.config, clock: fx.clock, observability });

    await handler({}, context);

    expect(append).toHaveBeenCalledWith(expect.objectContaining({ region: fx.config.hubRegion }));
    expect(addContext).toHaveBeenCalledWith(context);
  });

  it('logs a refused placement-score call as a warning with its AWS error code', async () => {
    const fx = finderFixture();
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .rejects(
        new EC2ServiceException({
          name: 'MaxConfigLimitExceeded',
          message: 'limit',
          $fault: 'client',
          $metadata: {},
        }),
      );
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const handler = makeHandler({ clients: fx.clients, config: fx.config, clock: fx.clock, logger });

    const output = await handler({}, context);

    expect(output.reason).toBe('NO_SCORES');
    expect(warn).toHaveBeenCalledWith(
      'GetSpotPlacementScores failed; trying cached scores',
      expect.objectContaining({ error: 'MaxConfigLimitExceeded' }),
    );
  });

  it('builds the deployed handler lazily: importing needs no environment, invoking validates it', async () => {
    vi.stubEnv('SPOTPLANE_CONFIG', '{"workerRegions":["us-west2"]}');
    const { handler } = await import('../../lambdas/region-finder/handler.ts');

    await expect(handler({}, context)).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('workerRegions.0'),
    });
  });
});
