/**
 * spotplane's placement policy (`core/placement`) driven on the fleet model the way the planner drives it:
 * each cycle it remembers the capacity events it saw, asks `placeFleet` for the desired replicas per region and
 * brings each region there (an Auto Scaling group picks the zones). It is a forecast of the policy, for tuning
 * and for comparing policies on equal terms; the figures that count are spotplane's own run (`driver.ts`), where
 * the same function runs inside the real control plane.
 *
 * Cycle timing as the planner's (docs/DESIGN.md "Cycle timing"): 20 s while something is in flight, 300 s
 * steady; any event (a loss, a failed launch, a ready replica) is a wake.
 */
import { placeFleet } from '../../core/placement/place.ts';
import { recordCapacityEvents } from '../../core/placement/risk.ts';
import type {
  CapacityEvent,
  FleetSettings,
  PlacementWeights,
  RegionInput,
} from '../../core/placement/types.ts';
import type { FleetAction, FleetPolicy, FleetView, ModelReplica } from '../fleet-model.ts';

export interface PlacementModelOptions {
  fleet: FleetSettings;
  coldStartSeconds: number;
  weights?: Partial<PlacementWeights>;
}

const STEADY_MS = 300_000;
const IN_FLIGHT_MS = 20_000;

export function placementModelPolicy(options: PlacementModelOptions): FleetPolicy {
  let history: CapacityEvent[] = [];
  let nextLook = Number.NEGATIVE_INFINITY;
  return {
    name: 'spotplane_placement',
    decide(view: FleetView): FleetAction[] {
      // The planner looks on its timer or when something of its own happens, not at every market tick.
      if (view.events.length === 0 && view.now < nextLook) return [{ kind: 'wake', at: nextLook }];
      const fresh: CapacityEvent[] = [];
      for (const e of view.events) {
        if (e.kind === 'warned' && e.replica.lifecycle === 'spot') {
          fresh.push({ at: view.now, region: e.replica.region, zone: e.replica.zone, kind: 'interrupted' });
        }
        if (e.kind === 'launch_failed' && e.lifecycle === 'spot') {
          fresh.push({ at: view.now, region: e.region, zone: e.zone, kind: 'launch_failed' });
        }
      }
      history = recordCapacityEvents(history, fresh, view.now);
      const serving = (r: ModelReplica) => r.warnedAt === null;
      const regions: RegionInput[] = view.regions.map((region) => {
        const mine = view.replicas.filter((r) => r.region === region && serving(r));
        const count = (lifecycle: 'spot' | 'on-demand') => ({
          ready: mine.filter((r) => r.lifecycle === lifecycle && r.readyAt <= view.now).length,
          pending: mine.filter((r) => r.lifecycle === lifecycle && r.readyAt > view.now).length,
        });
        return {
          region,
          known: true,
          excludedUntil: null,
          score: view.placementScore(region),
          zones: view
            .zones(region)
            .map((zone) => ({ zone, spotPrices: { spot: view.spotPrice(region, zone) } })),
          onDemandPrices: { 'on-demand': view.onDemandPrice(region) },
          running: { spot: count('spot'), onDemand: count('on-demand') },
        };
      });
      const decision = placeFleet({
        now: view.now,
        fleet: options.fleet,
        coldStartSeconds: options.coldStartSeconds,
        regions,
        history,
        weights: options.weights,
      });
      const actions: FleetAction[] = [];
      for (const region of view.regions) {
        const want = decision.desired[region] ?? { spot: 0, on_demand: 0 };
        for (const [lifecycle, wanted] of [
          ['spot', want.spot],
          ['on-demand', want.on_demand],
        ] as const) {
          const mine = view.replicas
            .filter((r) => r.region === region && r.lifecycle === lifecycle && serving(r))
            // Pending ones go first when shrinking (they serve nobody yet), then the newest.
            .sort(
              (a, b) =>
                Number(a.readyAt <= view.now) - Number(b.readyAt <= view.now) || b.launchedAt - a.launchedAt,
            );
          for (let i = mine.length; i < wanted; i++) actions.push({ kind: 'launch', region, lifecycle });
          for (const r of mine.slice(0, Math.max(0, mine.length - wanted)))
            actions.push({ kind: 'release', id: r.id });
        }
      }
      const inFlight = view.replicas.some((r) => r.readyAt > view.now) || actions.length > 0;
      nextLook = view.now + (inFlight ? IN_FLIGHT_MS : STEADY_MS);
      actions.push({ kind: 'wake', at: nextLook });
      return actions;
    },
  };
}
