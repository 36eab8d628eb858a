/**
 * `plan`: one cycle's decision, pure. Observation in, actions + memory + view + when to look again out
 * (docs/DESIGN.md "Observe -> Plan -> Act"). Every step is a table-tested function of this folder.
 */
import type { Config } from '../config.ts';
import { activeExclusions } from '../ranking/exclusions.ts';
import { ENDPOINT_DRAIN_SECONDS, type EndpointAction, endpointActions, routedRegions } from './endpoints.ts';
import { detectFailures } from './failures.ts';
import { initialMemory, isEmpty, NONE, seconds, seen, total } from './memory.ts';
import { choosePlacement } from './placement.ts';
import { acknowledged, requests } from './requests.ts';
import { absorbSignals } from './signals.ts';
import {
  BUSY_LOOK_SECONDS,
  DOOMED_MEMORY_SECONDS,
  MIN_LOOK_SECONDS,
  nextBackoffSeconds,
  STEADY_LOOK_SECONDS,
} from './timing.ts';
import type { Desired, Memory, Observation, Plan, RegionObservation, View } from './types.ts';
import { publicView } from './view.ts';

/** Drops what time or observation has settled: expired exclusions, doomed instances that are gone. */
export function forget(memory: Memory, regions: ReadonlyMap<string, RegionObservation>, now: Date): Memory {
  const doomed = memory.doomed.filter((d) => {
    if (seconds(d.at, now) > DOOMED_MEMORY_SECONDS) return false;
    const observed = regions.get(d.region);
    if (!seen(observed)) return true;
    return observed.instances.some((i) => i.instance_id === d.instance_id && i.state !== 'terminated');
  });
  return {
    ...memory,
    doomed,
    exclusions: [...activeExclusions(memory.exclusions, now).values()],
    on_demand_failures: [...activeExclusions(memory.on_demand_failures, now).values()],
  };
}

/**
 * Disabled and nothing left: every worker region seen and empty, and the last request to each (if any)
 * asked for nothing and was taken, so no launch can still arrive.
 */
export function canExit(
  observation: Observation,
  memory: Memory,
  regions: ReadonlyMap<string, RegionObservation>,
  config: Config,
): boolean {
  if (observation.spec.enabled) return false;
  return config.workerRegions.every((r) => {
    const observed = regions.get(r);
    if (!seen(observed) || !isEmpty(observed)) return false;
    const last = memory.regions[r];
    if (!last) return true;
    if (last.sent_at === null) return false;
    return acknowledged(last, observed);
  });
}

function nextLook(
  plan: { actions: unknown[]; memory: Memory; view: View; endpointsSettling: boolean },
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
  config: Config,
): { seconds: number; memory: Memory } {
  const { memory, view } = plan;
  let memoryOut = memory;
  let look = STEADY_LOOK_SECONDS;
  const busy =
    plan.actions.length > 0 ||
    plan.endpointsSettling ||
    memory.move !== null ||
    ['PROVISIONING', 'FAILING_OVER', 'TEARING_DOWN'].includes(view.status) ||
    config.workerRegions.some((r) => {
      const last = memory.regions[r];
      const observed = regions.get(r);
      if (!seen(observed)) return true;
      if (!last) return false;
      return !acknowledged(last, observed) || (total(last.desired) === 0 && !isEmpty(observed));
    });
  if (busy) look = BUSY_LOOK_SECONDS;
  if (view.status === 'NOT_AVAILABLE') {
    look = nextBackoffSeconds(memory.backoff.attempt, config.maxBackoffSeconds);
    memoryOut = { ...memory, backoff: { attempt: memory.backoff.attempt + 1 } };
  } else if (memory.backoff.attempt !== 0) {
    memoryOut = { ...memory, backoff: { attempt: 0 } };
  }
  // Something falls due sooner: an exclusion expires, a rebalance or revert check.
  const due = [
    ...memory.exclusions.map((e) => e.until),
    ...memory.on_demand_failures.map((e) => e.until),
    memory.checks.rebalance_at,
    memory.checks.revert_at,
  ];
  for (const at of due) {
    if (at === null) continue;
    const inSeconds = Math.ceil((Date.parse(at) - now.getTime()) / 1000);
    if (inSeconds > 0 && inSeconds < look) look = inSeconds;
  }
  return { seconds: Math.max(MIN_LOOK_SECONDS, look), memory: memoryOut };
}

/**
 * The stable endpoint's actions (`endpointActions`): replicas serve from the regions that want any (this
 * cycle's desired state, or the last request's while hands off), never a doomed instance. Settling = an
 * endpoint still INITIAL or a drain running, so the next look comes soon.
 */
export function planEndpoints(
  observation: Observation,
  desired: Record<string, Desired> | null,
  memory: Memory,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
): { actions: EndpointAction[]; memory: Memory; settling: boolean } {
  const observed = observation.endpoints;
  if (!observed) return { actions: [], memory, settling: false };
  const wantOf = (r: string) => desired?.[r] ?? memory.regions[r]?.desired;
  const wanted = new Set([...regions.keys()].filter((r) => total(wantOf(r) ?? NONE) > 0));
  const result = endpointActions({
    groups: observed.ok ? observed.groups : null,
    regions,
    wanted,
    doomed: new Set(memory.doomed.map((d) => d.instance_id)),
    drainedAt: memory.endpoint_drains ?? {},
    now,
  });
  const settling =
    Object.keys(result.drainedAt).length > 0 ||
    (observed.ok && observed.groups.some((g) => g.endpoints.some((e) => e.health === 'INITIAL')));
  return { actions: result.actions, memory: { ...memory, endpoint_drains: result.drainedAt }, settling };
}

/**
 * A region leaving service keeps what it was asked for while the accelerator may still send it requests:
 * its teardown waits until every endpoint of a live, non-doomed instance there has been at weight 0 for
 * `ENDPOINT_DRAIN_SECONDS`, so requests in flight finish (make-before-break at the traffic level). Only while
 * another region's endpoint carries traffic; a doomed instance is not waited for (it goes anyway); hands off
 * (null) and an unknown endpoint state change nothing.
 *
 * @example
 * holdWhileDraining({ 'us-west-2': NONE }, memory, observation, regions, now); // { 'us-west-2': { spot: 1, on_demand: 0 } } while draining
 */
export function holdWhileDraining(
  desired: Record<string, Desired> | null,
  memory: Memory,
  observation: Observation,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
): Record<string, Desired> | null {
  const observed = observation.endpoints;
  if (!desired || !observed?.ok) return desired;
  // Only a move drains (traffic has somewhere to go: a HEALTHY endpoint in a region that wants replicas);
  // a teardown of everything or a region lost with nowhere to go is not held up.
  const carrying = observed.groups.some(
    (g) =>
      total(desired[g.region] ?? NONE) > 0 && g.endpoints.some((e) => e.weight > 0 && e.health === 'HEALTHY'),
  );
  if (!carrying) return desired;
  const doomed = new Set(memory.doomed.map((d) => d.instance_id));
  const drains = memory.endpoint_drains ?? {};
  const drained = (id: string) => {
    const since = drains[id];
    return since !== undefined && seconds(since, now) >= ENDPOINT_DRAIN_SECONDS;
  };
  let held = desired;
  for (const group of observed.groups) {
    const want = desired[group.region];
    const before = memory.regions[group.region]?.desired;
    if (!want || total(want) > 0 || !before || total(before) === 0) continue;
    const region = regions.get(group.region);
    if (!seen(region)) continue;
    const live = new Set(
      region.instances
        .filter((i) => i.state === 'running' && !doomed.has(i.instance_id))
        .map((i) => i.instance_id),
    );
    if (group.endpoints.some((e) => live.has(e.id) && (e.weight > 0 || !drained(e.id))))
      held = { ...held, [group.region]: before };
  }
  return held;
}

/**
 * One cycle's decision.
 *
 * @example
 * const decision = plan(observation, config);
 * decision.actions; // [{ kind: 'request', region: 'us-west-2', intent: 1, desired: { spot: 1, on_demand: 0 }, ... }]
 */
export function plan(observation: Observation, config: Config): Plan {
  const now = new Date(observation.at);
  const regions = new Map(observation.regions.map((r) => [r.region, r]));
  let memory = forget(observation.status?.memory ?? initialMemory(), regions, now);
  memory = absorbSignals(memory, observation.signals, regions, now, config);
  memory = detectFailures(memory, regions, now, config);
  const placement = choosePlacement({
    spec: observation.spec,
    memory,
    // A replica counts for placement once clients can reach it (issue 14: make-before-break for traffic).
    regions: routedRegions(regions, observation.endpoints),
    market: observation.market,
    now,
    config,
  });
  const requested = requests(
    holdWhileDraining(placement.desired, placement.memory, observation, regions, now),
    placement.memory,
    regions,
    now,
    config,
  );
  memory = requested.memory;
  const endpoints = planEndpoints(observation, placement.desired, memory, regions, now);
  memory = endpoints.memory;
  const actions = [...requested.actions, ...endpoints.actions];
  const exit = actions.length === 0 && canExit(observation, memory, regions, config);
  const view = publicView({
    spec: observation.spec,
    memory,
    regions,
    previous: observation.status?.view ?? null,
    exit,
    now,
    config,
  });
  const look = nextLook(
    { actions, memory, view, endpointsSettling: endpoints.settling },
    regions,
    now,
    config,
  );
  return {
    actions,
    memory: look.memory,
    view,
    generation: observation.spec.generation,
    next_look_seconds: look.seconds,
    exit,
    consumed: observation.signals.map((s) => s.id),
  };
}
