/**
 * The fleet placement policy: where `targetCapacity` ready replicas (+ spares) should run, chosen by the
 * expected cost of *serving* rather than by placement score alone. Pure; the planner (`core/plan/`) calls it
 * every cycle with what it observed and remembers. DESIGN.md "Fleets and placement" gives the reasoning and
 * the numbers behind each weight.
 *
 * For a Spot replica in region r, per hour:
 *   cost_r = p_r + lambda_r * T * p_r          price, plus the boots of its expected replacements
 *   lambda_r = prior(score_r) + sum over remembered outages in r of 2^(-age / half-life) / half-life
 * and for the fleet, the expected cost of serving (what this policy minimises):
 *   E = sum of the replicas' costs + V * T * sum_r lambda_r * max(0, spot_r - cover)
 * where T is the cold start (hours), cover = replicas beyond the target (spares, hedges, on-demand), and V the
 * value of a replica-hour below target (`downtimeOnDemandHours` x the cheapest on-demand price / sqrt(target)).
 * On-demand costs its price and never fails: it is the ceiling a risky Spot region is compared with.
 */
import { dryUntil, lossesPerHour } from './risk.ts';
import type {
  Desired,
  PlacementDecision,
  PlacementInput,
  PlacementWeights,
  RegionInput,
  RegionRank,
} from './types.ts';

/** Defaults; DESIGN.md "Fleets and placement" gives the numbers behind each. */
export const DEFAULT_WEIGHTS: PlacementWeights = {
  downtimeOnDemandHours: 45,
  riskHalfLifeSeconds: 3 * 3600,
  outageSeconds: 300,
  priorLossesPerHour: 0.02,
  dryBackoffSeconds: 60,
  dryBackoffMaxSeconds: 900,
  horizonSeconds: 3600,
  maxHedge: 1,
};

interface RegionState {
  input: RegionInput;
  eligible: boolean;
  why: string;
  price: number | null;
  lambda: number;
  /** Hourly cost of one Spot replica here: price + boots of its expected replacements. */
  unit: number;
  onDemand: number | null;
  maxRoom: number;
}

interface Alloc {
  spot: Map<string, number>;
  onDemand: Map<string, number>;
}

const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const get = (m: ReadonlyMap<string, number>, k: string) => m.get(k) ?? 0;
const bump = (m: Map<string, number>, k: string, by: number) => m.set(k, get(m, k) + by);
const clone = (a: Alloc): Alloc => ({ spot: new Map(a.spot), onDemand: new Map(a.onDemand) });

function cheapest(prices: Readonly<Record<string, number>>, cap?: number): number | null {
  const values = Object.values(prices).filter(
    (p) => Number.isFinite(p) && p > 0 && (cap === undefined || p <= cap),
  );
  return values.length > 0 ? Math.min(...values) : null;
}

/**
 * Decides the desired replicas per region.
 *
 * @example
 * const { desired } = placeFleet({ now, fleet, coldStartSeconds: 120, regions, history });
 * // { 'us-east-2': { spot: 1, on_demand: 0 }, 'eu-west-1': { spot: 0, on_demand: 0 } }
 */
export function placeFleet(input: PlacementInput): PlacementDecision {
  const w: PlacementWeights = { ...DEFAULT_WEIGHTS, ...input.weights };
  const { now, fleet } = input;
  const coldH = input.coldStartSeconds / 3600;
  const target = fleet.targetCapacity;
  const floor = target + fleet.spareCapacity;

  const states = new Map<string, RegionState>();
  for (const r of input.regions) {
    const lambda = lossesPerHour(r.region, r.score, input.history, now, w);
    const zonePrices = r.zones
      .filter((z) => dryUntil(r.region, z.zone, input.history, now, w) <= now)
      .map((z) => cheapest(z.spotPrices, fleet.maxSpotPrice))
      .filter((p): p is number => p !== null);
    const price = zonePrices.length > 0 ? Math.min(...zonePrices) : null;
    let why = '';
    if (!r.known) why = 'not observed this cycle';
    else if (r.excludedUntil !== null && r.excludedUntil > now)
      why = `excluded until ${new Date(r.excludedUntil).toISOString()}`;
    else if (dryUntil(r.region, null, input.history, now, w) > now)
      why = `launches failed: no new replica before ${new Date(dryUntil(r.region, null, input.history, now, w)).toISOString()}`;
    else if (r.score !== null && r.score < fleet.minPlacementScore)
      why = `placement score ${r.score} below ${fleet.minPlacementScore}`;
    else if (price === null)
      why =
        fleet.maxSpotPrice === undefined
          ? 'no Spot price'
          : `no Spot price at or below ${fleet.maxSpotPrice}`;
    states.set(r.region, {
      input: r,
      eligible: why === '',
      why,
      price,
      lambda,
      unit: price === null ? 0 : price * (1 + lambda * coldH),
      onDemand: r.known ? cheapest(r.onDemandPrices) : null,
      maxRoom: fleet.maxPerRegion,
    });
  }
  const onDemandPrices = [...states.values()].flatMap((s) => (s.onDemand === null ? [] : [s.onDemand]));
  const reference = onDemandPrices.length > 0 ? Math.min(...onDemandPrices) : 0;
  // A replica short of the target: the whole service for one replica, a share of it for more (DESIGN.md, V).
  const downtimeValue = (w.downtimeOnDemandHours * reference) / Math.sqrt(target);
  // On-demand goes to the cheapest region for it that still has room under maxPerRegion.
  const onDemandRegions = [...states.values()]
    .filter((s) => s.onDemand !== null && s.input.known)
    .sort((a, b) => a.onDemand! - b.onDemand! || a.input.region.localeCompare(b.input.region))
    .map((s) => s.input.region);

  /** Expected cost of serving of an allocation, USD/h. */
  const expected = (a: Alloc): number => {
    const total = sum(a.spot) + sum(a.onDemand);
    const cover = Math.max(0, total - target);
    let cost = Math.max(0, target - total) * downtimeValue;
    for (const [region, n] of a.spot) {
      const s = states.get(region)!;
      cost += n * s.unit + downtimeValue * coldH * s.lambda * Math.max(0, n - cover);
    }
    for (const [region, n] of a.onDemand) cost += n * (states.get(region)?.onDemand ?? reference);
    return cost;
  };
  const room = (a: Alloc, region: string) =>
    states.get(region)!.maxRoom - get(a.spot, region) - get(a.onDemand, region);

  // 1. Keep what runs where it runs: no move without a reason (partial failover). An excluded region takes no new
  //    replica, and after a loss its launches in flight are called off, but the replicas serving there stay: its
  //    loss moved only the replica it took, and its risk (lambda) already buys the hedge that covers the next one.
  //    After a failed launch the instances that did launch stay too: the failure was about the others (a region
  //    with room for 2 of 3 replicas serves 2). A replica that serves but is not routed yet (its endpoint still in
  //    its first health checks) is not a launch to call off: counted as one, a loss in the first minute after a
  //    region became ready tore down the replica beside it.
  const alloc: Alloc = { spot: new Map(), onDemand: new Map() };
  for (const s of states.values()) {
    const r = s.input;
    const callOff = r.known && r.excludedUntil !== null && r.excludedUntil > now && !r.excludedForLaunches;
    const spot = r.running.spot.ready + (callOff ? (r.running.spot.unrouted ?? 0) : r.running.spot.pending);
    if (spot > 0) alloc.spot.set(r.region, Math.min(spot, s.maxRoom));
    const onDemand = r.running.onDemand.ready + r.running.onDemand.pending;
    if (onDemand > 0) alloc.onDemand.set(r.region, onDemand);
  }

  // 2. Fill up to target + spare, each replica where it adds least to the expected cost.
  const options = (a: Alloc, allowOnDemand: boolean) => {
    const out: { alloc: Alloc; kind: 'spot' | 'on-demand'; region: string }[] = [];
    for (const s of states.values()) {
      if (!s.eligible || room(a, s.input.region) <= 0) continue;
      const next = clone(a);
      bump(next.spot, s.input.region, 1);
      out.push({ alloc: next, kind: 'spot', region: s.input.region });
    }
    const onDemandRegion = onDemandRegions.find((r) => room(a, r) > 0);
    if (allowOnDemand && fleet.onDemandFallback && onDemandRegion !== undefined) {
      const next = clone(a);
      bump(next.onDemand, onDemandRegion, 1);
      out.push({ alloc: next, kind: 'on-demand', region: onDemandRegion });
    }
    return out.sort((x, y) => expected(x.alloc) - expected(y.alloc) || x.region.localeCompare(y.region));
  };
  let current = alloc;
  while (sum(current.spot) + sum(current.onDemand) < floor) {
    const belowTarget = sum(current.spot) + sum(current.onDemand) < target;
    const best = options(current, belowTarget)[0];
    if (!best) break;
    current = best.alloc;
  }

  // 3. Hedge: more Spot replicas while each lowers the expected cost (the risk pays for them). Replicas already
  //    running beyond target + spare count against the cap.
  const above = () => Math.max(0, sum(current.spot) + sum(current.onDemand) - floor);
  let hedge = 0;
  let hedgeWhy = 'no region is risky enough to pay for a hedge';
  while (above() < w.maxHedge) {
    const before = expected(current);
    const best = options(current, false)[0];
    if (!best || expected(best.alloc) >= before) break;
    hedgeWhy = `a hedge in ${best.region} lowers the expected cost from ${before.toFixed(4)} to ${expected(best.alloc).toFixed(4)} USD/h`;
    current = best.alloc;
    hedge++;
  }

  // 3b. Release what no longer pays: a replica beyond target + spare whose removal lowers the expected cost (an
  //     on-demand replica once Spot covers the target again, a hedge once the risk has faded). Step 5 keeps a
  //     released replica serving while the fleet is short of ready ones, so this never opens a gap.
  //     A Spot replica goes only from the calmest region holding one: risk alone never moves a replica that
  //     serves (dropping the risky one instead of the hedge would be such a move).
  while (above() > 0) {
    let best: { alloc: Alloc; cost: number } | null = null;
    const spotRegions = [...current.spot].filter(([, n]) => n > 0).map(([r]) => states.get(r)!);
    const calmest = Math.min(...spotRegions.map((s) => s.lambda));
    for (const pool of ['onDemand', 'spot'] as const) {
      for (const [region, n] of current[pool]) {
        if (n <= 0 || (pool === 'spot' && states.get(region)!.lambda > calmest)) continue;
        const next = clone(current);
        bump(next[pool], region, -1);
        const cost = expected(next);
        if (cost < (best?.cost ?? expected(current))) best = { alloc: next, cost };
      }
    }
    if (!best) break;
    current = best.alloc;
  }
  hedge = Math.max(0, Math.min(hedge, above()));

  // 4. One elective move per cycle (replica by replica): an on-demand replica back to Spot when that lowers the
  //    expected cost, or a Spot replica to a region whose price is lower by at least rebalanceMinSavings, net of
  //    the move's cold start. Risk alone never moves a replica that still serves (a loss moves only the replica
  //    it took; hedges answer risk).
  const moveCost = (region: string) => (coldH * (states.get(region)!.price ?? 0)) / (w.horizonSeconds / 3600);
  const base = expected(current);
  let move: { alloc: Alloc; saving: number } | null = null;
  const consider = (candidate: Alloc, saving: number, threshold: number) => {
    if (saving > threshold && saving > 0 && (!move || saving > move.saving))
      move = { alloc: candidate, saving };
  };
  // No elective move while a launch is in flight (either kind): a replica just asked for is not replaced before it
  // has even started serving.
  const inFlight = [...states.values()].some(
    (s) => s.input.running.spot.pending > 0 || s.input.running.onDemand.pending > 0,
  );
  if (!inFlight) {
    for (const [from, n] of current.onDemand) {
      if (n <= 0) continue;
      // The on-demand replica's place is free for its Spot replacement: the same region is a candidate even when
      // it is full under maxPerRegion (the replica being replaced keeps serving until the new one is ready, step 5).
      const without = clone(current);
      bump(without.onDemand, from, -1);
      for (const opt of options(without, false)) {
        consider(opt.alloc, base - expected(opt.alloc) - moveCost(opt.region), 0);
      }
    }
    if (fleet.rebalanceMinSavings > 0) {
      for (const [from] of current.spot) {
        const source = states.get(from)!;
        // Only a replica that serves already may move by choice; one placed this cycle is not running yet.
        if (source.input.running.spot.ready <= 0 || !source.input.known || source.price === null) continue;
        for (const opt of options(current, false)) {
          const price = states.get(opt.region)!.price!;
          if (opt.region === from || price > source.price * (1 - fleet.rebalanceMinSavings)) continue;
          const next = clone(opt.alloc);
          bump(next.spot, from, -1);
          // Cheaper by the threshold, and still better once the risk there and the move's cold start count.
          consider(next, base - expected(next) - moveCost(opt.region), 0);
        }
      }
    }
  }
  const chosen = move ? (move as { alloc: Alloc }).alloc : current;

  // 5. Desired state: the chosen allocation, plus replicas that stay until their replacements are ready.
  const desired: Record<string, Desired> = {};
  let readyChosen = 0;
  for (const s of states.values()) {
    const r = s.input;
    readyChosen += Math.min(r.running.spot.ready, get(chosen.spot, r.region));
    readyChosen += Math.min(r.running.onDemand.ready, get(chosen.onDemand, r.region));
  }
  let shortfallReady = Math.max(0, target - readyChosen);
  for (const s of states.values()) {
    const r = s.input;
    const spotWanted = get(chosen.spot, r.region);
    // A Spot replica leaving (elective move, surplus) stays while the fleet is short of ready ones.
    const extraReadySpot = Math.max(0, r.running.spot.ready - spotWanted);
    const keepSpot = Math.min(extraReadySpot, shortfallReady);
    shortfallReady -= keepSpot;
    const onDemandWanted = get(chosen.onDemand, r.region);
    const extraOnDemand = Math.max(0, r.running.onDemand.ready - onDemandWanted);
    const keepOnDemand = Math.min(extraOnDemand, shortfallReady);
    shortfallReady -= keepOnDemand;
    desired[r.region] = { spot: spotWanted + keepSpot, on_demand: onDemandWanted + keepOnDemand };
  }

  const ranked: RegionRank[] = [...states.values()]
    .map((s) => ({
      region: s.input.region,
      eligible: s.eligible,
      spot_usd_per_hour: s.price,
      risk_per_hour: s.lambda,
      expected_usd_per_hour: s.eligible ? s.unit + downtimeValue * coldH * s.lambda : null,
      why: s.eligible ? `Spot ${s.price!.toFixed(4)} USD/h, ${s.lambda.toFixed(3)} losses/h expected` : s.why,
    }))
    .sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        (a.expected_usd_per_hour ?? 0) - (b.expected_usd_per_hour ?? 0) ||
        a.region.localeCompare(b.region),
    );

  return {
    desired,
    ranked,
    hedge: { replicas: hedge, why: hedgeWhy },
    shortfall_on_demand: sum(chosen.onDemand),
    expected_usd_per_hour: expected(chosen),
  };
}
