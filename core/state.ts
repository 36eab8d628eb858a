/**
 * Pure transitions of the hub state document (`HubState`, kept in SSM). Every writer — the state-store
 * Lambda, ToggleProvisioning, SpotCapacityHandler — computes the next document here, so the rules live
 * in one tested place and the handlers only read, call and write.
 */
import type { Exclusion, HubState, InstanceDetail, Lifecycle, RegionLost, Status } from './messages.ts';

/** ISO-8601 UTC to the second (`2026-11-24T10:00:00Z`), the form the public contract uses. */
export const isoUtc = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

const touch = (state: HubState, now: Date, changes: Partial<HubState>): HubState => ({
  ...state,
  ...changes,
  updated_at: isoUtc(now),
});

const isActive = (exclusion: Exclusion, now: Date) => Date.parse(exclusion.until) > now.getTime();

/** Exclusions still in force at `now`; an expired one makes its region eligible again. */
export const activeExclusions = (state: HubState, now: Date): Exclusion[] =>
  state.excluded_regions.filter((e) => isActive(e, now));

/** The document as readers should see it: expired exclusions dropped, nothing else changed. */
export const withoutExpiredExclusions = (state: HubState, now: Date): HubState => ({
  ...state,
  excluded_regions: activeExclusions(state, now),
});

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

export function recordRunning(
  state: HubState,
  running: { region: string; lifecycle: Lifecycle; instances: InstanceDetail[] },
  now: Date,
): HubState {
  return touch(state, now, {
    status: 'RUNNING',
    region: running.region,
    lifecycle: running.lifecycle,
    instances: running.instances,
  });
}

export const registerLossToken = (state: HubState, token: string, now: Date): HubState =>
  touch(state, now, { loss_token: token });

export const clearLossToken = (state: HubState, now: Date): HubState =>
  touch(state, now, { loss_token: null });

/** `enable`: the Orchestrator is about to start; a pending teardown keeps being tracked. */
export const provisioningEnabled = (state: HubState, now: Date): HubState =>
  touch(state, now, { status: 'PROVISIONING', loss_token: null });

/**
 * `disable`: no Orchestrator waits any more (its token is dropped). With teardown regions the status is
 * TEARING_DOWN until each has confirmed; without, DISABLED and whatever runs keeps running.
 */
export function provisioningDisabled(
  state: HubState,
  now: Date,
  teardownRegions: readonly string[],
): HubState {
  if (teardownRegions.length === 0) return touch(state, now, { status: 'DISABLED', loss_token: null });
  return touch(state, now, {
    status: 'TEARING_DOWN',
    loss_token: null,
    teardown_pending: [...new Set(teardownRegions)],
  });
}

const nothingRunning = { region: null, lifecycle: null, instances: [] } as const;

/**
 * A worker confirmed its teardown. Its instances are gone, so if it was the current region nothing is
 * shown as running any more; when the last pending region confirms a TEARING_DOWN hub becomes DISABLED.
 */
export function teardownCompleted(state: HubState, region: string, now: Date): HubState {
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
  | { action: 'IGNORE'; reason: 'TEARING_DOWN' | 'NOT_CURRENT_REGION' | 'NO_WAITING_ORCHESTRATOR' };

/**
 * Whether a `Region Lost` report ends the Orchestrator's "wait for loss" task. Only a loss of the
 * region we run in counts (an old region lost after failover is stale news), and never during teardown,
 * where instances vanish on purpose.
 */
export function decideRegionLost(state: HubState, lost: Pick<RegionLost, 'region'>): RegionLostDecision {
  if (state.status === 'TEARING_DOWN') return { action: 'IGNORE', reason: 'TEARING_DOWN' };
  if (state.region !== lost.region) return { action: 'IGNORE', reason: 'NOT_CURRENT_REGION' };
  if (state.loss_token === null) return { action: 'IGNORE', reason: 'NO_WAITING_ORCHESTRATOR' };
  return { action: 'RELEASE_LOSS_TOKEN', token: state.loss_token };
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

export function publicStatus(provisioning: Provisioning, state: HubState, now: Date): PublicStatus {
  const nothingRuns = state.region === null;
  return {
    provisioning,
    status: state.status,
    region: state.region,
    instances: nothingRuns ? [] : state.instances,
    excluded_regions: activeExclusions(state, now),
    updated_at: state.updated_at,
  };
}
