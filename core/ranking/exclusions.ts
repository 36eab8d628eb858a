/** Which worker regions are excluded right now: an exclusion counts until its `until` instant. */
import type { Exclusion } from '../messages.ts';

/**
 * The exclusions still in force at `now`, one per region (the one lasting longest). An `until` that
 * is not a valid instant is ignored rather than excluding a region forever.
 */
export function activeExclusions(exclusions: readonly Exclusion[], now: Date): Map<string, Exclusion> {
  const active = new Map<string, Exclusion>();
  for (const exclusion of exclusions) {
    const until = Date.parse(exclusion.until);
    if (Number.isNaN(until) || until <= now.getTime()) continue;
    const seen = active.get(exclusion.region);
    if (!seen || Date.parse(seen.until) < until) active.set(exclusion.region, exclusion);
  }
  return active;
}

/** Worker regions not excluded at `now`, in configuration order. */
export function candidateRegions(
  workerRegions: readonly string[],
  exclusions: readonly Exclusion[],
  now: Date,
): string[] {
  const active = activeExclusions(exclusions, now);
  return workerRegions.filter((region) => !active.has(region));
}
