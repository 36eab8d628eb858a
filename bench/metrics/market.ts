/**
 * market_fanout_ratio: wall time of one market refresh of the hub's Observe step (placement scores for
 * 16 regions, then the Spot price of each) with 100 ms of latency injected into every AWS call, divided
 * by the same refresh looking prices up one region at a time. Real SDK v3 clients are used; a middleware
 * at the front of each client's stack adds the latency and answers in place of AWS.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { EC2Client } from '@aws-sdk/client-ec2';
import { parseConfig } from '../../core/config.ts';
import { AWS_REGIONS } from '../../core/regions.ts';
import { refreshMarket } from '../../lambdas/observe/market.ts';
import type { AwsClients } from '../../lambdas/shared/clients.ts';
import type { Benchmark } from '../types.ts';

const LATENCY_MS = 100;
const REGIONS = AWS_REGIONS.slice(0, 16);
const RUNS = 3;
const NOW = new Date('2026-11-24T10:00:00Z');

type Answer = (command: string, input: Record<string, unknown>) => object;

function withLatency(client: EC2Client, answer: Answer): EC2Client {
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      await sleep(LATENCY_MS);
      const output = {
        $metadata: {},
        ...answer(context.commandName ?? '', args.input as Record<string, unknown>),
      };
      return { output, response: {} } as never;
    },
    { step: 'initialize', name: 'benchInjectedLatency', priority: 'high' },
  );
  return client;
}

function answerEc2(region: string): Answer {
  return (command) => {
    if (command === 'GetSpotPlacementScoresCommand') {
      return { SpotPlacementScores: REGIONS.map((Region) => ({ Region, Score: 7 })) };
    }
    if (command === 'DescribeSpotPriceHistoryCommand') {
      const base = 0.5 + (REGIONS.indexOf(region as (typeof REGIONS)[number]) % 7) / 10;
      return {
        SpotPriceHistory: ['a', 'b', 'c'].map((zone, i) => ({
          AvailabilityZone: `${region}${zone}`,
          InstanceType: 'g6.xlarge',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: (base + i / 100).toFixed(4),
          Timestamp: new Date(NOW.getTime() - 60_000),
        })),
      };
    }
    throw new Error(`bench: unexpected EC2 call ${command}`);
  };
}

function benchClients(): AwsClients {
  const ec2 = new Map<string, EC2Client>();
  const none = () => {
    throw new Error('bench: the market refresh uses only EC2');
  };
  return {
    ec2: (region) => {
      if (!ec2.has(region)) ec2.set(region, withLatency(new EC2Client({ region }), answerEc2(region)));
      return ec2.get(region)!;
    },
    ssm: none,
    autoScaling: none,
    ecs: none,
    eventBridge: none,
    sfn: none,
    dynamodb: none,
    globalAccelerator: none,
  };
}

async function medianWallMs(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up: module loading and client construction are not the fan-out being measured
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export const benchmark: Benchmark = {
  name: 'market',
  async measure() {
    const config = parseConfig({ hubRegion: 'us-east-1', workerRegions: [...REGIONS] });
    const deps = { clients: benchClients(), config };
    const log = { warn: () => undefined };
    const check = await refreshMarket(deps, null, NOW, log);
    if (Object.values(check.prices).filter((p) => p !== null).length !== REGIONS.length) {
      throw new Error('bench: expected every region to be priced');
    }
    const parallelMs = await medianWallMs(() => refreshMarket(deps, null, NOW, log));
    const sequentialMs = await medianWallMs(() => refreshMarket(deps, null, NOW, log, { concurrency: 1 }));
    return [
      { key: 'market_fanout_ratio', value: parallelMs / sequentialMs, unit: 'ratio', target: '<= 0.15' },
      { key: 'market_parallel_ms', value: parallelMs, unit: 'ms' },
      { key: 'market_sequential_ms', value: sequentialMs, unit: 'ms' },
    ];
  },
};
