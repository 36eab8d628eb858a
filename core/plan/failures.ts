/**
 * Failures the plan sees for itself, without any event: a failed scaling activity after the request,
 * a launch past its budget, a region that was ready and lost replicas. Each excludes the region (or, for
 * an on-demand launch, skips it for on-demand) so placement moves on in the same cycle.
 */

import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import { readyCount, seconds, seen, total, withExclusion } from './memory.ts';
import { launchBudgetSeconds } from './timing.ts';
import { type Memory, type RegionObservation, type SeenRegion, SPOT_TERMINATION } from './types.ts';

function lossReason(region: SeenRegion, memory: Memory): string {
  const doomed = memory.doomed.find((d) => d.region === region.region);
  if (doomed) return doomed.reason;
  if (region.instances.some((i) => i.termination_reason === SPOT_TERMINATION)) return 'SpotInterruption';
  return 'InstanceLost';
}

/**
 * Checks the region the plan serves from (`memory.home`) against its last request and marks it ready,
 * failed (excluded) or lost (excluded).
 *
 * @example
 * detectFailures(memory, regions, now, config); // memory with home's region excluded after InsufficientInstanceCapacity
 */
export function detectFailures(
  memory: Memory,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
  config: Config,
): Memory {
  const home = memory.home;
  if (!home) return memory;
  const last = memory.regions[home.region];
  const observed = regions.get(home.region);
  if (!last || total(last.desired) === 0 || !seen(observed)) return memory;
  const ready = readyCount(observed, memory);
  const onDemand = last.desired.on_demand > 0 && last.desired.spot === 0;
  const fail = (reason: string): Memory =>
    onDemand
      ? {
          ...memory,
          on_demand_failures: withExclusion(
            memory.on_demand_failures,
            home.region,
            reason,
            now,
            config.exclusionTtlSeconds,
          ),
        }
      : {
          ...memory,
          exclusions: withExclusion(memory.exclusions, home.region, reason, now, config.exclusionTtlSeconds),
        };

  if (last.ready_at === null) {
    if (ready >= total(last.desired)) {
      return { ...memory, regions: { ...memory.regions, [home.region]: { ...last, ready_at: isoUtc(now) } } };
    }
    const failure = observed.failures.find((f) => Date.parse(f.at) >= Date.parse(last.since));
    if (failure) return fail(failure.code);
    if (last.sent_at !== null && seconds(last.since, now) > launchBudgetSeconds(config))
      return fail('LaunchTimeout');
    return memory;
  }
  // It was ready: fewer ready replicas now is a loss, whatever the events said or did not say.
  if (ready < total(last.desired)) return fail(lossReason(observed, memory));
  return memory;
}
