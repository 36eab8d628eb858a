/**
 * Signals into memory. A signal is a hint a worker (or AWS) sent; the plan believes it only as far as it
 * can check it against what it asked and what it sees: a launch failure counts for the region's current
 * request only, a loss only for an instance that is still there and that nobody terminated on purpose.
 */

import { isTransientAwsFailure } from '../aws-errors.ts';
import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import { isLive, NONE, running, total, withExclusion } from './memory.ts';
import { TRANSIENT_FAILURE_SECONDS } from './timing.ts';
import { type Memory, type RegionObservation, type Signal, USER_TERMINATION } from './types.ts';

/** Region Lost reasons that mean "this instance is going away" (the worker's classifier names them). */
export const LOSS_REASONS = [
  'SpotInterruption',
  'RebalanceRecommendation',
  'InstanceTerminated',
  'InstanceStopped',
] as const;

/**
 * Folds the cycle's signals into memory: doomed instances (and the exclusion of the region they serve
 * from), failed launches of the current request. Stale or unverifiable signals change nothing.
 *
 * @example
 * absorbSignals(memory, [{ kind: 'region-lost', region: 'us-west-2', instance_id: 'i-1', reason: 'SpotInterruption', ... }], regions, now, config);
 */
export function absorbSignals(
  memory: Memory,
  signals: readonly Signal[],
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
  config: Config,
): Memory {
  let next = memory;
  // Oldest first, so a later report about the same instance or intent wins.
  for (const signal of [...signals].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))) {
    if (signal.region === null || !(config.workerRegions as readonly string[]).includes(signal.region))
      continue;
    if (signal.kind === 'region-lost') next = regionLost(next, signal, signal.region, regions, now, config);
    if (signal.kind === 'launch-failed') next = launchFailed(next, signal, signal.region, now, config);
  }
  return next;
}

function regionLost(
  memory: Memory,
  signal: Signal,
  region: string,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
  config: Config,
): Memory {
  const reason = signal.reason ?? 'RegionLost';
  const observed = regions.get(region);
  if (signal.instance_id === null) {
    // No instance named (e.g. "EC2 Instance Launch Unsuccessful"): a capacity failure of a launch still in
    // progress there; a region that already serves is judged by what it shows.
    return launchFailed(
      memory,
      { ...signal, intent: memory.regions[region]?.intent ?? null },
      region,
      now,
      config,
    );
  }
  const instance = observed?.ok
    ? observed.instances.find((i) => i.instance_id === signal.instance_id)
    : undefined;
  // An instance no longer there is old news; one in a region we cannot see this cycle is believed.
  if (observed?.ok && (!instance || !isLive(instance))) return memory;
  // A replica the plan released (the group's scale-in terminates it through the EC2 API) is not lost: it neither
  // excludes its region nor counts as an interruption there. Without this, every release of an on-demand replica
  // once Spot was back, and of a hedge once the risk had faded, raised its region's risk as a Spot loss.
  if (instance?.termination_reason === USER_TERMINATION) return memory;
  if (memory.doomed.some((d) => d.instance_id === signal.instance_id)) return memory;
  // DescribeInstances is eventually consistent (EC2 API Reference, "Eventual consistency in the EC2 API"): the
  // instance a scale-in terminates may still read running, without its StateReason, when its state change arrives.
  // When the region's other ready instances of that kind already make what the plan asks for, it is scaling in,
  // and a state change there for an instance that gives no reason yet is the release. Only ready ones count: the
  // group replaces a lost instance at once, and its pending replacement beside the lost one (still reading
  // running) looked like a scale-in, so a Spot loss went unremembered and the replacement never got its task.
  // A Spot loss with a warning comes with the warning first, and with Spot's own StateReason once EC2 shows it.
  if (signal.reason === 'InstanceTerminated' && instance?.termination_reason === null && observed?.ok) {
    const others = running(observed, memory, instance.lifecycle).ready - (instance.ready ? 1 : 0);
    const asked = memory.regions[region]?.desired ?? NONE;
    if (others >= (instance.lifecycle === 'spot' ? asked.spot : asked.on_demand)) return memory;
  }
  const doomed = [...memory.doomed, { instance_id: signal.instance_id, region, reason, at: isoUtc(now) }];
  const wanted = memory.regions[region];
  const serving = wanted !== undefined && total(wanted.desired) > 0;
  // An on-demand replica lost is replaced like any other, but it says nothing of the region's Spot capacity.
  const spotLoss = instance?.lifecycle !== 'on-demand';
  return {
    ...memory,
    doomed,
    // Where we want capacity, a Spot loss makes the region ineligible for a while (it is where Spot just failed).
    exclusions:
      serving && spotLoss
        ? withExclusion(memory.exclusions, region, reason, now, config.exclusionTtlSeconds)
        : memory.exclusions,
  };
}

/**
 * How long a failed launch keeps its region aside: a transient AWS error only backs off
 * (`TRANSIENT_FAILURE_SECONDS`); anything else (no capacity, a price too low, a launch that never became ready)
 * excludes it for `exclusionTtlSeconds`.
 *
 * @example
 * failureTtlSeconds('AutoScaling.ThrottlingException', config); // 120
 * failureTtlSeconds('InsufficientInstanceCapacity', config); // 1800
 */
export function failureTtlSeconds(reason: string, config: Config): number {
  return isTransientAwsFailure(reason)
    ? Math.min(TRANSIENT_FAILURE_SECONDS, config.exclusionTtlSeconds)
    : config.exclusionTtlSeconds;
}

function launchFailed(memory: Memory, signal: Signal, region: string, now: Date, config: Config): Memory {
  const current = memory.regions[region];
  // Only a failure of what we ask now: an older intent's failure is stale, a teardown cannot "fail to launch".
  if (!current || signal.intent === null || signal.intent !== current.intent) return memory;
  if (total(current.desired) === 0 || current.ready_at !== null) return memory;
  const reason = signal.reason ?? 'LaunchFailed';
  const ttl = failureTtlSeconds(reason, config);
  if (current.desired.on_demand > 0 && current.desired.spot === 0) {
    return {
      ...memory,
      on_demand_failures: withExclusion(memory.on_demand_failures, region, reason, now, ttl),
    };
  }
  return { ...memory, exclusions: withExclusion(memory.exclusions, region, reason, now, ttl) };
}
