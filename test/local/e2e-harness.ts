/** A whole local deployment on a virtual clock, driven through the product API like a user would. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ConfigInput, parseConfig } from '../../core/config.ts';
import type { PublicStatus, StatusItem } from '../../core/plan/index.ts';
import { virtualClock } from '../../emulator/clock.ts';
import type { MarketInputs } from '../../emulator/market.ts';
import { StateTable } from '../../lambdas/shared/state-table.ts';
import { type ControlPlaneOptions, LocalControlPlane } from '../../local/deployment.ts';
import { localState } from '../../local/views.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const WORKERS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

/** us-west-2 is clearly best, then eu-west-1, then the hub's own region. */
export const MARKETS: Record<string, Partial<MarketInputs>> = {
  'us-west-2': { placementScore: 9, spotPrice: 0.3 },
  'eu-west-1': { placementScore: 8, spotPrice: 0.33 },
  'us-east-1': { placementScore: 6, spotPrice: 0.31 },
};

export async function deployment(
  config: ConfigInput = {},
  options: Partial<Omit<ControlPlaneOptions, 'config' | 'clock'>> = {},
) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const plane = await LocalControlPlane.create({
    config: parseConfig({ hubRegion: 'us-east-1', workerRegions: [...WORKERS], ...config }),
    clock,
    seed: 'e2e',
    markets: MARKETS,
    logLevel: 'SILENT',
    ...options,
  });
  const table = new StateTable({ clients: plane.cloud.clients(), config: plane.config, clock });
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
  /** What `GET /spot-instances` answers now. */
  const status = async (): Promise<PublicStatus> => (await api('GET', '/spot-instances')).body;
  /** The Orchestrator's own `status` item (memory included). */
  const statusItem = (): Promise<StatusItem | null> => table.status();
  const region = (name: string) => localState(plane).regions.find((r) => r.region === name)!;
  const healthy = (name: string) => region(name).ecs_tasks.some((t) => t.health_status === 'HEALTHY');
  /** A healthy task runs on `instanceId` in region `name`. */
  const healthyOn = (name: string, instanceId: string) =>
    region(name).ecs_tasks.some((t) => t.instance_id === instanceId && t.health_status === 'HEALTHY');
  const runningExecutions = () =>
    plane.regions().flatMap((r) =>
      plane.cloud
        .region(r)
        .sfn.runtime.executions()
        .filter((e) => e.status === 'RUNNING')
        .map((e) => e.stateMachineArn.split(':').pop()),
    );
  const orchestrators = () => runningExecutions().filter((m) => m === plane.names.orchestratorStateMachine);
  /**
   * Advances simulated time timer by timer until `predicate` holds (it may read the API or the table);
   * fails the test with `what` and the API's answer if it never does.
   */
  const until = async (what: string, predicate: () => boolean | Promise<boolean>, maxMs = 30 * 60_000) => {
    const limit = clock.now().getTime() + maxMs;
    await clock.settle();
    while (!(await predicate())) {
      if (clock.now().getTime() >= limit || !(await clock.step())) {
        throw new Error(
          `not reached within ${maxMs / 1000} simulated s: ${what}; API says ${JSON.stringify(await status())}`,
        );
      }
    }
  };
  /** Lets simulated time pass (every timer due in it fires). */
  const wait = (ms: number) => clock.advance(ms);
  const close = () => plane.cloud.close();
  return {
    clock,
    plane,
    table,
    api,
    status,
    statusItem,
    region,
    healthy,
    healthyOn,
    runningExecutions,
    orchestrators,
    until,
    wait,
    close,
  };
}
