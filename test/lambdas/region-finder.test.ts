import {
  DescribeSpotPriceHistoryCommand,
  type EC2Client,
  EC2ServiceException,
  GetSpotPlacementScoresCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scoreCacheEntry, scoreConfigurationKey } from '../../core/ranking/index.ts';
import { findRegion } from '../../lambdas/region-finder/index.ts';
import { finderFixture, NOW, priceRecord, scoresOf } from './region-finder.fixture.ts';

const ec2Error = (name: string, message = name) =>
  new EC2ServiceException({ name, message, $fault: 'client', $metadata: {} });

type Fixture = ReturnType<typeof finderFixture>;

function pricesIn(fx: Fixture, region: string, ...records: ReturnType<typeof priceRecord>[]) {
  fx.ec2(region).on(DescribeSpotPriceHistoryCommand).resolves({ SpotPriceHistory: records });
}

const calls = (mock: AwsClientStub<EC2Client>, command: typeof DescribeSpotPriceHistoryCommand) =>
  mock.commandCalls(command).length;

describe('RegionFinder', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = finderFixture();
  });

  it('asks for placement scores once, for all worker regions, from the hub region', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-west-2': 9 }) });

    const result = await findRegion(fx);

    const scoreCalls = fx.hubEc2().commandCalls(GetSpotPlacementScoresCommand);
    expect(scoreCalls).toHaveLength(1);
    expect(scoreCalls[0]!.args[0].input).toEqual({
      RegionNames: ['us-east-1', 'us-west-2', 'eu-west-1'],
      InstanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'],
      TargetCapacity: 1,
      SingleAvailabilityZone: false,
      NextToken: undefined,
    });
    expect(result).toMatchObject({ chosen: { region: 'us-west-2', score: 9, price: null }, reason: null });
    expect(result.scores_from_cache).toBe(false);
  });

  it('looks up no price when no score is tied', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 8 }) });

    await findRegion(fx);

    for (const region of fx.config.workerRegions) {
      expect(calls(fx.ec2(region), DescribeSpotPriceHistoryCommand)).toBe(0);
    }
  });

  it('breaks a score tie by numeric price ("10.1" vs "9.0"), asking each region its own price', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9, 'eu-west-1': 4 }) });
    pricesIn(fx, 'us-east-1', priceRecord('us-east-1a', '10.1'));
    pricesIn(fx, 'us-west-2', priceRecord('us-west-2a', '9.0'));

    const result = await findRegion(fx);

    expect(result.chosen).toEqual({ region: 'us-west-2', score: 9, price: 9 });
    expect(result.ranked.map((r) => [r.region, r.score, r.price])).toEqual([
      ['us-west-2', 9, 9],
      ['us-east-1', 9, 10.1],
      ['eu-west-1', 4, null],
    ]);
    const priceCall = fx.ec2('us-west-2').commandCalls(DescribeSpotPriceHistoryCommand)[0]!.args[0].input;
    expect(priceCall).toMatchObject({
      InstanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'],
      ProductDescriptions: ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'],
      StartTime: new Date(NOW),
    });
    expect(calls(fx.ec2('eu-west-1'), DescribeSpotPriceHistoryCommand)).toBe(0);
  });

  it('ranks a region with an empty price history as "price unknown" instead of crashing', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 7, 'us-west-2': 7 }) });
    fx.ec2('us-east-1').on(DescribeSpotPriceHistoryCommand).resolves({ SpotPriceHistory: [] });
    pricesIn(fx, 'us-west-2', priceRecord('us-west-2c', '0.81'));

    const result = await findRegion(fx);

    expect(result.chosen?.region).toBe('us-west-2');
    expect(result.ranked[1]).toMatchObject({ region: 'us-east-1', score: 7, price: null });
    expect(result.ranked[1]!.why).toContain('price unknown (no Linux/UNIX price record');
  });

  it('takes the cheapest AZ of Linux/UNIX records only, across mixed AZs, types and products', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 7, 'us-west-2': 7 }) });
    pricesIn(
      fx,
      'us-east-1',
      priceRecord('us-east-1a', '0.30', 'g6.xlarge', 'Windows'),
      priceRecord('us-east-1b', '0.95', 'g6.xlarge', 'Linux/UNIX'),
      priceRecord('us-east-1c', '0.62', 'g5.xlarge', 'Linux/UNIX (Amazon VPC)'),
      priceRecord('us-east-1c', '0.40', 'g5.xlarge', 'SUSE Linux'),
    );
    pricesIn(
      fx,
      'us-west-2',
      priceRecord('us-west-2a', '0.70'),
      priceRecord('us-west-2b', '0.65', 'g6e.xlarge'),
    );

    const result = await findRegion(fx);

    expect(result.chosen).toEqual({ region: 'us-east-1', score: 7, price: 0.62 });
    expect(result.ranked[0]!.why).toContain('g5.xlarge in us-east-1c');
    expect(result.ranked[1]!.price).toBe(0.65);
  });

  it('skips every excluded region and says ALL_EXCLUDED', async () => {
    fx.setExclusions(
      fx.config.workerRegions.map((region) => ({
        region,
        reason: 'SpotInterruption',
        until: '2026-11-24T10:30:00Z',
      })),
    );
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9 }) });

    const result = await findRegion(fx);

    expect(result).toEqual({
      chosen: null,
      reason: 'ALL_EXCLUDED',
      ranked: [],
      scores_from_cache: false,
      current: null,
      rebalance_to: null,
      rebalance_why: null,
    });
    for (const region of fx.config.workerRegions) {
      expect(calls(fx.ec2(region), DescribeSpotPriceHistoryCommand)).toBe(0);
    }
  });

  it('ignores an expired exclusion and honours a live one', async () => {
    fx.setExclusions([
      { region: 'us-east-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T09:59:59Z' },
      { region: 'us-west-2', reason: 'SpotInterruption', until: '2026-11-24T10:00:01Z' },
    ]);
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 6, 'us-west-2': 9 }) });

    const result = await findRegion(fx);

    expect(result.chosen?.region).toBe('us-east-1');
    expect(result.ranked.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('follows NextToken through every page of scores and of prices', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolvesOnce({ SpotPlacementScores: scoresOf({ 'us-east-1': 8 }), NextToken: 'scores-2' })
      .resolvesOnce({ SpotPlacementScores: scoresOf({ 'us-west-2': 8 }) });
    fx.ec2('us-east-1')
      .on(DescribeSpotPriceHistoryCommand)
      .resolvesOnce({ SpotPriceHistory: [priceRecord('us-east-1a', '0.90')], NextToken: 'prices-2' })
      .resolvesOnce({ SpotPriceHistory: [priceRecord('us-east-1d', '0.50')], NextToken: '' });
    pricesIn(fx, 'us-west-2', priceRecord('us-west-2a', '0.60'));

    const result = await findRegion(fx);

    const scoreCalls = fx.hubEc2().commandCalls(GetSpotPlacementScoresCommand);
    expect(scoreCalls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'scores-2']);
    const priceCalls = fx.ec2('us-east-1').commandCalls(DescribeSpotPriceHistoryCommand);
    expect(priceCalls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'prices-2']);
    expect(result.chosen).toEqual({ region: 'us-east-1', score: 8, price: 0.5 });
  });

  it('stops following a NextToken that never ends and ranks the region "price unknown"', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9 }) });
    fx.ec2('us-east-1')
      .on(DescribeSpotPriceHistoryCommand)
      .resolves({ SpotPriceHistory: [], NextToken: 'again' });
    pricesIn(fx, 'us-west-2', priceRecord('us-west-2a', '1.20'));

    const result = await findRegion(fx);

    expect(calls(fx.ec2('us-east-1'), DescribeSpotPriceHistoryCommand)).toBe(20);
    expect(result.ranked[1]!.why).toContain('TooManyPagesError');
    expect(result.chosen?.region).toBe('us-west-2');
  });

  it('treats endless placement-score pages as no scores', async () => {
    fx.hubEc2().on(GetSpotPlacementScoresCommand).resolves({ SpotPlacementScores: [], NextToken: 'again' });

    const result = await findRegion(fx);

    expect(fx.hubEc2().commandCalls(GetSpotPlacementScoresCommand)).toHaveLength(20);
    expect(result.reason).toBe('NO_SCORES');
  });

  it('ranks a throttled region as "price unknown" and decides with the others', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9 }) });
    fx.ec2('us-east-1')
      .on(DescribeSpotPriceHistoryCommand)
      .rejects(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
    pricesIn(fx, 'us-west-2', priceRecord('us-west-2a', '1.20'));

    const result = await findRegion(fx);

    expect(result.chosen?.region).toBe('us-west-2');
    expect(result.ranked[1]!.why).toContain('price unknown (RequestLimitExceeded: Request limit exceeded.)');
  });

  it('ranks worker regions beyond the 10 AWS returns below every scored region', async () => {
    const workerRegions = [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'ca-central-1',
      'eu-west-1',
      'eu-west-2',
      'eu-central-1',
      'ap-south-1',
      'ap-northeast-1',
      'ap-southeast-1',
      'ap-southeast-2',
    ] as const;
    fx = finderFixture({ workerRegions: [...workerRegions], minPlacementScore: 1 });
    // AWS answers with its top 10 only; the first two configured regions are left out.
    const returned = workerRegions.slice(2).map((Region, i) => ({ Region, Score: 10 - i }));
    fx.hubEc2().on(GetSpotPlacementScoresCommand).resolves({ SpotPlacementScores: returned });

    const result = await findRegion(fx);

    expect(
      fx.hubEc2().commandCalls(GetSpotPlacementScoresCommand)[0]!.args[0].input.RegionNames,
    ).toHaveLength(12);
    expect(result.ranked).toHaveLength(12);
    expect(result.ranked.slice(0, 10).every((r) => r.score !== null)).toBe(true);
    expect(result.ranked.slice(10).map((r) => [r.region, r.score])).toEqual([
      ['us-east-1', null],
      ['us-east-2', null],
    ]);
    expect(result.chosen?.region).toBe('us-west-1');
  });

  it('stores fresh scores in the cache keyed by the configuration', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 5 }) });

    await findRegion(fx);

    const put = fx.ssm.commandCalls(PutParameterCommand);
    expect(put).toHaveLength(1);
    expect(put[0]!.args[0].input).toMatchObject({ Name: fx.names.scoreCacheParameter, Overwrite: true });
    const stored = JSON.parse(put[0]!.args[0].input.Value!);
    expect(stored).toEqual({
      key: scoreConfigurationKey({
        regions: fx.config.workerRegions,
        instanceTypes: fx.config.instanceTypes,
        targetCapacity: 1,
      }),
      fetched_at: NOW,
      scores: { 'us-east-1': 9, 'us-west-2': 5 },
    });
  });

  it('still decides when the cache cannot be written', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9 }) });
    fx.ssm.on(PutParameterCommand).rejects(ec2Error('AccessDeniedException'));
    const warnings: string[] = [];

    const result = await findRegion({ ...fx, log: { info: () => {}, warn: (m) => warnings.push(m) } });

    expect(result.chosen?.region).toBe('us-east-1');
    expect(warnings).toEqual(['could not store placement scores']);
  });

  describe('when AWS refuses a new configuration (MaxConfigLimitExceeded)', () => {
    const key = () =>
      scoreConfigurationKey({
        regions: fx.config.workerRegions,
        instanceTypes: fx.config.instanceTypes,
        targetCapacity: fx.config.targetCapacity,
      });
    const cache = (fetchedAt: Date, scores: Record<string, number>) =>
      fx.ssm.on(GetParameterCommand, { Name: fx.names.scoreCacheParameter }).resolves({
        Parameter: {
          Value: JSON.stringify(scoreCacheEntry(key(), new Map(Object.entries(scores)), fetchedAt)),
        },
      });

    beforeEach(() => {
      fx.hubEc2().on(GetSpotPlacementScoresCommand).rejects(ec2Error('MaxConfigLimitExceeded'));
    });

    it('reuses the cached scores of the same configuration and says so', async () => {
      cache(new Date('2026-11-24T06:00:00Z'), { 'eu-west-1': 8, 'us-west-2': 6 });

      const result = await findRegion(fx);

      expect(result.scores_from_cache).toBe(true);
      expect(result.chosen).toEqual({ region: 'eu-west-1', score: 8, price: null });
      expect(fx.ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
    });

    it('answers NO_SCORES without a cache', async () => {
      const result = await findRegion(fx);

      expect(result.scores_from_cache).toBe(false);
      expect(result.chosen).toBeNull();
      expect(result.reason).toBe('NO_SCORES');
      expect(result.ranked.map((r) => r.score)).toEqual([null, null, null]);
    });

    it('answers NO_SCORES when the cached scores are older than the TTL', async () => {
      cache(new Date('2026-11-24T06:00:00Z'), { 'eu-west-1': 8 });

      const result = await findRegion(fx, { scoreCacheTtlMs: 3600_000 });

      expect(result).toMatchObject({ chosen: null, reason: 'NO_SCORES', scores_from_cache: false });
    });

    it('answers NO_SCORES when the cache itself cannot be read', async () => {
      fx.ssm
        .on(GetParameterCommand, { Name: fx.names.scoreCacheParameter })
        .rejects(ec2Error('InternalServerError'));

      const result = await findRegion(fx);

      expect(result.reason).toBe('NO_SCORES');
    });
  });

  describe('with a hung call', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gives up on a hung region after the per-call timeout and ranks it "price unknown"', async () => {
      fx.hubEc2()
        .on(GetSpotPlacementScoresCommand)
        .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9 }) });
      fx.ec2('us-east-1')
        .on(DescribeSpotPriceHistoryCommand)
        .callsFake(() => new Promise(() => {}));
      pricesIn(fx, 'us-west-2', priceRecord('us-west-2a', '2.00'));
      let settled = false;

      const pending = findRegion(fx, { callTimeoutMs: 2500 }).finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(2499);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const result = await pending;

      expect(result.chosen).toEqual({ region: 'us-west-2', score: 9, price: 2 });
      expect(result.ranked[1]).toMatchObject({ region: 'us-east-1', price: null });
      expect(result.ranked[1]!.why).toContain('timed out after 2500 ms');
      // The SDK receives the signal as send()'s second argument and aborts the HTTP request with it.
      const sendArgs = fx.ec2('us-east-1').commandCalls(DescribeSpotPriceHistoryCommand)[0]!
        .args as unknown[];
      const options = sendArgs[1] as { abortSignal: AbortSignal };
      expect(options.abortSignal.aborted).toBe(true);
    });

    it('falls back to NO_SCORES when the placement-score call hangs and nothing is cached', async () => {
      fx.hubEc2()
        .on(GetSpotPlacementScoresCommand)
        .callsFake(() => new Promise(() => {}));

      const pending = findRegion(fx, { callTimeoutMs: 1000 });
      await vi.advanceTimersByTimeAsync(1000);

      expect(await pending).toMatchObject({ chosen: null, reason: 'NO_SCORES' });
    });
  });

  it('performs every call one at a time in sequential mode, with the same decision', async () => {
    fx.hubEc2()
      .on(GetSpotPlacementScoresCommand)
      .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 9, 'us-west-2': 9, 'eu-west-1': 9 }) });
    let inFlight = 0;
    let maxInFlight = 0;
    for (const [region, price] of [
      ['us-east-1', '3'],
      ['us-west-2', '1'],
      ['eu-west-1', '2'],
    ] as const) {
      fx.ec2(region)
        .on(DescribeSpotPriceHistoryCommand)
        .callsFake(async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await Promise.resolve();
          inFlight--;
          return { SpotPriceHistory: [priceRecord(`${region}a`, price)] };
        });
    }

    const sequential = await findRegion(fx, { concurrency: 1 });
    expect(maxInFlight).toBe(1);
    maxInFlight = 0;
    const parallel = await findRegion(fx);

    expect(maxInFlight).toBe(3);
    expect(sequential).toEqual(parallel);
    expect(parallel.chosen?.region).toBe('us-west-2');
  });

  it('fails with a clear error when the hub state document is not valid', async () => {
    fx.ssm
      .on(GetParameterCommand, { Name: fx.names.stateParameter })
      .resolves({ Parameter: { Value: JSON.stringify({ status: 'BOGUS' }) } });
    fx.hubEc2().on(GetSpotPlacementScoresCommand).resolves({ SpotPlacementScores: [] });

    await expect(findRegion(fx)).rejects.toMatchObject({
      name: 'StateDocumentError',
      message: expect.stringMatching(/\/spotplane\/state .*status: /),
    });
  });

  it('fails with a clear error when the hub state document is not JSON', async () => {
    fx.ssm
      .on(GetParameterCommand, { Name: fx.names.stateParameter })
      .resolves({ Parameter: { Value: '{oops' } });
    fx.hubEc2().on(GetSpotPlacementScoresCommand).resolves({ SpotPlacementScores: [] });

    await expect(findRegion(fx)).rejects.toMatchObject({
      name: 'StateDocumentError',
      message: /not valid JSON/,
    });
  });
});
