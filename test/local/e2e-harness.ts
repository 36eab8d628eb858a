/** A whole local deployment on a virtual clock, driven through the product API like a user would. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ConfigInput, parseConfig } from '../../core/config.ts';
import { type HubState, hubStateSchema } from '../../core/messages.ts';
import { virtualClock } from '../../emulator/clock.ts';
import type { MarketInputs } from '../../emulator/market.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { localState } from '../../local/views.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const WORKERS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/** us-west-2 is clearly best, then eu-west-1, then the hub's own region. */
export const MARKETS: Record<string, Partial<MarketInputs>> = {
  'us-west-2': { placementScore: 9, spotPrice: 0.3 },
  'eu-west-1': { placementScore: 8, spotPrice: 0.33 },
  'us-east-1': { placementScore: 6, spotPrice: 0.31 },
};

export async function deployment(config: ConfigInput = {}) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const plane = await LocalControlPlane.create({
    config: parseConfig({ hubRegion: 'us-east-1', workerRegions: [...WORKERS], ...config }),
    clock,
    seed: 'e2e',
    markets: MARKETS,
    logLevel: 'SILENT',
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      requestContext: {
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const result = await plane.handleApi(event);
    return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) };
  };
  const hubState = (): HubState =>
    hubStateSchema.parse(
      JSON.parse(plane.cloud.region('us-east-1').ssm.values()[plane.names.stateParameter]!),
    );
  const region = (name: string) => localState(plane).regions.find((r) => r.region === name)!;
  const healthy = (name: string) => region(name).ecs_tasks.some((t) => t.health_status === 'HEALTHY');
  const runningExecutions = () =>
    plane.regions().flatMap((r) =>
      plane.cloud
        .region(r)
        .sfn.runtime.executions()
        .filter((e) => e.status === 'RUNNING')
        .map((e) => e.stateMachineArn.split(':').pop()),
    );
  /** Advances simulated time until `predicate` holds; fails the test with `what` if it never does. */
  const until = async (what: string, predicate: () => boolean, maxMs = 30 * 60_000) => {
    if (!(await clock.runUntil(predicate, maxMs))) {
      throw new Error(
        `not reached within ${maxMs / 1000} simulated s: ${what}; hub state ${JSON.stringify(hubState())}`,
      );
    }
  };
  return { clock, plane, api, hubState, region, healthy, runningExecutions, until };
}
