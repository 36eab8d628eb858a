/** The Orchestrator's memory: its starting value and the small edits every planning step shares. */
import { isoUtc } from '../clock.ts';
import type { Exclusion, Lifecycle } from '../messages.ts';
import type { RunningCount } from '../placement/types.ts';
import { activeExclusions } from '../ranking/exclusions.ts';
import type { Desired, Memory, ObservedInstance, RegionObservation, SeenRegion } from './types.ts';

/** A deployment's first memory: nothing requested, nothing excluded, the first intent is 1. */
export const initialMemory = (): Memory => ({
  next_intent: 1,
  regions: {},
  exclusions: [],
  on_demand_failures: [],
  doomed: [],
  home: null,
  move: null,
  last_move: null,
  backoff: { attempt: 0 },
  checks: { rebalance_at: null, revert_at: null },
});

export const seconds = (at: string | null | undefined, now: Date): number =>
  at ? (now.getTime() - Date.parse(at)) / 1000 : Number.POSITIVE_INFINITY;

export const after = (now: Date, secondsLater: number): string =>
  isoUtc(new Date(now.getTime() + secondsLater * 1000));

export const total = (d: Desired): number => d.spot + d.on_demand;
export const sameDesired = (a: Desired, b: Desired): boolean =>
  a.spot === b.spot && a.on_demand === b.on_demand;
export const NONE: Desired = { spot: 0, on_demand: 0 };

/** Adds (or replaces) the exclusion of `region` until now + ttl, unless one already lasts at least that long. */
export function withExclusion(
  list: readonly Exclusion[],
  region: string,
  reason: string,
  now: Date,
  ttlSeconds: number,
): Exclusion[] {
  const active = [...activeExclusions(list, now).values()];
  if (active.some((e) => e.region === region)) return active;
  return [...active, { region, reason, until: after(now, ttlSeconds) }];
}

export const isExcluded = (list: readonly Exclusion[], region: string, now: Date): boolean =>
  activeExclusions(list, now).has(region);

/** EC2 states of an instance that still exists (and costs): everything but terminated. */
export const isLive = (i: ObservedInstance): boolean => i.state !== 'terminated';

/** Nothing runs there: the ASG wants none, no instance exists, no ECS task lives. */
export const isEmpty = (r: SeenRegion): boolean =>
  r.asg.desired === 0 && !r.instances.some(isLive) && r.tasks.length === 0;

export const seen = (r: RegionObservation | undefined): r is SeenRegion => r?.ok === true;

/** Ready replicas in a region, leaving out instances known to be going away. */
export function readyCount(r: SeenRegion, memory: Memory): number {
  const doomed = new Set(memory.doomed.map((d) => d.instance_id));
  return r.instances.filter((i) => i.ready && !doomed.has(i.instance_id)).length;
}

/** A region's replicas of one lifecycle that stay: live, not terminating, not doomed; ready or still pending. */
export function running(observed: RegionObservation, memory: Memory, lifecycle: Lifecycle): RunningCount {
  if (!seen(observed)) return { ready: 0, pending: 0 };
  const doomed = new Set(memory.doomed.map((d) => d.instance_id));
  const mine = observed.instances.filter(
    (i) =>
      i.lifecycle === lifecycle && isLive(i) && i.state !== 'shutting-down' && !doomed.has(i.instance_id),
  );
  const ready = mine.filter((i) => i.ready).length;
  // `ready` here is routed (core/plan/endpoints.ts): a serving instance waits for its endpoint's health checks.
  const unrouted = mine.filter(
    (i) => !i.ready && i.task_status === 'RUNNING' && i.health === 'HEALTHY',
  ).length;
  return { ready, pending: mine.length - ready, unrouted };
}

/** Instances still standing (not terminating), doomed ones included: they serve until they go. */
export const standingCount = (r: SeenRegion): number =>
  r.instances.filter((i) => isLive(i) && i.state !== 'shutting-down').length;
