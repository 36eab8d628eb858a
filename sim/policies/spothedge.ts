/**
 * SpotHedge, re-implemented from its paper's description: Mao, Xia et al., "SkyServe: Serving AI Models across
 * Regions and Clouds with Spot Instances", EuroSys '25 (arXiv:2411.01438), section "SpotHedge". Three parts:
 *
 * 1. **Dynamic placement over zones.** Every zone of every region starts in the active set Z_A. A zone where a
 *    Spot replica is preempted, or where a Spot launch fails, moves to the preempted set Z_P. A new Spot
 *    replica goes to an active zone, spreading: zones without a replica of ours first, then the cheapest. When
 *    fewer than two zones stay active, every zone is made active again (SkyPilot's implementation of the
 *    paper, `sky/serve/spot_placer.py`, does the same rebalance).
 * 2. **Overprovisioning.** N_tar + N_extra Spot replicas (target + spare), the extra ones a hedge against
 *    preemptions.
 * 3. **Dynamic on-demand fallback.** On-demand replicas cover exactly the shortfall of ready Spot replicas,
 *    max(0, N_tar - ready Spot), in the cheapest region; extra on-demand replicas are released as Spot
 *    replicas become ready.
 *
 * Like SkyServe, it learns of a preemption when the replica is gone (no use of the interruption warning), and
 * re-evaluates every decision interval (20 s, `AUTOSCALER_DEFAULT_DECISION_INTERVAL_SECONDS` in SkyPilot's
 * `sky/serve/constants.py`) after a launch that could not be placed.
 */
import type { FleetAction, FleetPolicy, FleetView, ModelReplica } from '../fleet-model.ts';

export interface SpotHedgeOptions {
  targetCapacity: number;
  spareCapacity?: number;
  decisionIntervalSeconds?: number;
}

export function spotHedgePolicy(options: SpotHedgeOptions): FleetPolicy {
  const target = options.targetCapacity;
  const spotWanted = target + (options.spareCapacity ?? 0);
  const intervalMs = (options.decisionIntervalSeconds ?? 20) * 1000;
  const preempted = new Set<string>();
  /** Zones whose launch failed at the current instant: not tried again before the next decision interval. */
  const failedNow = new Set<string>();
  let instant = Number.NaN;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  return {
    name: 'spothedge',
    decide(view: FleetView): FleetAction[] {
      if (view.now !== instant) {
        instant = view.now;
        failedNow.clear();
      }
      const all = view.regions.flatMap((region) => view.zones(region).map((zone) => ({ region, zone })));
      for (const e of view.events) {
        if (e.kind === 'launch_failed' && e.lifecycle === 'spot' && e.zone) {
          preempted.add(e.zone);
          failedNow.add(e.zone);
        }
        if (e.kind === 'terminated' && e.interrupted) preempted.add(e.replica.zone);
      }
      if (all.length - preempted.size < 2) preempted.clear();
      const spot = view.replicas.filter((r) => r.lifecycle === 'spot');
      const actions: FleetAction[] = [];

      // 3. On-demand for exactly the shortfall of ready Spot replicas.
      const readySpot = spot.filter((r) => r.readyAt <= view.now).length;
      const onDemand = view.replicas.filter((r) => r.lifecycle === 'on-demand');
      const wantOnDemand = Math.max(0, target - readySpot);
      if (onDemand.length < wantOnDemand) {
        const region = [...view.regions].sort((a, b) => view.onDemandPrice(a) - view.onDemandPrice(b))[0]!;
        for (let i = onDemand.length; i < wantOnDemand; i++) {
          actions.push({ kind: 'launch', region, lifecycle: 'on-demand' });
        }
      } else if (onDemand.length > wantOnDemand) {
        // Not-ready ones first (they serve nobody yet), then the newest.
        const order = [...onDemand].sort(
          (a, b) =>
            Number(a.readyAt <= view.now) - Number(b.readyAt <= view.now) || b.launchedAt - a.launchedAt,
        );
        for (const r of order.slice(0, onDemand.length - wantOnDemand))
          actions.push({ kind: 'release', id: r.id });
      }

      // 1 + 2. Spot replicas up to target + spare, placed over the active zones.
      const missing = spotWanted - spot.length;
      if (missing > 0 && view.now >= pausedUntil) {
        const placed: Pick<ModelReplica, 'zone'>[] = [...spot];
        for (let i = 0; i < missing; i++) {
          const zone = chooseZone(view, all, preempted, failedNow, placed);
          if (!zone) {
            // Every zone refused at this instant: try again next decision interval.
            pausedUntil = view.now + intervalMs;
            break;
          }
          actions.push({ kind: 'launch', region: zone.region, zone: zone.zone, lifecycle: 'spot' });
          placed.push({ zone: zone.zone });
        }
      }
      if (missing > 0 && view.now < pausedUntil) actions.push({ kind: 'wake', at: pausedUntil });
      return actions;
    },
  };
}

function chooseZone(
  view: FleetView,
  all: readonly { region: string; zone: string }[],
  preempted: ReadonlySet<string>,
  failedNow: ReadonlySet<string>,
  placed: readonly Pick<ModelReplica, 'zone'>[],
): { region: string; zone: string } | undefined {
  const open = all.filter((z) => !failedNow.has(z.zone));
  const active = open.filter((z) => !preempted.has(z.zone));
  // With every open zone marked preempted, the rebalance above has not kicked in yet: use what is open.
  const pool = active.length > 0 ? active : open;
  const used = (zone: string) => placed.filter((r) => r.zone === zone).length;
  const unused = pool.filter((z) => used(z.zone) === 0);
  const candidates = unused.length > 0 ? unused : pool;
  return [...candidates].sort(
    (a, b) =>
      view.spotPrice(a.region, a.zone) - view.spotPrice(b.region, b.zone) || used(a.zone) - used(b.zone),
  )[0];
}
