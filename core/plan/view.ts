/**
 * What `GET /spot-instances` shows: the Orchestrator's view of a cycle (`publicView`) and how the API
 * combines it with a spec the Orchestrator has not acted on yet (`publicStatus`).
 */
import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Status } from '../messages.ts';
import { activeExclusions } from '../ranking/exclusions.ts';
import { isFleet } from './fleet.ts';
import { isLive, readyCount, seen } from './memory.ts';
import { ELECTIVE_MOVES, replicasWanted } from './placement.ts';
import type { Memory, RegionObservation, Spec, StatusItem, View, ViewInstance } from './types.ts';

export interface ViewInput {
  spec: Spec;
  memory: Memory;
  regions: ReadonlyMap<string, RegionObservation>;
  /** The previous view: an unknown region keeps showing what it showed. */
  previous: View | null;
  /** The run may end: disabled and observed empty everywhere. */
  exit: boolean;
  now: Date;
  config: Config;
}

/** The status word of a cycle (ARCHITECTURE.md's six). */
export function statusOf(input: ViewInput): Status {
  const { spec, memory, regions, exit, config, previous } = input;
  if (!spec.enabled) return spec.teardown && !exit ? 'TEARING_DOWN' : 'DISABLED';
  const home = memory.home;
  const anyReady = config.workerRegions.some((r) => {
    const observed = regions.get(r);
    return seen(observed) && readyCount(observed, memory) > 0;
  });
  if (!home) return anyReady ? 'FAILING_OVER' : 'NOT_AVAILABLE';
  const wasServing = previous?.status === 'RUNNING' || previous?.status === 'FAILING_OVER';
  if (isFleet(config)) {
    // A fleet serves from several regions: the target counts over all of them.
    const ready = config.workerRegions.reduce((n, r) => {
      const observed = regions.get(r);
      return n + (seen(observed) ? readyCount(observed, memory) : 0);
    }, 0);
    if (ready >= config.targetCapacity) return 'RUNNING';
    return wasServing || anyReady ? 'FAILING_OVER' : 'PROVISIONING';
  }
  const observed = regions.get(home.region);
  const homeReady = seen(observed) && readyCount(observed, memory) >= replicasWanted(config);
  if (memory.move && !ELECTIVE_MOVES.includes(memory.move.reason)) return 'FAILING_OVER';
  if (homeReady || memory.move) return 'RUNNING';
  // Not ready where we want to be: a first launch, or a region that lost what it ran.
  return wasServing ? 'FAILING_OVER' : 'PROVISIONING';
}

function instancesOf(region: RegionObservation, previous: View | null): ViewInstance[] {
  if (!region.ok) return (previous?.instances ?? []).filter((i) => i.region === region.region);
  return region.instances
    .filter((i) => isLive(i) && i.state !== 'shutting-down')
    .map((i) => ({
      instance_id: i.instance_id,
      public_ip: i.public_ip,
      private_ip: i.private_ip,
      instance_type: i.instance_type,
      availability_zone: i.availability_zone,
      lifecycle: i.lifecycle,
      launch_time: i.launch_time,
      region: region.region,
      ready: i.ready,
    }));
}

/**
 * The view of this cycle: status, the region holding most ready replicas, every instance with its
 * region and readiness, active exclusions, replica counts, the regions holding replicas, the last move.
 *
 * @example
 * publicView({ spec, memory, regions, previous, exit: false, now, config }).status; // 'RUNNING'
 */
export function publicView(input: ViewInput): View {
  const { memory, regions, previous, now, config } = input;
  const instances = config.workerRegions.flatMap((r) => {
    const observed = regions.get(r);
    return observed ? instancesOf(observed, previous) : [];
  });
  const readyBy = new Map<string, number>();
  for (const i of instances) if (i.ready) readyBy.set(i.region, (readyBy.get(i.region) ?? 0) + 1);
  let region: string | null = null;
  for (const [r, n] of readyBy) {
    const best = region === null ? 0 : readyBy.get(region)!;
    if (n > best || (n === best && r === memory.home?.region)) region = r;
  }
  // Nothing ready (a failover between the old replica's end and the new one's readiness): the region the
  // plan serves from while something runs or the status says it serves, so RUNNING / FAILING_OVER name one.
  const status = statusOf(input);
  const serving = status === 'RUNNING' || status === 'FAILING_OVER';
  if (region === null && input.spec.enabled && memory.home && (instances.length > 0 || serving))
    region = memory.home.region;
  return {
    status,
    region,
    instances,
    excluded_regions: [...activeExclusions(memory.exclusions, now).values()],
    replicas: {
      target: config.targetCapacity,
      spare: config.spareCapacity,
      ready: instances.filter((i) => i.ready).length,
    },
    regions: [...new Set(instances.map((i) => i.region))],
    last_move: memory.last_move,
    endpoint: null,
    updated_at: isoUtc(now),
  };
}

/** The `GET /spot-instances` body (ARCHITECTURE.md, with the round-2 fields). */
export type PublicStatus = Omit<View, 'updated_at'> & {
  provisioning: 'enabled' | 'disabled';
  updated_at: string;
};

/** The view before any Orchestrator wrote one: nothing runs, nothing is excluded. */
export const emptyView = (now: Date, config: Config): View => ({
  status: 'DISABLED',
  region: null,
  instances: [],
  excluded_regions: [],
  replicas: { target: config.targetCapacity, spare: config.spareCapacity, ready: 0 },
  regions: [],
  last_move: null,
  endpoint: null,
  updated_at: isoUtc(now),
});

/**
 * What the API answers for the stored spec and status at `now`. The Orchestrator's view, except that a
 * spec it has not acted on yet already shows what it asked for; expired exclusions are hidden.
 *
 * @example
 * publicStatus({ spec, status, now, config }); // { provisioning: 'enabled', status: 'PROVISIONING', ... }
 */
export function publicStatus(input: {
  spec: Spec | null;
  status: StatusItem | null;
  now: Date;
  config: Config;
  /** The stable endpoint's URL (issue 14), when one is deployed. */
  endpoint?: string | null;
}): PublicStatus {
  const { spec, status, now, config } = input;
  const view = status?.view ?? emptyView(now, config);
  const enabled = spec?.enabled ?? false;
  let word = view.status;
  if (spec && (!status || status.generation < spec.generation)) {
    if (enabled) word = word === 'DISABLED' || word === 'TEARING_DOWN' ? 'PROVISIONING' : word;
    else word = spec.teardown ? 'TEARING_DOWN' : 'DISABLED';
  }
  const { updated_at, ...rest } = view;
  return {
    provisioning: enabled ? 'enabled' : 'disabled',
    ...rest,
    status: word,
    endpoint: config.endpoint === 'none' ? null : (input.endpoint ?? rest.endpoint),
    excluded_regions: [...activeExclusions(view.excluded_regions, now).values()],
    updated_at: spec && Date.parse(spec.updated_at) > Date.parse(updated_at) ? spec.updated_at : updated_at,
  };
}
