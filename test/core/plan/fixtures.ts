/** Builders for the planner's tables: a config, seen and unknown regions, instances, observations. */
import { parseConfig } from '../../../core/config.ts';
import {
  initialMemory,
  type Memory,
  type Observation,
  type ObservedInstance,
  type RegionMemory,
  type RegionObservation,
  type SeenRegion,
  type Signal,
  type Spec,
} from '../../../core/plan/index.ts';

export const NOW = new Date('2026-11-24T10:00:00Z');
export const at = (secondsFromNow: number) =>
  new Date(NOW.getTime() + secondsFromNow * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const config = parseConfig({
  hubRegion: 'us-east-1',
  workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
  onDemandFallback: true,
});

export const spec = (overrides: Partial<Spec> = {}): Spec => ({
  enabled: true,
  teardown: false,
  generation: 1,
  updated_at: at(-60),
  ...overrides,
});

let ids = 0;
export const instance = (overrides: Partial<ObservedInstance> = {}): ObservedInstance => ({
  instance_id: `i-${(ids++).toString(16).padStart(8, '0')}`,
  instance_type: 'g6.xlarge',
  availability_zone: 'us-west-2a',
  lifecycle: 'spot',
  state: 'running',
  lifecycle_state: 'InService',
  public_ip: '54.0.0.1',
  private_ip: '10.0.0.1',
  launch_time: at(-600),
  termination_reason: null,
  task_status: 'RUNNING',
  health: 'HEALTHY',
  ready: true,
  ...overrides,
});

/** A region Observe saw; `instances` default to none, the ASG's desired to their count. */
export function region(
  name: string,
  overrides: Partial<Omit<SeenRegion, 'asg'>> & { asg?: Partial<SeenRegion['asg']> } = {},
): SeenRegion {
  const instances = overrides.instances ?? [];
  const live = instances.filter((i) => i.state !== 'terminated');
  const tasks =
    overrides.tasks ??
    live
      .filter((i) => i.task_status !== null)
      .map((i, n) => ({
        task_arn: `arn:aws:ecs:${name}:123456789012:task/c/${n}`,
        instance_id: i.instance_id,
        last_status: i.task_status!,
        health: i.health,
      }));
  return {
    region: name,
    ok: true,
    instances,
    tasks,
    failures: overrides.failures ?? [],
    asg: {
      exists: true,
      desired: live.length,
      on_demand_base: live.filter((i) => i.lifecycle === 'on-demand').length,
      intent: null,
      ...overrides.asg,
    },
  };
}

export const unknown = (name: string): RegionObservation => ({
  region: name,
  ok: false,
  error: 'ThrottlingException',
});

/** us-west-2 best (9), eu-west-1 next (8), us-east-1 (6). */
export const MARKET = {
  scores: { 'us-west-2': 9, 'eu-west-1': 8, 'us-east-1': 6 },
  scores_at: at(-60),
  prices: { 'us-west-2': 0.3, 'eu-west-1': 0.33, 'us-east-1': 0.31 },
  prices_at: at(-60),
};

export const request = (overrides: Partial<RegionMemory> = {}): RegionMemory => ({
  intent: 1,
  desired: { spot: 1, on_demand: 0 },
  since: at(-600),
  sent_at: at(-600),
  ready_at: at(-300),
  ...overrides,
});

export const memory = (overrides: Partial<Memory> = {}): Memory => ({ ...initialMemory(), ...overrides });

export const signal = (overrides: Partial<Signal> = {}): Signal => ({
  id: `signal#${ids++}`,
  kind: 'region-lost',
  region: 'us-west-2',
  intent: null,
  instance_id: null,
  reason: 'SpotInterruption',
  at: at(-5),
  ...overrides,
});

/** Every worker region empty unless given; spec enabled; no status yet. */
export function observation(
  overrides: Partial<Observation> & { seen?: RegionObservation[] } = {},
): Observation {
  const given = new Map((overrides.seen ?? overrides.regions ?? []).map((r) => [r.region, r]));
  return {
    at: NOW.toISOString(),
    spec: spec(),
    status: null,
    signals: [],
    wakes: 0,
    market: MARKET,
    ...overrides,
    regions: config.workerRegions.map((r) => given.get(r) ?? region(r)),
  };
}

export const regionMap = (...regions: RegionObservation[]) => {
  const map = new Map(config.workerRegions.map((r) => [r as string, region(r) as RegionObservation]));
  for (const r of regions) map.set(r.region, r);
  return map;
};
