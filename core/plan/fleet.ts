/**
 * The planner's placement step for a fleet (issue 13): when more than one replica is wanted (target + spare),
 * `chooseFleetPlacement` replaces the one-region policy of `placement.ts` and asks the fleet placement policy
 * (`core/placement`, `placeFleet`) for the desired replicas per region. It only translates: what Observe saw and
 * memory holds becomes the policy's input, the policy's answer becomes the desired state and memory's home and
 * last move. Requests, the fence and make-before-break sequencing stay the planner's (docs/DESIGN.md "Fleets
 * in the planner").
 */
import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import { LAUNCH_ERRORS } from '../launch-status.ts';
import type { Lifecycle } from '../messages.ts';
import { onDemandPrices } from '../placement/on-demand.ts';
import { placeFleet } from '../placement/place.ts';
import { recordCapacityEvents } from '../placement/risk.ts';
import type { CapacityEvent, RegionInput, RunningCount } from '../placement/types.ts';
import { activeExclusions } from '../ranking/exclusions.ts';
import { NONE, readyCount, running, seen, total } from './memory.ts';
import type { PlacementInput, PlacementResult } from './placement.ts';
import type { Desired, Memory, RegionMemory, RegionObservation, SeenRegion } from './types.ts';

/** GPU instances boot in one to two minutes (`core/launch-budget.ts`); the image pull comes on top. */
const BOOT_SECONDS = 120;

/** The fleet policy places replicas (the default for more than one replica; `placementPolicy` in the config). */
export const isFleet = (config: Config): boolean => config.placementPolicy === 'fleet';

/** Expected cold start of one replacement, seconds: boot plus the image pull the configuration states. */
export const coldStartSeconds = (config: Config): number => BOOT_SECONDS + config.container.imagePullSeconds;

/**
 * The capacity events of this cycle (interruption warnings absorbed as doomed instances, failed scaling
 * activities while the region's request asked for Spot) added to the remembered ones.
 */
export function capacityHistory(
  memory: Memory,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
): CapacityEvent[] {
  const remembered = memory.capacity_events ?? [];
  const fresh: CapacityEvent[] = [];
  for (const d of memory.doomed) {
    const at = Date.parse(d.at);
    const observed = regions.get(d.region);
    const lost = seen(observed) ? observed.instances.find((i) => i.instance_id === d.instance_id) : undefined;
    // Spot capacity risk comes from Spot replicas; an on-demand one lost (a person, a worker's clean-up) is no sign.
    if (lost?.lifecycle === 'on-demand') continue;
    const zone = lost?.availability_zone ?? null;
    // A doomed instance stays in memory for up to an hour, and is absorbed again every cycle: once it has gone
    // from what Observe sees, its zone reads unknown, and a second event (same loss, no zone) would count the
    // loss twice. The loss remembered with its zone stands.
    const already = remembered.some(
      (e) =>
        e.at === at &&
        e.region === d.region &&
        e.kind === 'interrupted' &&
        (zone === null || e.zone === zone),
    );
    if (!already) fresh.push({ at, region: d.region, zone, kind: 'interrupted' });
  }
  for (const observed of regions.values()) {
    if (!seen(observed)) continue;
    // A region asked for on-demand only failed an on-demand launch: that says nothing of its Spot capacity.
    // Counted as Spot risk, a fleet kept retrying on-demand that would not fit and never went back to Spot.
    if (memory.regions[observed.region]?.desired.spot === 0) continue;
    for (const f of observed.failures) {
      fresh.push({ at: Date.parse(f.at), region: observed.region, zone: null, kind: 'launch_failed' });
    }
  }
  return recordCapacityEvents(remembered, fresh, now.getTime());
}

/** What the policy needs to know of one worker region. */
export function regionInput(region: string, input: PlacementInput, memory: Memory): RegionInput {
  const { regions, market, now, config } = input;
  const observed = regions.get(region);
  const exclusion = activeExclusions(memory.exclusions, now).get(region);
  const price = market.prices[region] ?? null;
  const last = memory.regions[region]?.desired ?? NONE;
  // Every exclusion in force there comes from a failed launch (its reason a scaling activity's error code).
  const failedLaunchesOnly = memory.exclusions
    .filter((e) => e.region === region && Date.parse(e.until) > now.getTime())
    .every((e) => (LAUNCH_ERRORS as readonly string[]).includes(e.reason));
  const excludedForLaunches = exclusion !== undefined && failedLaunchesOnly;
  const none = { ready: 0, pending: 0 };
  let current: RegionInput['running'] = { spot: none, onDemand: none };
  if (seen(observed)) {
    const spot = running(observed, memory, 'spot');
    const onDemand = running(observed, memory, 'on-demand');
    current = {
      spot: excludedForLaunches ? launchedSpot(observed, spot, onDemand, memory.regions[region]) : spot,
      onDemand,
    };
  } else if (observed) {
    // Unseen this cycle: what was last asked there stands (the policy leaves it as it is).
    current = { spot: { ready: last.spot, pending: 0 }, onDemand: { ready: last.on_demand, pending: 0 } };
  }
  return {
    region,
    known: seen(observed),
    excludedUntil: exclusion ? Date.parse(exclusion.until) : null,
    excludedForLaunches,
    score: market.scores?.[region] ?? null,
    // The market item keeps each region's cheapest Spot price over its zones and types (Observe's lookup).
    zones: price === null ? [] : [{ zone: region, spotPrices: { cheapest: price } }],
    onDemandPrices: onDemandPrices(region, config.instanceTypes),
    running: current,
  };
}

/**
 * The Spot replicas a region holds after a launch there failed: the group lists every instance that launched (the
 * worker keeps them, LaunchInstance's ShrinkToLaunched) before DescribeInstances shows it (EC2 API Reference,
 * "Eventual consistency in the Amazon EC2 API"). Reading only what DescribeInstances listed, the plan asked a
 * region holding 2 launched replicas for 1, and its worker terminated the other. Never more than the plan's latest
 * request there.
 */
function launchedSpot(
  observed: SeenRegion,
  spot: RunningCount,
  onDemand: RunningCount,
  asked: RegionMemory | undefined,
): RunningCount {
  if (!asked || observed.asg.held === undefined) return spot;
  const held = Math.min(asked.desired.spot, observed.asg.held - onDemand.ready - onDemand.pending);
  return { ready: spot.ready, pending: Math.max(spot.pending, held - spot.ready) };
}

/** The lifecycle most of a desired state runs on. */
const lifecycleOf = (d: Desired): Lifecycle => (d.on_demand > d.spot ? 'on-demand' : 'spot');

/**
 * The fleet's placement for this cycle: desired replicas per worker region from `placeFleet`, memory's home
 * (the region with most replicas wanted), its risk memory and the last move (a region that gave up replicas while
 * another gained some).
 *
 * @example
 * chooseFleetPlacement({ spec, memory, regions, market, now, config }).desired;
 * // { 'us-east-1': { spot: 1, on_demand: 0 }, 'us-west-2': { spot: 1, on_demand: 0 }, 'eu-west-1': { spot: 0, on_demand: 0 } }
 */
export function chooseFleetPlacement(input: PlacementInput): PlacementResult {
  const { now, config } = input;
  const history = capacityHistory(input.memory, input.regions, now);
  let memory: Memory = { ...input.memory, capacity_events: history, move: null };
  const decision = placeFleet({
    now: now.getTime(),
    fleet: {
      targetCapacity: config.targetCapacity,
      spareCapacity: config.spareCapacity,
      maxPerRegion: config.maxPerRegion,
      onDemandFallback: config.onDemandFallback,
      minPlacementScore: config.minPlacementScore,
      maxSpotPrice: config.maxSpotPrice,
      rebalanceMinSavings: config.rebalanceMinSavings,
    },
    coldStartSeconds: coldStartSeconds(config),
    regions: config.workerRegions.map((r) => regionInput(r, input, memory)),
    history,
  });
  const desired: Record<string, Desired> = {};
  for (const r of config.workerRegions) desired[r] = decision.desired[r] ?? NONE;
  // A doomed replica still serves until it goes: while the fleet has fewer ready replicas than the target, its
  // region keeps it (make-before-break, as the one-region policy keeps a move's source).
  const ready = config.workerRegions.reduce((n, r) => {
    const observed = input.regions.get(r);
    return n + (seen(observed) ? readyCount(observed, memory) : 0);
  }, 0);
  let short = Math.max(0, config.targetCapacity - ready);
  for (const r of config.workerRegions) {
    const observed = input.regions.get(r);
    if (!seen(observed) || short === 0) continue;
    const doomed = new Set(memory.doomed.filter((d) => d.region === r).map((d) => d.instance_id));
    const serving = observed.instances.filter((i) => i.ready && doomed.has(i.instance_id));
    const keep = Math.min(short, serving.length);
    const spotKept = serving.slice(0, keep).filter((i) => i.lifecycle === 'spot').length;
    desired[r] = { spot: desired[r]!.spot + spotKept, on_demand: desired[r]!.on_demand + keep - spotKept };
    short -= keep;
  }

  // An Auto Scaling group replaces no instance when only its on-demand / Spot split changes (a new instances
  // distribution applies to launches and scale-ins), so a region asked for more of one kind without room to grow
  // would never launch them. The ready replicas of the other kind stay asked for until the new ones are ready
  // (make-before-break); then the policy releases them, and the group's scale-in takes the kind above its share.
  for (const r of config.workerRegions) {
    const observed = input.regions.get(r);
    if (!seen(observed)) continue;
    const spot = running(observed, memory, 'spot');
    const onDemand = running(observed, memory, 'on-demand');
    const d = desired[r]!;
    if (d.spot > spot.ready + spot.pending && d.on_demand < onDemand.ready) {
      desired[r] = { spot: d.spot, on_demand: onDemand.ready };
    } else if (d.on_demand > onDemand.ready + onDemand.pending && d.spot < spot.ready) {
      desired[r] = { spot: spot.ready, on_demand: d.on_demand };
    }
  }

  let home: Memory['home'] = null;
  for (const r of config.workerRegions) {
    const d = desired[r]!;
    if (total(d) > 0 && (!home || total(d) > total(desired[home.region]!)))
      home = { region: r, lifecycle: lifecycleOf(d) };
  }
  const before = (r: string) => total(memory.regions[r]?.desired ?? NONE);
  const from = config.workerRegions.find((r) => before(r) > total(desired[r]!));
  // The replicas a region gives up went where the fleet grew: this cycle, or (make-before-break) the region whose
  // latest request raised it while the leaving one kept serving.
  const latest = (r: string) => Date.parse(memory.regions[r]?.since ?? '') || 0;
  const to =
    config.workerRegions.find((r) => total(desired[r]!) > before(r)) ??
    config.workerRegions
      .filter((r) => r !== from && total(desired[r]!) > 0)
      .sort((a, b) => latest(b) - latest(a))[0];
  let lastMove = memory.last_move;
  if (from && to && from !== to) {
    const exclusion = activeExclusions(memory.exclusions, now).get(from);
    lastMove = { from, to, reason: exclusion?.reason ?? 'Rebalance', at: isoUtc(now) };
  }
  memory = { ...memory, home, last_move: lastMove };
  return { memory, desired };
}
