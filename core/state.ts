/**
 * Pure transitions of the hub state document (`HubState`, kept in SSM). Every writer — the state-store
 * Lambda, ToggleProvisioning, SpotCapacityHandler — computes the next document here, so the rules live
 * in one tested place and the handlers only read, call and write.
 */
import { isoUtc } from './clock.ts';
import type { Exclusion, HubState, InstanceDetail, Lifecycle, RegionLost, Status } from './messages.ts';
import { activeExclusions as activeExclusionsByRegion } from './ranking/exclusions.ts';

export { isoUtc };

const touch = (state: HubState, now: Date, changes: Partial<HubState>): HubState => ({
  ...state,
  ...changes,
  updated_at: isoUtc(now),
});

/**
 * Exclusions still in force at `now`, one per region; an expired one makes its region eligible again.
 * The same rule the RegionFinder ranks by (`core/ranking/exclusions.ts`).
 */
export const activeExclusions = (state: HubState, now: Date): Exclusion[] => [
  ...activeExclusionsByRegion(state.excluded_regions, now).values(),
];

/** The document as readers should see it: expired exclusions dropped, nothing else changed. */
export const withoutExpiredExclusions = (state: HubState, now: Date): HubState => ({
  ...state,
  excluded_regions: activeExclusions(state, now),
});

/** Sets the status (the Orchestrator's progress: PROVISIONING, FAILING_OVER, NOT_AVAILABLE, ...). */
export const setStatus = (state: HubState, status: Status, now: Date): HubState =>
  touch(state, now, { status });

/** Excludes `region` until now + ttl; a second exclusion of the same region replaces the first. */
export function exclude(
  state: HubState,
  exclusion: { region: string; reason: string },
  now: Date,
  ttlSeconds: number,
): HubState {
  const until = isoUtc(new Date(now.getTime() + ttlSeconds * 1000));
  const others = activeExclusions(state, now).filter((e) => e.region !== exclusion.region);
  return touch(state, now, { excluded_regions: [...others, { ...exclusion, until }] });
}

/** A launch succeeded: RUNNING in `region` with these instances. */
export function recordRunning(
  state: HubState,
  running: { region: string; lifecycle: Lifecycle; instances: InstanceDetail[] },
  now: Date,
): HubState {
  // A loss remembered for exactly these instances (lost before they were recorded) must survive; any
  // other is about a region or instances that are no longer current.
  const ids = new Set(running.instances.map((i) => i.instance_id));
  const stillCurrent = (state.pending_losses ?? []).filter(
    (loss) => loss.region === running.region && loss.instance_id !== null && ids.has(loss.instance_id),
  );
  return touch(state, now, {
    status: 'RUNNING',
    region: running.region,
    lifecycle: running.lifecycle,
    instances: running.instances,
    pending_losses: stillCurrent,
  });
}

/** The Orchestrator waits for a loss of the current region on `token`. */
export const registerLossToken = (state: HubState, token: string, now: Date): HubState =>
  touch(state, now, { loss_token: token });

/** No task waits for a loss any more. */
export const clearLossToken = (state: HubState, now: Date): HubState =>
  touch(state, now, { loss_token: null });

/** `enable`: the Orchestrator is about to start; a pending teardown keeps being tracked. */
export const provisioningEnabled = (state: HubState, now: Date): HubState =>
  touch(state, now, { status: 'PROVISIONING', loss_token: null, pending_losses: [] });

/**
 * `disable`: no Orchestrator waits any more (its token is dropped). With teardown regions the status is
 * TEARING_DOWN until each has confirmed; without, DISABLED and whatever runs keeps running.
 */
export function provisioningDisabled(
  state: HubState,
  now: Date,
  teardownRegions: readonly string[],
): HubState {
  if (teardownRegions.length === 0) {
    return touch(state, now, { status: 'DISABLED', loss_token: null, pending_losses: [] });
  }
  return touch(state, now, {
    status: 'TEARING_DOWN',
    loss_token: null,
    pending_losses: [],
    teardown_pending: [...new Set(teardownRegions)],
  });
}

const nothingRunning = { region: null, lifecycle: null, instances: [] } as const;

/**
 * A worker confirmed its teardown. Its instances are gone, so if it was the current region nothing is
 * shown as running any more; when the last pending region confirms a TEARING_DOWN hub becomes DISABLED.
 */
export function teardownCompleted(state: HubState, region: string, now: Date): HubState {
  // A region nobody waits on and nothing runs in (the old region after a failover): nothing to change,
  // and returning the same document lets the store skip a write that could race the Orchestrator's.
  if (!state.teardown_pending.includes(region) && state.region !== region) return state;
  const pending = state.teardown_pending.filter((r) => r !== region);
  const changes: Partial<HubState> = { teardown_pending: pending };
  if (state.region === region) Object.assign(changes, nothingRunning);
  if (state.status === 'TEARING_DOWN' && pending.length === 0) {
    Object.assign(changes, { status: 'DISABLED', loss_token: null }, nothingRunning);
  }
  return touch(state, now, changes);
}

/** True once a TEARING_DOWN hub has heard from every region it asked. */
export const teardownFinished = (before: HubState, after: HubState): boolean =>
  before.status === 'TEARING_DOWN' && after.status === 'DISABLED';

export type RegionLostDecision =
  | { action: 'RELEASE_LOSS_TOKEN'; token: string }
  | { action: 'REMEMBER' }
  | { action: 'IGNORE'; reason: 'TEARING_DOWN' | 'NOT_CURRENT_REGION' };

/**
 * What a `Region Lost` report does. The loss of the region we run in ends the Orchestrator's "wait for
 * loss" task. When no task waits yet (the loss came between recording the region and registering the
 * token, or during a failover launch) it is remembered, so registering the token answers at once. A
 * loss of another region while a task waits is stale news (an old region after failover); during a
 * teardown instances vanish on purpose.
 */
export function decideRegionLost(state: HubState, lost: Pick<RegionLost, 'region'>): RegionLostDecision {
  if (state.status === 'TEARING_DOWN') return { action: 'IGNORE', reason: 'TEARING_DOWN' };
  if (state.loss_token === null) return { action: 'REMEMBER' };
  if (state.region !== lost.region) return { action: 'IGNORE', reason: 'NOT_CURRENT_REGION' };
  return { action: 'RELEASE_LOSS_TOKEN', token: state.loss_token };
}

export type Loss = Pick<RegionLost, 'region' | 'reason' | 'instance_id'>;

/** Remembers a loss nobody waited for; a later report for the same region replaces the earlier one. */
export const rememberLoss = (state: HubState, loss: Loss, now: Date): HubState =>
  touch(state, now, {
    pending_losses: [
      ...(state.pending_losses ?? []).filter((l) => l.region !== loss.region),
      { region: loss.region, reason: loss.reason, instance_id: loss.instance_id },
    ],
  });

/**
 * A waiting loss token together with a remembered loss of the region it waits on: the pair to answer
 * (and then clear with `lossSettled`). Null when there is nothing to settle.
 */
export function lossToSettle(state: HubState): { token: string; loss: Loss } | null {
  if (state.status === 'TEARING_DOWN' || state.loss_token === null) return null;
  const loss = (state.pending_losses ?? []).find((l) => l.region === state.region);
  return loss ? { token: state.loss_token, loss } : null;
}

/** Before answering `token`: forget it and the losses (unless a newer token replaced it meanwhile). */
export const lossSettled = (state: HubState, token: string, now: Date): HubState =>
  state.loss_token === token ? touch(state, now, { loss_token: null, pending_losses: [] }) : state;

/** The answer could not be sent: put the token and the loss back so a retry can send it. */
export function lossUnsettled(state: HubState, pair: { token: string; loss: Loss }, now: Date): HubState {
  if (state.loss_token !== null) return state;
  return rememberLoss(touch(state, now, { loss_token: pair.token }), pair.loss, now);
}

/** First wait when no region qualifies; each further attempt doubles it up to the configured cap. */
export const BASE_BACKOFF_SECONDS = 30;

/**
 * Exponential backoff for attempt 0, 1, 2, ...: 30 s, 60 s, 120 s, ... capped at `maxSeconds`.
 *
 * @example
 * nextBackoffSeconds(3, 600); // 240
 */
export function nextBackoffSeconds(attempt: number, maxSeconds: number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  return Math.min(maxSeconds, BASE_BACKOFF_SECONDS * 2 ** exponent);
}

export type Provisioning = 'enabled' | 'disabled';

/** The `GET /spot-instances` body (see ARCHITECTURE.md): exactly these fields, expired exclusions hidden. */
export interface PublicStatus {
  provisioning: Provisioning;
  status: Status;
  region: string | null;
  instances: InstanceDetail[];
  excluded_regions: Exclusion[];
  updated_at: string;
}

/**
 * A stored time in the contract's one format (`isoUtc`). Writers other than these transitions (a worker's
 * instance list, a document written by an older version) may carry milliseconds or an offset; the API
 * shows every time alike. Text that is no time at all is passed through rather than invented.
 */
const contractTime = (text: string): string => {
  // Without a zone the instant depends on the reader's time zone: not ours to guess.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text)) return text;
  const at = Date.parse(text);
  return Number.isNaN(at) ? text : isoUtc(new Date(at));
};

/**
 * What `GET /spot-instances` answers for a provisioning switch and hub state at `now`.
 *
 * @example
 * publicStatus('enabled', state, clock.now()); // { provisioning, status, region, instances, excluded_regions, updated_at }
 */
export function publicStatus(provisioning: Provisioning, state: HubState, now: Date): PublicStatus {
  const nothingRuns = state.region === null;
  return {
    provisioning,
    status: state.status,
    region: state.region,
    instances: nothingRuns
      ? []
      : state.instances.map((i) => ({ ...i, launch_time: contractTime(i.launch_time) })),
    excluded_regions: activeExclusions(state, now).map((e) => ({ ...e, until: contractTime(e.until) })),
    updated_at: contractTime(state.updated_at),
  };
}
