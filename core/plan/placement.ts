/**
 * The placement policy: where replicas should run, as a desired state per worker region. Issue 11 runs
 * the whole target in one region (the best Spot region by placement score, ties broken by price; on-demand
 * as a fallback) and moves make-before-break; a fleet policy (issue 13) replaces only this function.
 */

import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../messages.ts';
import { type PriceLookup, type Ranking, rankRegions } from '../ranking/rank.ts';
import { shouldRebalance } from '../ranking/rebalance.ts';
import { chooseFleetPlacement, isFleet } from './fleet.ts';
import { after, isExcluded, NONE, readyCount, running, seen, standingCount, total } from './memory.ts';
import { REBALANCE_CHECK_SECONDS } from './timing.ts';
import type { Desired, Market, Memory, Placement, RegionObservation, Spec } from './types.ts';

/** Why a move happens; the first two keep the status RUNNING (the old region still serves). */
export const PRICE_REBALANCE = 'PriceRebalance';
export const SPOT_AVAILABLE = 'SpotAvailable';
export const ELECTIVE_MOVES: readonly string[] = [PRICE_REBALANCE, SPOT_AVAILABLE];

export interface PlacementInput {
  spec: Spec;
  memory: Memory;
  regions: ReadonlyMap<string, RegionObservation>;
  market: Market;
  now: Date;
  config: Config;
}

export interface PlacementResult {
  memory: Memory;
  /**
   * Desired state per worker region; null = hands off (a plain disable: request nothing, remove nothing).
   * A region missing from the record is hands off too (a plain disable that finishes a move names one).
   */
  desired: Record<string, Desired> | null;
}

/** Replicas the plan keeps (issue 13 adds spares). */
export const replicasWanted = (config: Config): number => config.targetCapacity;

const desiredFor = (lifecycle: Lifecycle, n: number): Desired =>
  lifecycle === 'spot' ? { spot: n, on_demand: 0 } : { spot: 0, on_demand: n };

/** The Spot ranking over the regions seen this cycle (an unknown region cannot be launched into). */
export function spotRanking(input: PlacementInput): Ranking {
  const { memory, regions, market, now, config } = input;
  const prices = new Map<string, PriceLookup>();
  for (const [region, price] of Object.entries(market.prices)) {
    prices.set(
      region,
      price === null
        ? { known: false, why: 'no current price' }
        : { known: true, price, availabilityZone: '', instanceType: '' },
    );
  }
  return rankRegions({
    workerRegions: config.workerRegions.filter((r) => seen(regions.get(r))),
    exclusions: memory.exclusions,
    now,
    scores: market.scores ? new Map(Object.entries(market.scores)) : null,
    prices,
    minPlacementScore: config.minPlacementScore,
    maxSpotPrice: config.maxSpotPrice,
  });
}

/** Where to launch now: the best Spot region, else (when allowed) on-demand in the first usable region. */
export function chooseTarget(input: PlacementInput, leaving: string | null): Placement | null {
  const chosen = spotRanking(input).chosen;
  if (chosen) return { region: chosen.region, lifecycle: 'spot' };
  const { config, memory, regions, now } = input;
  if (!config.onDemandFallback) return null;
  const region = config.workerRegions.find(
    (r) => r !== leaving && seen(regions.get(r)) && !isExcluded(memory.on_demand_failures, r, now),
  );
  return region ? { region, lifecycle: 'on-demand' } : null;
}

/** The lifecycle most of a region's ready instances run on. */
function lifecycleOf(region: RegionObservation): Lifecycle {
  if (!region.ok) return 'spot';
  const ready = region.instances.filter((i) => i.ready);
  const onDemand = ready.filter((i) => i.lifecycle === 'on-demand').length;
  return onDemand > ready.length - onDemand ? 'on-demand' : 'spot';
}

/** A region holding ready replicas that the plan may keep using (an enable after a plain disable adopts it). */
function adoptable(input: PlacementInput): Placement | null {
  const { config, memory, regions, now } = input;
  let best: { region: string; ready: number } | null = null;
  for (const region of config.workerRegions) {
    const observed = regions.get(region);
    if (!seen(observed) || isExcluded(memory.exclusions, region, now)) continue;
    const ready = readyCount(observed, memory);
    if (ready > 0 && (!best || ready > best.ready)) best = { region, ready };
  }
  return best ? { region: best.region, lifecycle: lifecycleOf(regions.get(best.region)!) } : null;
}

function homeIsBad(home: Placement, input: PlacementInput): string | null {
  const { memory, now, config } = input;
  if (!(config.workerRegions as readonly string[]).includes(home.region)) return 'RegionRemoved';
  const list = home.lifecycle === 'spot' ? memory.exclusions : memory.on_demand_failures;
  const exclusion = list.find((e) => e.region === home.region && Date.parse(e.until) > now.getTime());
  return exclusion ? exclusion.reason : null;
}

/** An elective move (price rebalance while on Spot, back to Spot while on on-demand) when its check is due. */
function electiveMove(
  input: PlacementInput,
  home: Placement,
  memory: Memory,
): { memory: Memory; to: Placement | null; reason: string } {
  const { now, config, regions } = input;
  const due = (at: string | null) => at === null || Date.parse(at) <= now.getTime();
  const observed = regions.get(home.region);
  const settled =
    seen(observed) && readyCount(observed, memory) >= replicasWanted(config) && memory.move === null;
  if (!settled) return { memory, to: null, reason: '' };
  if (home.lifecycle === 'on-demand') {
    if (!due(memory.checks.revert_at)) return { memory, to: null, reason: '' };
    const next = {
      ...memory,
      checks: { ...memory.checks, revert_at: after(now, config.revertCheckSeconds) },
    };
    const chosen = spotRanking({ ...input, memory }).chosen;
    return {
      memory: next,
      to: chosen ? { region: chosen.region, lifecycle: 'spot' } : null,
      reason: SPOT_AVAILABLE,
    };
  }
  if (!due(memory.checks.rebalance_at)) return { memory, to: null, reason: '' };
  const next = { ...memory, checks: { ...memory.checks, rebalance_at: after(now, REBALANCE_CHECK_SECONDS) } };
  const ranking = spotRanking({ ...input, memory });
  const decision = shouldRebalance(
    ranking.chosen,
    {
      region: home.region,
      status: 'RUNNING',
      lifecycle: 'spot',
      score: input.market.scores?.[home.region] ?? null,
      price: input.market.prices[home.region] ?? null,
    },
    config,
  );
  return {
    memory: next,
    to: decision.to ? { region: decision.to, lifecycle: 'spot' } : null,
    reason: PRICE_REBALANCE,
  };
}

/**
 * Decides where replicas should run this cycle and updates home, move, last move and the check timers.
 *
 * @example
 * choosePlacement({ spec, memory, regions, market, now, config }).desired; // { 'us-west-2': { spot: 1, on_demand: 0 }, 'eu-west-1': { spot: 0, on_demand: 0 } }
 */
export function choosePlacement(input: PlacementInput): PlacementResult {
  const { spec, regions, now, config } = input;
  let memory = input.memory;
  const none = Object.fromEntries(config.workerRegions.map((r) => [r, NONE]));
  if (!spec.enabled) {
    // Forget the placement: an enable later adopts what it finds instead of trusting old memory.
    const move = memory.move;
    memory = { ...memory, home: null, move: null };
    if (spec.teardown) return { memory, desired: none };
    // Hands off, except that a move in progress is finished on its breaking side: the region being left
    // (lost, failing or elected away) is torn down, so a plain disable never leaves two regions up. The
    // teardown, once requested, is carried through by `requests` like any other.
    return { memory, desired: move ? { [move.from]: NONE } : null };
  }
  // A fleet (issue 13) is placed by the fleet policy; one replica keeps the one-region policy below.
  if (isFleet(config)) return chooseFleetPlacement({ ...input, memory });
  const want = replicasWanted(config);

  let home = memory.home ?? adoptable(input);
  let move = memory.move;
  const badReason = home ? homeIsBad(home, { ...input, memory }) : null;
  if (!home || badReason) {
    const leaving = home?.region ?? null;
    const target = chooseTarget({ ...input, memory }, leaving);
    const leavingObserved = leaving === null ? undefined : regions.get(leaving);
    // A region that never got anything (a first launch that failed) is simply replaced: there is nothing to move.
    const hadSomething = move !== null || !seen(leavingObserved) || standingCount(leavingObserved) > 0;
    if (target && home && target.region !== home.region && hadSomething) {
      // Make-before-break: the first region of a chain of moves keeps serving until the last target is ready.
      move = {
        from: move?.from ?? home.region,
        to: target.region,
        reason: move?.reason ?? badReason ?? 'Moved',
        started_at: move?.started_at ?? isoUtc(now),
      };
    }
    if (target) home = target;
    else if (home) {
      const observed = regions.get(home.region);
      // Nowhere better: keep a region that still has something. A target that has nothing falls back to
      // the region being left while anything still stands there (a doomed replica serves until it goes).
      if (seen(observed) && standingCount(observed) === 0) {
        const source = move ? regions.get(move.from) : undefined;
        if (move && seen(source) && standingCount(source) > 0) {
          home = { region: move.from, lifecycle: lifecycleOf(source) };
          move = null;
        } else home = null;
      }
    }
  } else {
    const elective = electiveMove(input, home, memory);
    memory = elective.memory;
    if (elective.to && elective.to.region !== home.region) {
      move = { from: home.region, to: elective.to.region, reason: elective.reason, started_at: isoUtc(now) };
      home = elective.to;
    } else if (elective.to && elective.to.lifecycle !== home.lifecycle) {
      // Back to Spot where the on-demand replica runs: a swap in place (the on-demand one stays until Spot is
      // ready, below). Ignoring it kept a one-region deployment on on-demand for good once Spot was back.
      home = elective.to;
    }
  }
  if (move && move.from === home?.region) move = null;

  const desired: Record<string, Desired> = { ...none };
  let lastMove = memory.last_move;
  if (home) {
    desired[home.region] = desiredFor(home.lifecycle, want);
    const there = regions.get(home.region);
    if (home.lifecycle === 'spot' && seen(there)) {
      // A swap in place: ready on-demand replicas keep serving until as many Spot ones are ready. Auto Scaling
      // replaces nothing when only the split changes, so the request holds both, then drops the on-demand ones
      // (its scale-in takes the purchase option above its share).
      const spot = running(there, memory, 'spot').ready;
      const onDemand = running(there, memory, 'on-demand').ready;
      if (spot < want && onDemand > 0)
        desired[home.region] = { spot: want, on_demand: Math.min(onDemand, want - spot) };
    }
    if (move) {
      const target = regions.get(move.to);
      const source = regions.get(move.from);
      if (seen(target) && move.to === home.region && readyCount(target, memory) >= want) {
        lastMove = { from: move.from, to: move.to, reason: move.reason, at: isoUtc(now) };
        move = null;
      } else {
        // The old region keeps what still stands there (a replica that died is not relaunched there).
        const before = memory.regions[move.from]?.desired ?? NONE;
        const standing = seen(source) ? standingCount(source) : total(before);
        const keep = Math.min(total(before), standing);
        desired[move.from] =
          before.spot >= keep
            ? { spot: keep, on_demand: 0 }
            : { spot: before.spot, on_demand: keep - before.spot };
      }
    }
  }
  const checks =
    home?.lifecycle === 'spot' && memory.home?.region !== home.region
      ? { ...memory.checks, rebalance_at: after(now, REBALANCE_CHECK_SECONDS) }
      : home?.lifecycle === 'on-demand' && memory.home?.region !== home.region
        ? { ...memory.checks, revert_at: after(now, config.revertCheckSeconds) }
        : memory.checks;
  memory = { ...memory, home, move, last_move: lastMove, checks };
  return { memory, desired };
}
