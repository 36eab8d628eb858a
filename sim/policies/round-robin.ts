/**
 * Round robin over zones, the placement baseline of the SkyServe paper (Mao, Xia et al., "SkyServe: Serving AI
 * Models across Regions and Clouds with Spot Instances", EuroSys '25, arXiv:2411.01438, evaluation baselines):
 * each new Spot replica goes to the next zone of one fixed cyclic order over every zone of every region,
 * whatever happened there before. Spot only (target + spare replicas), no on-demand fallback.
 *
 * A replica is replaced when it is gone (SkyServe detects a preemption when the replica fails, not from the
 * warning). A launch that fails moves on to the next zone at once; after a full turn without success it waits
 * one decision interval (20 s, SkyServe's `AUTOSCALER_DEFAULT_DECISION_INTERVAL_SECONDS`).
 */
import type { FleetAction, FleetPolicy, FleetView } from '../fleet-model.ts';

export interface RoundRobinOptions {
  targetCapacity: number;
  spareCapacity?: number;
  decisionIntervalSeconds?: number;
}

export function roundRobinPolicy(options: RoundRobinOptions): FleetPolicy {
  const wanted = options.targetCapacity + (options.spareCapacity ?? 0);
  const intervalMs = (options.decisionIntervalSeconds ?? 20) * 1000;
  let cursor = 0;
  let failuresInARow = 0;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  return {
    name: 'round_robin',
    decide(view: FleetView): FleetAction[] {
      const order = view.regions.flatMap((region) => view.zones(region).map((zone) => ({ region, zone })));
      for (const e of view.events) {
        if (e.kind === 'launch_failed') failuresInARow++;
        if (e.kind === 'launched') failuresInARow = 0;
      }
      if (failuresInARow >= order.length) {
        // A full turn of the zones without a launch: wait a decision interval.
        failuresInARow = 0;
        pausedUntil = view.now + intervalMs;
      }
      const missing = wanted - view.replicas.length;
      if (missing <= 0) return [];
      if (view.now < pausedUntil) return [{ kind: 'wake', at: pausedUntil }];
      return Array.from({ length: missing }, () => {
        const { region, zone } = order[cursor++ % order.length]!;
        return { kind: 'launch' as const, region, zone, lifecycle: 'spot' as const };
      });
    },
  };
}
