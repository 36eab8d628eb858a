/**
 * The requests that bring each worker region to its desired state (docs/DESIGN.md "Per-region rule").
 * Every request carries a new intent (the worker's fence) and the absolute desired state, so a repeated,
 * late or reordered request can never undo a newer one.
 */
import { isoUtc } from '../clock.ts';
import type { Config } from '../config.ts';
import { LAUNCH_REQUESTED, TEARDOWN_REQUESTED } from '../messages.ts';
import { isEmpty, NONE, sameDesired, seconds, seen, total } from './memory.ts';
import { ACK_TIMEOUT_SECONDS, APPLY_GRACE_SECONDS, TEARDOWN_BUDGET_SECONDS } from './timing.ts';
import type { Desired, Memory, RegionMemory, RegionObservation, RequestAction, SeenRegion } from './types.ts';

/**
 * The worker took the request: its fence tag reached the intent. A group without the tag (a worker from
 * before the fence) counts as having taken it once it shows the desired state.
 */
export function acknowledged(last: RegionMemory, region: SeenRegion): boolean {
  if (region.asg.intent !== null) return region.asg.intent >= last.intent;
  return region.asg.desired === total(last.desired) && region.asg.on_demand_base === last.desired.on_demand;
}

const asgShows = (want: Desired, region: SeenRegion): boolean =>
  region.asg.desired === total(want) && region.asg.on_demand_base === want.on_demand;

/** Why a region needs a (new) request this cycle, or null when the last one still stands. */
export function requestReason(
  want: Desired,
  last: RegionMemory | undefined,
  region: SeenRegion,
  now: Date,
  handsOff: boolean,
): string | null {
  if (handsOff) {
    // Disabled without teardown: nothing is removed, but a launch that has not started yet is fenced off,
    // and a teardown already requested is carried through (resent, drift corrected) until the region is empty.
    // Not started: the region is empty and its group does not show the launch's capacity, whether or not the
    // worker has taken it (between the worker writing the fence and raising capacity it is taken, still empty).
    if (last && total(last.desired) > 0 && !asgShows(last.desired, region) && isEmpty(region))
      return 'disabled before the launch started';
    if (!last || total(last.desired) > 0) return null;
  }
  if (!last) {
    if (total(want) > 0) return 'launch';
    return isEmpty(region) ? null : 'capacity running in a region not wanted';
  }
  if (!sameDesired(last.desired, want)) return total(want) > 0 ? 'launch' : 'teardown';
  if (last.sent_at === null) return 'not sent yet';
  const age = seconds(last.sent_at, now);
  if (!acknowledged(last, region)) {
    return age >= ACK_TIMEOUT_SECONDS ? `not taken after ${ACK_TIMEOUT_SECONDS} s` : null;
  }
  // Taken. The worker may still be applying it for a moment; after that a different ASG is drift.
  const drifted = !asgShows(want, region) && age >= APPLY_GRACE_SECONDS;
  if (total(want) > 0) {
    return drifted
      ? `Auto Scaling group desired ${region.asg.desired}, not ${total(want)} (changed outside spotplane)`
      : null;
  }
  if (isEmpty(region)) return null;
  if (drifted) return `Auto Scaling group desired ${region.asg.desired} in a region not wanted`;
  return age >= TEARDOWN_BUDGET_SECONDS ? `still not empty after ${TEARDOWN_BUDGET_SECONDS} s` : null;
}

/**
 * One request per region that needs one, each with a new intent; memory records what was asked.
 *
 * @example
 * requests({ 'us-west-2': { spot: 1, on_demand: 0 } }, memory, regions, now, config).actions[0];
 * // { kind: 'request', region: 'us-west-2', intent: 1, desired: { spot: 1, on_demand: 0 }, detail_type: 'Launch Requested', why: 'launch' }
 */
export function requests(
  desired: Record<string, Desired> | null,
  memory: Memory,
  regions: ReadonlyMap<string, RegionObservation>,
  now: Date,
  config: Config,
): { memory: Memory; actions: RequestAction[] } {
  const actions: RequestAction[] = [];
  let nextIntent = memory.next_intent;
  const remembered = { ...memory.regions };
  for (const region of config.workerRegions) {
    const observed = regions.get(region);
    if (!seen(observed)) continue;
    const last = remembered[region];
    const asked = desired?.[region];
    const handsOff = asked === undefined;
    const want = asked ?? NONE;
    const why = requestReason(want, last, observed, now, handsOff);
    if (why === null) continue;
    const intent = nextIntent++;
    const same = last !== undefined && sameDesired(last.desired, want);
    remembered[region] = {
      intent,
      desired: want,
      since: same ? last.since : isoUtc(now),
      sent_at: isoUtc(now),
      ready_at: same ? last.ready_at : null,
    };
    actions.push({
      kind: 'request',
      region,
      intent,
      desired: want,
      detail_type: total(want) > 0 ? LAUNCH_REQUESTED : TEARDOWN_REQUESTED,
      why,
    });
  }
  return { memory: { ...memory, next_intent: nextIntent, regions: remembered }, actions };
}
