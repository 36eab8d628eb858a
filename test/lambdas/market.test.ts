/**
 * The market Observe keeps (placement scores and Spot prices of every worker region), against EC2 mocks:
 * one score request for the whole configuration, each region priced by its own endpoint, numeric prices,
 * paging, and every failure an "unknown" rather than a crash.
 */
import {
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  EC2ServiceException,
  GetSpotPlacementScoresCommand,
  type SpotPrice,
} from '@aws-sdk/client-ec2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import type { Market } from '../../core/plan/index.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { marketIsStale, refreshMarket } from '../../lambdas/observe/market.ts';
import type { AwsClients } from '../../lambdas/shared/clients.ts';

const NOW = new Date('2026-11-24T10:00:00Z');
const config = parseConfig({
  hubRegion: 'us-east-1',
  workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
});
const warnings: { message: string; extra: Record<string, unknown> }[] = [];
const log = { warn: (message: string, extra: Record<string, unknown>) => warnings.push({ message, extra }) };

const ec2Error = (name: string, message = name) =>
  new EC2ServiceException({ name, message, $fault: 'client', $metadata: {} });
const record = (zone: string, price: string, type = 'g6.xlarge', product = 'Linux/UNIX'): SpotPrice => ({
  AvailabilityZone: zone,
  InstanceType: type as SpotPrice['InstanceType'],
  ProductDescription: product as SpotPrice['ProductDescription'],
  SpotPrice: price,
  Timestamp: new Date('2026-11-24T09:55:00Z'),
});
const scoresOf = (entries: Record<string, number>) =>
  Object.entries(entries).map(([Region, Score]) => ({ Region, Score }));

let ec2: Map<string, AwsClientStub<EC2Client>>;
let clients: AwsClients;

beforeEach(() => {
  warnings.length = 0;
  ec2 = new Map();
  const real = new Map<string, EC2Client>();
  const unused = () => {
    throw new Error('the market uses EC2 only');
  };
  const ec2For = (region: string) => {
    if (!real.has(region)) {
      const client = new EC2Client({ region });
      real.set(region, client);
      ec2.set(region, mockClient(client));
    }
    return real.get(region)!;
  };
  for (const region of config.workerRegions) ec2For(region);
  clients = {
    ec2: ec2For,
    ssm: unused,
    autoScaling: unused,
    ecs: unused,
    eventBridge: unused,
    sfn: unused,
    dynamodb: unused,
    globalAccelerator: unused,
  };
  for (const region of config.workerRegions)
    ec2
      .get(region)!
      .on(DescribeSpotPriceHistoryCommand)
      .resolves({ SpotPriceHistory: [record(`${region}a`, '0.50')] });
  ec2
    .get('us-east-1')!
    .on(GetSpotPlacementScoresCommand)
    .resolves({ SpotPlacementScores: scoresOf({ 'us-east-1': 6, 'us-west-2': 9 }) });
});

const refresh = (stored: Market | null = null, options = {}) =>
  refreshMarket({ clients, config }, stored, NOW, log, options);

describe('refreshMarket', () => {
  it('asks once, from the hub region, for region-level scores of every worker region, type and the target', async () => {
    const market = await refresh();
    const calls = ec2.get('us-east-1')!.commandCalls(GetSpotPlacementScoresCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        RegionNames: ['us-east-1', 'us-west-2', 'eu-west-1'],
        InstanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'],
        TargetCapacity: 1,
        SingleAvailabilityZone: false,
        NextToken: undefined,
      },
    ]);
    expect(market).toEqual({
      scores: { 'us-east-1': 6, 'us-west-2': 9 },
      scores_at: '2026-11-24T10:00:00Z',
      prices: { 'us-east-1': 0.5, 'us-west-2': 0.5, 'eu-west-1': 0.5 },
      prices_at: '2026-11-24T10:00:00Z',
    });
  });

  it('prices each region through its own endpoint: the cheapest zone of Linux/UNIX records, compared as numbers', async () => {
    ec2
      .get('us-west-2')!
      .on(DescribeSpotPriceHistoryCommand)
      .resolves({
        SpotPriceHistory: [
          record('us-west-2a', '10.1'),
          record('us-west-2b', '9.0'),
          record('us-west-2c', '0.10', 'g6.xlarge', 'Windows'),
          record('us-west-2d', '0.20', 'p5.48xlarge'),
        ],
      });
    expect((await refresh()).prices['us-west-2']).toBe(9);
  });

  it('makes a price unknown (null) for an empty history, a throttled region or endless pages, and decides with the rest', async () => {
    ec2.get('us-east-1')!.on(DescribeSpotPriceHistoryCommand).resolves({ SpotPriceHistory: [] });
    ec2.get('us-west-2')!.on(DescribeSpotPriceHistoryCommand).rejects(ec2Error('RequestLimitExceeded'));
    ec2
      .get('eu-west-1')!
      .on(DescribeSpotPriceHistoryCommand)
      .resolves({ SpotPriceHistory: [], NextToken: 'again' });
    expect((await refresh()).prices).toEqual({ 'us-east-1': null, 'us-west-2': null, 'eu-west-1': null });
    expect(ec2.get('eu-west-1')!.commandCalls(DescribeSpotPriceHistoryCommand)).toHaveLength(20);
    expect(warnings.map((w) => w.extra.why)).toEqual([
      expect.stringContaining('no Linux/UNIX price record'),
      expect.stringContaining('RequestLimitExceeded'),
      expect.stringContaining('TooManyPagesError'),
    ]);
  });

  it('follows NextToken through every page of scores and of prices', async () => {
    ec2
      .get('us-east-1')!
      .on(GetSpotPlacementScoresCommand)
      .resolvesOnce({ SpotPlacementScores: scoresOf({ 'us-east-1': 8 }), NextToken: 'scores-2' })
      .resolvesOnce({ SpotPlacementScores: scoresOf({ 'us-west-2': 7 }) });
    ec2
      .get('us-west-2')!
      .on(DescribeSpotPriceHistoryCommand)
      .resolvesOnce({ SpotPriceHistory: [record('us-west-2a', '0.90')], NextToken: 'prices-2' })
      .resolvesOnce({ SpotPriceHistory: [record('us-west-2d', '0.40')] });
    const market = await refresh();
    expect(market.scores).toEqual({ 'us-east-1': 8, 'us-west-2': 7 });
    expect(market.prices['us-west-2']).toBe(0.4);
  });

  describe('when AWS refuses the score request (MaxConfigLimitExceeded)', () => {
    beforeEach(() => {
      ec2.get('us-east-1')!.on(GetSpotPlacementScoresCommand).rejects(ec2Error('MaxConfigLimitExceeded'));
    });
    const stored = (scoresAt: string): Market => ({
      scores: { 'us-west-2': 8 },
      scores_at: scoresAt,
      prices: {},
      prices_at: scoresAt,
    });

    it('keeps the stored scores while they are younger than 24 h, and says so', async () => {
      const market = await refresh(stored('2026-11-23T12:00:00Z'));
      expect(market).toMatchObject({
        scores: { 'us-west-2': 8 },
        scores_at: '2026-11-23T12:00:00Z',
        prices_at: '2026-11-24T10:00:00Z',
      });
      expect(warnings[0]).toMatchObject({ extra: { error: 'MaxConfigLimitExceeded', reusing: true } });
    });

    it('has no scores when the stored ones are older, or there are none', async () => {
      expect((await refresh(stored('2026-11-23T09:00:00Z'))).scores).toBeNull();
      expect((await refresh(null)).scores).toBeNull();
    });
  });

  describe('with a hung call', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gives up on a hung region after 4 s (aborting its request) and prices the others', async () => {
      ec2
        .get('eu-west-1')!
        .on(DescribeSpotPriceHistoryCommand)
        .callsFake(() => new Promise(() => {}));
      let settled = false;
      const pending = refresh().finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(3999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).prices).toEqual({ 'us-east-1': 0.5, 'us-west-2': 0.5, 'eu-west-1': null });
      const args = ec2.get('eu-west-1')!.commandCalls(DescribeSpotPriceHistoryCommand)[0]!.args as unknown[];
      expect((args[1] as { abortSignal: AbortSignal }).abortSignal.aborted).toBe(true);
    });
  });

  it("measures a call's deadline with the injected sleep: on LocalCloud's virtual clock a call hung 4 s of clock time gives up then, whatever time the machine takes", async () => {
    const clock = virtualClock(NOW);
    ec2
      .get('eu-west-1')!
      .on(DescribeSpotPriceHistoryCommand)
      .callsFake(() => new Promise(() => {}));
    let settled = false;
    const pending = refreshMarket({ clients, config, sleep: clock.sleep }, null, NOW, log).finally(() => {
      settled = true;
    });
    await clock.advance(3999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(settled).toBe(true);
    expect((await pending).prices).toEqual({ 'us-east-1': 0.5, 'us-west-2': 0.5, 'eu-west-1': null });
    // The regions that answered cancelled their deadlines: nothing is left waiting on the clock.
    expect(clock.pendingTimers()).toBe(0);
  });

  it('prices one region at a time in sequential mode, with the same market', async () => {
    const parallel = await refresh();
    expect(await refresh(null, { concurrency: 1 })).toEqual(parallel);
  });
});

describe('marketIsStale', () => {
  it.each([
    { name: 'no market yet', market: null, stale: true },
    {
      name: 'priced 14 min ago',
      market: { scores: {}, scores_at: null, prices: {}, prices_at: '2026-11-24T09:46:00Z' },
      stale: false,
    },
    {
      name: 'priced 15 min ago',
      market: { scores: {}, scores_at: null, prices: {}, prices_at: '2026-11-24T09:45:00Z' },
      stale: true,
    },
    {
      name: 'no scores at all (AWS refused and nothing was stored)',
      market: { scores: null, scores_at: null, prices: {}, prices_at: '2026-11-24T09:59:00Z' },
      stale: true,
    },
  ])('$name -> $stale', ({ market, stale }) => {
    expect(marketIsStale(market, NOW)).toBe(stale);
  });
});
