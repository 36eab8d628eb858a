/**
 * The stable endpoint's part of a cycle, pure: which instances Global Accelerator should route to, and
 * the AddEndpoints / UpdateEndpointGroup (weight) / RemoveEndpoints calls that get it there from what
 * was observed. Make-before-break at the traffic level: an endpoint leaving service is drained (weight
 * 0) only once another serving endpoint is HEALTHY (or its own instance is already gone), and removed
 * only after a drain period. Not yet called by `plan` (docs/DESIGN.md, "Endpoint actions in the hub's plan").
 */
import type { RegionObservation } from './types.ts';

/** New connections stop at weight 0; requests in flight get this long before the endpoint is removed. */
export const ENDPOINT_DRAIN_SECONDS = 60;
/** Global Accelerator's default weight. */
export const ENDPOINT_WEIGHT = 128;

export interface ObservedEndpoint {
  id: string;
  weight: number;
  health: 'INITIAL' | 'HEALTHY' | 'UNHEALTHY';
}

export interface ObservedEndpointGroup {
  region: string;
  arn: string;
  endpoints: ObservedEndpoint[];
}

export type EndpointAction =
  | { kind: 'endpoint-add'; region: string; group_arn: string; instance_ids: string[]; why: string }
  | {
      kind: 'endpoint-weight';
      region: string;
      group_arn: string;
      endpoints: { id: string; weight: number }[];
      why: string;
    }
  | { kind: 'endpoint-remove'; region: string; group_arn: string; instance_ids: string[]; why: string };

export interface EndpointInput {
  /** Every worker region's endpoint group as observed; null when GA could not be read this cycle. */
  groups: ObservedEndpointGroup[] | null;
  regions: ReadonlyMap<string, RegionObservation>;
  /** Regions the plan wants replicas in (desired > 0). */
  wanted: ReadonlySet<string>;
  /** Instances a worker reported as going away (interruption warning, ...). */
  doomed: ReadonlySet<string>;
  /** When each drained endpoint's weight went to 0 (remembered between cycles). */
  drainedAt: Readonly<Record<string, string>>;
  now: Date;
}

/**
 * The endpoint calls for one cycle, and the drain times to remember.
 *
 * @example
 * endpointActions({ groups, regions, wanted: new Set(['us-west-2']), doomed: new Set(), drainedAt: {}, now });
 */
export function endpointActions(input: EndpointInput): {
  actions: EndpointAction[];
  drainedAt: Record<string, string>;
} {
  if (!input.groups) return { actions: [], drainedAt: { ...input.drainedAt } };
  const serving = new Set<string>();
  const alive = new Set<string>();
  for (const [region, observed] of input.regions) {
    if (!observed.ok) continue;
    for (const i of observed.instances) {
      if (i.state === 'pending' || i.state === 'running') alive.add(i.instance_id);
      if (input.wanted.has(region) && i.ready && !input.doomed.has(i.instance_id)) serving.add(i.instance_id);
    }
  }
  const registered = input.groups.flatMap((g) => g.endpoints.map((e) => ({ ...e, group: g })));
  // What keeps traffic flowing once an endpoint is drained: a serving endpoint GA already routes to.
  const carrying = registered.filter((e) => serving.has(e.id) && e.weight > 0 && e.health === 'HEALTHY');
  const actions: EndpointAction[] = [];
  const drainedAt: Record<string, string> = {};
  for (const group of input.groups) {
    const observed = input.regions.get(group.region);
    // A region not seen this cycle is unknown, not empty: leave its endpoints alone.
    if (!observed?.ok) {
      for (const e of group.endpoints)
        if (input.drainedAt[e.id]) drainedAt[e.id] = input.drainedAt[e.id] as string;
      continue;
    }
    const ids = new Set(group.endpoints.map((e) => e.id));
    const add = observed.instances
      .filter((i) => serving.has(i.instance_id) && !ids.has(i.instance_id))
      .map((i) => i.instance_id);
    if (add.length > 0) {
      actions.push({
        kind: 'endpoint-add',
        region: group.region,
        group_arn: group.arn,
        instance_ids: add,
        why: 'ready replica',
      });
    }
    const weights: { id: string; weight: number }[] = [];
    const remove: string[] = [];
    for (const e of group.endpoints) {
      if (serving.has(e.id)) {
        // Drained by someone else (drift), or kept at 0 by an earlier cycle that no longer applies.
        if (e.weight === 0) weights.push({ id: e.id, weight: ENDPOINT_WEIGHT });
        continue;
      }
      const gone = !alive.has(e.id);
      if (e.weight > 0) {
        if (gone || carrying.some((c) => c.id !== e.id)) {
          weights.push({ id: e.id, weight: 0 });
          drainedAt[e.id] = input.now.toISOString();
        }
        continue;
      }
      const since = input.drainedAt[e.id];
      const drainedLongEnough =
        since !== undefined && input.now.getTime() - Date.parse(since) >= ENDPOINT_DRAIN_SECONDS * 1000;
      if (gone || drainedLongEnough) remove.push(e.id);
      else drainedAt[e.id] = since ?? input.now.toISOString();
    }
    if (weights.length > 0) {
      // UpdateEndpointGroup replaces the whole list: every endpoint of the group, with the new weights;
      // leaving the removed ones out removes them in the same call.
      const next = group.endpoints
        .filter((e) => !remove.includes(e.id))
        .map((e) => ({ id: e.id, weight: weights.find((w) => w.id === e.id)?.weight ?? e.weight }));
      actions.push({
        kind: 'endpoint-weight',
        region: group.region,
        group_arn: group.arn,
        endpoints: next,
        why: weights.some((w) => w.weight === 0) ? 'drain before removal' : 'serving replica drained by hand',
      });
    } else if (remove.length > 0) {
      actions.push({
        kind: 'endpoint-remove',
        region: group.region,
        group_arn: group.arn,
        instance_ids: remove,
        why: 'drained',
      });
    }
  }
  return { actions, drainedAt };
}
