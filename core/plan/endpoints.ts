/**
 * The stable endpoint's part of a cycle, pure: which instances Global Accelerator should route to, and
 * the AddEndpoints / UpdateEndpointGroup (weight) / RemoveEndpoints calls that get it there from what
 * was observed. Make-before-break at the traffic level: an endpoint leaving service is drained (weight
 * 0) only once another serving endpoint is HEALTHY (or its own instance is already gone), and removed
 * only after a drain period. `plan` calls it (docs/DESIGN.md, "Endpoint actions in the hub's plan").
 */
import { z } from 'zod';
import { MAX_ENDPOINTS_PER_GROUP } from '../endpoint.ts';
import type { RegionObservation } from './types.ts';

/** New connections stop at weight 0; requests in flight get this long before the endpoint is removed. */
export const ENDPOINT_DRAIN_SECONDS = 60;
/** Global Accelerator's default weight. */
export const ENDPOINT_WEIGHT = 128;

export const observedEndpointSchema = z.object({
  id: z.string(),
  weight: z.int().min(0),
  health: z.enum(['INITIAL', 'HEALTHY', 'UNHEALTHY']),
});
export type ObservedEndpoint = z.infer<typeof observedEndpointSchema>;

export const observedEndpointGroupSchema = z.object({
  region: z.string(),
  arn: z.string(),
  endpoints: z.array(observedEndpointSchema),
});
export type ObservedEndpointGroup = z.infer<typeof observedEndpointGroupSchema>;

/** Every worker region's endpoint group as Observe read it, or unknown this cycle (no endpoint action). */
export const endpointsObservationSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), groups: z.array(observedEndpointGroupSchema) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type EndpointsObservation = z.infer<typeof endpointsObservationSchema>;

const endpointIds = z.array(z.string()).min(1);
export const endpointActionSchemas = [
  z.object({
    kind: z.literal('endpoint-add'),
    region: z.string(),
    group_arn: z.string(),
    instance_ids: endpointIds,
    why: z.string(),
  }),
  z.object({
    kind: z.literal('endpoint-weight'),
    region: z.string(),
    group_arn: z.string(),
    /** The group's whole endpoint list after the call (UpdateEndpointGroup replaces it). */
    endpoints: z.array(z.object({ id: z.string(), weight: z.int().min(0).max(255) })),
    why: z.string(),
  }),
  z.object({
    kind: z.literal('endpoint-remove'),
    region: z.string(),
    group_arn: z.string(),
    instance_ids: endpointIds,
    why: z.string(),
  }),
] as const;
export type EndpointAction = z.infer<(typeof endpointActionSchemas)[number]>;

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
    // What the group has room for: the rest waits for a drained endpoint to leave (routedRegions counts it ready).
    const add = observed.instances
      .filter((i) => serving.has(i.instance_id) && !ids.has(i.instance_id))
      .map((i) => i.instance_id)
      .slice(0, Math.max(0, MAX_ENDPOINTS_PER_GROUP - group.endpoints.length));
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

/**
 * The regions as the placement policy should see them when the plan manages the endpoint: an instance
 * counts as ready only once Global Accelerator routes to it (registered, weight > 0, HEALTHY), so a
 * move completes, and the old region is released, only after clients can reach the new replicas
 * (make-before-break at the traffic level). Unchanged when the endpoint is not observed this cycle.
 *
 * Except in a full endpoint group (`MAX_ENDPOINTS_PER_GROUP`): there a ready instance cannot be registered until an
 * endpoint leaves, and the one that should leave is what it replaces, released only once the new one counts as
 * ready. Waiting for the route would wait forever (a region of 10 swapping an on-demand replica for Spot kept
 * both, paying on-demand), so there the instance counts as ready when it serves: that one swap is
 * break-before-make at the traffic level, with the group's other endpoints carrying the traffic.
 *
 * @example
 * routedRegions(regions, { ok: true, groups }).get('us-west-2'); // instances[i].ready false until GA says HEALTHY
 */
export function routedRegions(
  regions: ReadonlyMap<string, RegionObservation>,
  endpoints: EndpointsObservation | undefined,
): ReadonlyMap<string, RegionObservation> {
  if (!endpoints?.ok) return regions;
  const routed = new Set(
    endpoints.groups.flatMap((g) =>
      g.endpoints.filter((e) => e.weight > 0 && e.health === 'HEALTHY').map((e) => `${g.region}/${e.id}`),
    ),
  );
  const full = new Map(
    endpoints.groups
      .filter((g) => g.endpoints.length >= MAX_ENDPOINTS_PER_GROUP)
      .map((g) => [g.region, new Set(g.endpoints.map((e) => e.id))]),
  );
  const countsReady = (region: string, id: string) =>
    routed.has(`${region}/${id}`) || full.get(region)?.has(id) === false;
  const out = new Map<string, RegionObservation>();
  for (const [name, r] of regions) {
    out.set(
      name,
      r.ok
        ? {
            ...r,
            instances: r.instances.map((i) => ({
              ...i,
              ready: i.ready && countsReady(name, i.instance_id),
            })),
          }
        : r,
    );
  }
  return out;
}
