/**
 * A discrete-event model of a fleet of replicas on a market trace, for the policies spotplane is compared
 * with (today's break-before-make baseline, round robin over zones, SpotHedge). Every policy runs on the same
 * model with the same accounting; spotplane itself runs as the real control plane on LocalCloud (`driver.ts`).
 *
 * The model is the cloud, as LocalCloud models it:
 * - Spot capacity per zone (`ZoneTrace.capacity`; a trace without zones: the region's zones, unconstrained
 *   while the region has capacity, 0 while it has none). A Spot launch succeeds at once in a zone with room
 *   (capacity minus the replicas running there) and fails at once in one without (InsufficientInstanceCapacity);
 *   a launch that names only a region goes where an Auto Scaling group would put it (a zone with room, fewest of
 *   ours, cheapest; `emulator/autoscaling.ts`). On-demand always launches.
 * - A zone whose capacity drops below what runs there reclaims the excess, newest first; a region-wide
 *   interruption of the trace warns every Spot replica there. A warned replica keeps serving until it
 *   terminates `warningMs` later (0 = at once).
 * - A replica is ready `launchMs` after its launch (fixed, or drawn from LocalCloud's ranges) and serves until
 *   it terminates; it is billed from launch to termination.
 *
 * Policies see what a real control plane sees: the market's prices and scores now, their own replicas, and
 * what happened to them (launched, failed, ready, warned, terminated) — never a zone's capacity or the future.
 */
import type { Lifecycle } from '../core/messages.ts';
import { availabilityZones } from '../core/zones.ts';
import { type OnDemandTable, onDemandPrice } from './on-demand-prices.ts';
import { rng } from './rng.ts';
import type { HealthyInterval, InstanceSpan, LaunchRequest, Loss, RunTimeline } from './timeline.ts';
import { regionTrace, type Trace, valueAt, zonePriceAt } from './trace.ts';

export interface ModelReplica {
  readonly id: string;
  readonly region: string;
  readonly zone: string;
  readonly lifecycle: Lifecycle;
  readonly instanceType: string;
  readonly launchedAt: number;
  readonly readyAt: number;
  /** When the interruption warning came (null: none yet). */
  warnedAt: number | null;
}

export type FleetEvent =
  | { kind: 'launched'; replica: ModelReplica }
  | { kind: 'launch_failed'; region: string; zone: string | null; lifecycle: Lifecycle }
  | { kind: 'ready'; replica: ModelReplica }
  | { kind: 'warned'; replica: ModelReplica }
  | { kind: 'terminated'; replica: ModelReplica; interrupted: boolean };

export type FleetAction =
  | { kind: 'launch'; region: string; zone?: string; lifecycle: Lifecycle }
  | { kind: 'release'; id: string }
  | { kind: 'wake'; at: number };

/** What a policy may look at: the market now, its replicas, what happened since it last decided. */
export interface FleetView {
  readonly now: number;
  readonly regions: readonly string[];
  zones(region: string): readonly string[];
  /** Cheapest configured type's Spot price in `zone` now, USD/h. */
  spotPrice(region: string, zone: string): number;
  /** Cheapest configured type's on-demand price in `region`, USD/h. */
  onDemandPrice(region: string): number;
  placementScore(region: string): number;
  /** Live replicas (launched, not terminated), ready or not, warned or not. */
  readonly replicas: readonly ModelReplica[];
  /** What happened since the last decision, in order. */
  readonly events: readonly FleetEvent[];
}

export interface FleetPolicy {
  readonly name: string;
  /** Called at the start and after anything happens; returns what to do now. */
  decide(view: FleetView): FleetAction[];
}

export interface ModelSettings {
  targetCapacity: number;
  /** Interruption warning to termination, ms (default 120 s; 0 = none). */
  warningMs?: number;
  /** Launch to ready, ms; default: drawn like LocalCloud (boot 60-90 s + container 20-40 s + health 10-20 s). */
  launchMs?: number;
  onDemand?: OnDemandTable;
}

interface Live extends ModelReplica {
  endsAt: number | null;
  readyNotified: boolean;
}

interface ZoneState {
  zone: string;
  region: string;
  capacity: () => number;
  /** Instants at which the capacity changes (after the start). */
  changes: number[];
}

const DEFAULT_WARNING_MS = 120_000;
/** A policy that keeps launching without waiting would loop forever at one instant: bound the rounds. */
const MAX_ROUNDS_PER_INSTANT = 50;

function zoneStates(trace: Trace, clock: { now: number }): ZoneState[] {
  const out: ZoneState[] = [];
  for (const r of trace.regions) {
    if (r.zones) {
      for (const z of r.zones) {
        out.push({
          zone: z.zone,
          region: r.region,
          capacity: () => valueAt(z.capacity, clock.now),
          changes: z.capacity.map((p) => p.at),
        });
      }
    } else {
      for (const zone of availabilityZones(r.region)) {
        out.push({
          zone,
          region: r.region,
          capacity: () => (valueAt(r.capacityAvailable, clock.now) ? Number.POSITIVE_INFINITY : 0),
          changes: r.capacityAvailable.map((p) => p.at),
        });
      }
    }
  }
  return out;
}

/**
 * Runs `policy` over `trace` on the model and returns its timeline (accounted like spotplane's by `accountRun`).
 *
 * @example
 * const timeline = runFleetModel(trace, spotHedgePolicy({ targetCapacity: 1, spareCapacity: 0 }), { targetCapacity: 1 });
 */
export function runFleetModel(trace: Trace, policy: FleetPolicy, settings: ModelSettings): RunTimeline {
  const clock = { now: trace.startMs };
  const warningMs = settings.warningMs ?? DEFAULT_WARNING_MS;
  const onDemand = settings.onDemand ?? onDemandPrice;
  const timing = rng(trace.seed, `${policy.name}/timing`);
  const launchMs = () =>
    settings.launchMs ??
    Math.round(
      timing.uniform(60_000, 90_000) + timing.uniform(20_000, 40_000) + timing.uniform(10_000, 20_000),
    );

  const zones = zoneStates(trace, clock);
  const zonesOf = new Map<string, ZoneState[]>();
  for (const z of zones) zonesOf.set(z.region, [...(zonesOf.get(z.region) ?? []), z]);
  const zoneByName = new Map(zones.map((z) => [z.zone, z]));
  const cheapestType = (region: string, zone: string) =>
    trace.instanceTypes.reduce((best, t) =>
      zonePriceAt(trace, region, zone, clock.now, t) < zonePriceAt(trace, region, zone, clock.now, best)
        ? t
        : best,
    );
  const cheapestOnDemandType = (region: string) =>
    trace.instanceTypes.reduce((best, t) => (onDemand(region, t) < onDemand(region, best) ? t : best));

  const live = new Map<string, Live>();
  const spans: InstanceSpan[] = [];
  const healthy: HealthyInterval[] = [];
  const losses: Loss[] = [];
  const launchRequests: LaunchRequest[] = [];
  let pending: FleetEvent[] = [];
  let serial = 0;
  const wakes = new Set<number>();

  const spotIn = (zone: string) =>
    [...live.values()].filter((r) => r.zone === zone && r.lifecycle === 'spot' && r.warnedAt === null);
  const room = (z: ZoneState) => z.capacity() - spotIn(z.zone).length;

  const view = (): FleetView => ({
    now: clock.now,
    regions: trace.regions.map((r) => r.region),
    zones: (region) => (zonesOf.get(region) ?? []).map((z) => z.zone),
    spotPrice: (region, zone) => zonePriceAt(trace, region, zone, clock.now, cheapestType(region, zone)),
    onDemandPrice: (region) => onDemand(region, cheapestOnDemandType(region)),
    placementScore: (region) => valueAt(regionTrace(trace, region).placementScore, clock.now),
    replicas: [...live.values()],
    events: pending,
  });

  const terminate = (r: Live, interrupted: boolean) => {
    live.delete(r.id);
    spans.push({
      id: r.id,
      region: r.region,
      zone: r.zone,
      instanceType: r.instanceType,
      lifecycle: r.lifecycle,
      startMs: r.launchedAt,
      endMs: clock.now,
    });
    if (clock.now > r.readyAt) healthy.push({ region: r.region, startMs: r.readyAt, endMs: clock.now });
    pending.push({ kind: 'terminated', replica: r, interrupted });
  };

  const warn = (r: Live) => {
    r.warnedAt = clock.now;
    r.endsAt = clock.now + warningMs;
    pending.push({ kind: 'warned', replica: r });
    if (warningMs <= 0) terminate(r, true);
  };

  const warnAll = (victims: Live[]) => {
    if (victims.length === 0) return;
    for (const region of new Set(victims.map((v) => v.region))) losses.push({ atMs: clock.now, region });
    for (const v of victims) warn(v);
  };

  const launch = (action: Extract<FleetAction, { kind: 'launch' }>) => {
    launchRequests.push({ atMs: clock.now, region: action.region });
    const regionZones = zonesOf.get(action.region) ?? [];
    let zone: ZoneState | undefined;
    if (action.lifecycle === 'spot') {
      if (action.zone !== undefined) {
        const named = zoneByName.get(action.zone);
        zone = named && room(named) > 0 ? named : undefined;
      } else {
        const ours = (z: ZoneState) => [...live.values()].filter((r) => r.zone === z.zone).length;
        zone = regionZones
          .filter((z) => room(z) > 0)
          .sort(
            (a, b) =>
              ours(a) - ours(b) ||
              zonePriceAt(trace, a.region, a.zone, clock.now, cheapestType(a.region, a.zone)) -
                zonePriceAt(trace, b.region, b.zone, clock.now, cheapestType(b.region, b.zone)),
          )[0];
      }
      if (!zone) {
        pending.push({
          kind: 'launch_failed',
          region: action.region,
          zone: action.zone ?? null,
          lifecycle: 'spot',
        });
        return;
      }
    } else {
      const ours = (z: ZoneState) => [...live.values()].filter((r) => r.zone === z.zone).length;
      zone =
        (action.zone !== undefined ? zoneByName.get(action.zone) : undefined) ??
        [...regionZones].sort((a, b) => ours(a) - ours(b))[0];
      if (!zone) {
        pending.push({ kind: 'launch_failed', region: action.region, zone: null, lifecycle: 'on-demand' });
        return;
      }
    }
    const replica: Live = {
      id: `${policy.name}-${serial++}`,
      region: action.region,
      zone: zone.zone,
      lifecycle: action.lifecycle,
      instanceType:
        action.lifecycle === 'spot'
          ? cheapestType(action.region, zone.zone)
          : cheapestOnDemandType(action.region),
      launchedAt: clock.now,
      readyAt: clock.now + launchMs(),
      warnedAt: null,
      endsAt: null,
      readyNotified: false,
    };
    live.set(replica.id, replica);
    pending.push({ kind: 'launched', replica });
  };

  const decide = () => {
    for (let round = 0; round < MAX_ROUNDS_PER_INSTANT; round++) {
      const actions = policy.decide(view());
      pending = [];
      let acted = false;
      for (const action of actions) {
        if (action.kind === 'wake') {
          if (action.at > clock.now) wakes.add(action.at);
        } else if (action.kind === 'release') {
          const r = live.get(action.id);
          if (r) {
            terminate(r, false);
            acted = true;
          }
        } else {
          launch(action);
          acted = true;
        }
      }
      if (!acted || pending.length === 0) return;
    }
  };

  // Every instant at which the world changes on its own: capacity steps and region-wide interruptions.
  const marketTimes = new Set<number>();
  for (const z of zones)
    for (const at of z.changes) if (at > trace.startMs && at < trace.endMs) marketTimes.add(at);
  const interruptions = new Map<number, string[]>();
  for (const r of trace.regions) {
    for (const at of r.interruptions) {
      if (at < trace.startMs || at >= trace.endMs) continue;
      marketTimes.add(at);
      interruptions.set(at, [...(interruptions.get(at) ?? []), r.region]);
    }
  }
  const market = [...marketTimes].sort((a, b) => a - b);
  let nextMarket = 0;

  const nextReplicaTime = () => {
    let next = Number.POSITIVE_INFINITY;
    for (const r of live.values()) {
      if (r.endsAt !== null && r.endsAt < next) next = r.endsAt;
      if (!r.readyNotified && r.readyAt < next) next = r.readyAt;
    }
    return next;
  };

  decide();
  for (;;) {
    let wake = Number.POSITIVE_INFINITY;
    for (const w of wakes) if (w < wake) wake = w;
    const t = Math.min(market[nextMarket] ?? Number.POSITIVE_INFINITY, nextReplicaTime(), wake);
    if (!(t < trace.endMs)) break;
    clock.now = t;
    for (const w of wakes) if (w <= t) wakes.delete(w);
    if (market[nextMarket] === t) {
      nextMarket++;
      // Zones that shrank below what runs there reclaim the excess, newest first.
      const victims: Live[] = [];
      for (const z of zones) {
        const running = spotIn(z.zone).sort((a, b) => b.launchedAt - a.launchedAt);
        const excess = running.length - z.capacity();
        if (excess > 0) victims.push(...running.slice(0, excess));
      }
      for (const region of interruptions.get(t) ?? []) {
        for (const r of live.values()) {
          if (r.region === region && r.lifecycle === 'spot' && r.warnedAt === null && !victims.includes(r)) {
            victims.push(r);
          }
        }
      }
      warnAll(victims);
    }
    for (const r of [...live.values()]) {
      if (r.endsAt !== null && r.endsAt <= t) terminate(r, true);
    }
    for (const r of live.values()) {
      if (!r.readyNotified && r.readyAt <= t) {
        r.readyNotified = true;
        pending.push({ kind: 'ready', replica: r });
      }
    }
    decide();
  }
  clock.now = trace.endMs;
  for (const r of [...live.values()]) terminate(r, false);
  return {
    policy: policy.name,
    startMs: trace.startMs,
    endMs: trace.endMs,
    targetCapacity: settings.targetCapacity,
    instances: spans,
    healthy,
    losses,
    launchRequests,
  };
}
