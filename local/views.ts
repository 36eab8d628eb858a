/**
 * The JSON views of a local deployment behind `GET /_local/state` and `GET /_local/executions`:
 * what runs where, the market, SSM, the hub's state table, rules, and every execution with its history.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalControlPlane } from './deployment.ts';

export interface RegionView {
  region: string;
  role: 'hub' | 'worker' | 'hub+worker';
  asg_desired: number | null;
  instances: {
    instance_id: string;
    state: string;
    instance_type: string;
    availability_zone: string;
    lifecycle: string;
    launch_time: string;
    interruption_warning_at: string | null;
  }[];
  ecs_tasks: { task_arn: string; last_status: string; health_status: string; instance_id: string | null }[];
  placement_score: number;
  spot_price: number;
  capacity_available: boolean;
}

export interface ExecutionView {
  execution_arn: string;
  region: string;
  machine: string;
  name: string;
  status: string;
  start: string;
  stop: string | null;
  error: string | null;
  cause: string | null;
  events: {
    id: number;
    type: string;
    timestamp: string;
    state: string | null;
    error: string | null;
    cause: string | null;
  }[];
}

export function localState(plane: LocalControlPlane) {
  const { cloud, config, names: n } = plane;
  const regions: RegionView[] = plane.regions().map((region) => {
    const r = cloud.region(region);
    const market = r.market.inputs();
    const isWorker = (config.workerRegions as readonly string[]).includes(region);
    const isHub = region === config.hubRegion;
    return {
      region,
      role: isHub && isWorker ? 'hub+worker' : isHub ? 'hub' : 'worker',
      asg_desired: r.autoScaling.desiredCapacity(n.autoScalingGroup) ?? null,
      instances: r.ec2
        .all()
        .filter((i) => i.state !== 'terminated')
        .map((i) => ({
          instance_id: i.instanceId,
          state: i.state,
          instance_type: i.instanceType,
          availability_zone: i.zone,
          lifecycle: i.lifecycle,
          launch_time: i.launchTime.toISOString(),
          interruption_warning_at: i.interruptionAt?.toISOString() ?? null,
        })),
      ecs_tasks: r.ecs.liveTasks().map((t) => ({
        task_arn: t.taskArn,
        last_status: t.lastStatus,
        health_status: t.healthStatus,
        instance_id: t.instanceId,
      })),
      placement_score: market.placementScore,
      spot_price: market.spotPrice,
      capacity_available: r.market.capacityAvailable(),
    };
  });
  const ssm = cloud.region(config.hubRegion).ssm.values();
  const rules = plane.regions().flatMap((region) =>
    cloud
      .region(region)
      .events.rules()
      .map((rule) => ({
        region,
        bus: rule.busName,
        name: rule.name,
        state: rule.state,
        pattern: rule.pattern,
        targets: [...rule.targets.values()].map((t) => t.Arn),
      })),
  );
  return {
    now: cloud.clock.now().toISOString(),
    hub_region: config.hubRegion,
    worker_regions: config.workerRegions,
    missing: plane.missing,
    regions,
    ssm_parameters: Object.fromEntries(Object.entries(ssm).map(([k, v]) => [k, parseMaybe(v)])),
    rules,
    executions: executionHistory(plane).map(({ events: _events, ...summary }) => summary),
  };
}

export function executionHistory(plane: LocalControlPlane): ExecutionView[] {
  const views: ExecutionView[] = [];
  for (const region of plane.regions()) {
    for (const e of plane.cloud.region(region).sfn.runtime.executions()) {
      views.push({
        execution_arn: e.executionArn,
        region,
        machine: e.stateMachineArn.split(':').pop() ?? e.stateMachineArn,
        name: e.name,
        status: e.status,
        start: e.startDate.toISOString(),
        stop: e.stopDate?.toISOString() ?? null,
        error: e.error ?? null,
        cause: e.cause ?? null,
        events: e.events.map((ev) => ({
          id: ev.id,
          type: ev.type,
          timestamp: ev.timestamp.toISOString(),
          state: ev.stateName ?? null,
          error: ev.error ?? null,
          cause: ev.cause ?? null,
        })),
      });
    }
  }
  return views.sort((a, b) => a.start.localeCompare(b.start));
}

/** Every item of the hub's state table (spec, status, signals, wake, market, runs), keyed by sort key. */
export async function stateTableItems(plane: LocalControlPlane): Promise<Record<string, unknown>> {
  const doc = DynamoDBDocumentClient.from(plane.cloud.clients().dynamodb(plane.config.hubRegion));
  const out = await doc.send(new ScanCommand({ TableName: plane.names.stateTable, ConsistentRead: true }));
  return Object.fromEntries(
    (out.Items ?? []).map((item) => {
      const { pk: _pk, sk, ...rest } = item;
      return [String(sk), rest];
    }),
  );
}

/** `GET /_local/state`: the synchronous snapshot plus the state table. */
export async function localStateWithTable(plane: LocalControlPlane) {
  return { ...localState(plane), state_table: await stateTableItems(plane) };
}

function parseMaybe(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
