/**
 * The hub's control loop (issue 11) on LocalCloud with AWS's modelled latencies (emulator/latency.ts): the real
 * state machine files and handlers, on a virtual clock, three worker regions, target 1.
 *
 * - reaction_s: Spot interruption warning -> the replacement's Launch Requested put on the hub bus (the hub's
 *   decision), after 20 min of steady running; the median of five seeds (each seed its own latency draws).
 * - drift_heal_s: an unused region's Auto Scaling group set to 1 by hand (as in the console) -> back to 0; the
 *   worst of five changes made at different points of the 300 s steady cycle.
 * - control_plane_usd_month: one day with a failover at 06:00 and the hourly price checks, billed with
 *   sim/bill.ts (Step Functions transitions, Lambda, EventBridge custom events, DynamoDB request units,
 *   CloudWatch Logs) and scaled to 30 days. The Global Accelerator's fixed fee (the stable endpoint, issue 14;
 *   $18/month whatever the loop does) is reported apart as endpoint_fixed_usd_month.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseConfig } from '../../core/config.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { controlPlaneBill, perMonth } from '../../sim/bill.ts';
import { usageOf } from '../../sim/local-cloud-plane.ts';
import type { Benchmark } from '../types.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const MINUTE = 60_000;

async function deployment(seed: string) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const plane = await LocalControlPlane.create({
    config: parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'] }),
    clock,
    seed,
    markets: {
      'us-west-2': { placementScore: 9, spotPrice: 0.3 },
      'eu-west-1': { placementScore: 8, spotPrice: 0.33 },
      'us-east-1': { placementScore: 6, spotPrice: 0.31 },
    },
    priceStepMs: Number.POSITIVE_INFINITY,
    logLevel: 'SILENT',
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const answer = await plane.handleApi({
      rawPath: path,
      requestContext: { http: { method, path } },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    } as unknown as APIGatewayProxyEventV2);
    return JSON.parse(String(answer.body));
  };
  const until = async (what: string, predicate: () => boolean | Promise<boolean>, maxMs = 30 * MINUTE) => {
    const limit = clock.now().getTime() + maxMs;
    await clock.settle();
    while (!(await predicate())) {
      if (clock.now().getTime() >= limit || !(await clock.step()))
        throw new Error(`bench loop: never ${what}`);
    }
  };
  await api('POST', '/spot-provisioning', { action: 'enable' });
  await until('RUNNING', async () => (await api('GET', '/spot-instances')).status === 'RUNNING');
  return { clock, plane, api, until };
}

async function reactionS(seed: string): Promise<number> {
  const { clock, plane, until } = await deployment(seed);
  await clock.advance(20 * MINUTE);
  const warnedAt = clock.now().getTime();
  plane.cloud.interrupt('us-west-2');
  const rule = plane.names.hubToWorkerRule('eu-west-1');
  const request = () =>
    plane.cloud
      .region('us-east-1')
      .events.recentDeliveries()
      .find((d) => d.rule === rule && d.detailType === 'Launch Requested' && Date.parse(d.at) >= warnedAt);
  await until('a replacement requested', () => request() !== undefined, 10 * MINUTE);
  await plane.cloud.close();
  return (Date.parse(request()!.at) - warnedAt) / 1000;
}

async function driftHealS(): Promise<number[]> {
  const { clock, plane, until } = await deployment('drift');
  const asg = plane.cloud.region('eu-west-1').autoScaling;
  const desired = () => asg.desiredCapacity(plane.names.autoScalingGroup) ?? 0;
  const healed: number[] = [];
  for (const offsetS of [37, 101, 163, 229, 281]) {
    await clock.advance(offsetS * 1000);
    const changedAt = clock.now().getTime();
    await asg.updateAutoScalingGroup({
      AutoScalingGroupName: plane.names.autoScalingGroup,
      DesiredCapacity: 1,
    });
    await until('the drift healed', () => desired() === 0, 30 * MINUTE);
    healed.push((clock.now().getTime() - changedAt) / 1000);
  }
  await plane.cloud.close();
  return healed;
}

async function usdPerMonth(): Promise<{ usd: number; endpointUsd: number; detail: string }> {
  const { clock, plane } = await deployment('month');
  const started = clock.now().getTime();
  await clock.advance(6 * 60 * MINUTE);
  plane.cloud.interrupt('us-west-2');
  await clock.advance(18 * 60 * MINUTE);
  const hours = (clock.now().getTime() - started) / (60 * MINUTE);
  const usage = usageOf(plane, 2, hours);
  await plane.cloud.close();
  const bill = perMonth(controlPlaneBill(usage), hours / 24);
  const detail = Object.entries(bill)
    .filter(([k, v]) => v > 0 && k !== 'totalUsd')
    .map(([k, v]) => `${k.replace(/Usd$/, '')} $${v.toFixed(3)}`)
    .join(', ');
  // The accelerator's fixed fee is the stable endpoint's (issue 14), not the loop's: reported on its own.
  return {
    usd: bill.totalUsd - bill.endpointUsd,
    endpointUsd: bill.endpointUsd,
    detail: `${usage.stateTransitions} transitions/day; ${detail}`,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const benchmark: Benchmark = {
  name: 'loop',
  async measure() {
    const reactions: number[] = [];
    for (const seed of ['r1', 'r2', 'r3', 'r4', 'r5']) reactions.push(await reactionS(seed));
    const heals = await driftHealS();
    const month = await usdPerMonth();
    console.error(
      `bench loop: reactions ${reactions.map((r) => r.toFixed(2)).join(', ')} s; drift heals ${heals
        .map((h) => h.toFixed(0))
        .join(', ')} s; month: ${month.detail}`,
    );
    return [
      { key: 'reaction_s', value: median(reactions), unit: 's', target: '<= 2' },
      { key: 'drift_heal_s', value: Math.max(...heals), unit: 's', target: '<= 300 (one steady cycle)' },
      { key: 'control_plane_usd_month', value: month.usd, unit: 'USD/month', target: '<= 3' },
      { key: 'endpoint_fixed_usd_month', value: month.endpointUsd, unit: 'USD/month' },
    ];
  },
};
