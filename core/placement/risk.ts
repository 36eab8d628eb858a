/**
 * Risk as the market tells it: how often a replica in a region can be expected to be lost, and whether the
 * region is "dry" (its launches just failed, so new replicas go elsewhere for a while).
 */
import type { CapacityEvent, PlacementWeights } from './types.ts';

/** Most capacity events remembered, and for how long. */
export const HISTORY_LIMIT = 200;
export const HISTORY_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Keeps the new events and the remembered ones younger than 24 h, newest first, at most 200, without duplicates.
 *
 * @example
 * memory.history = recordCapacityEvents(memory.history, [{ at, region, zone, kind: 'interrupted' }], now);
 */
export function recordCapacityEvents(
  history: readonly CapacityEvent[],
  fresh: readonly CapacityEvent[],
  now: number,
): CapacityEvent[] {
  const key = (e: CapacityEvent) => `${e.at}|${e.region}|${e.zone ?? ''}|${e.kind}`;
  const seen = new Set<string>();
  const out: CapacityEvent[] = [];
  for (const e of [...fresh, ...history].sort((a, b) => b.at - a.at)) {
    if (now - e.at > HISTORY_MAX_AGE_MS || e.at > now || seen.has(key(e))) continue;
    seen.add(key(e));
    out.push(e);
    if (out.length === HISTORY_LIMIT) break;
  }
  return out;
}

/**
 * Expected capacity losses per hour for a replica in `region`: a prior from the placement score (score 1 =
 * `priorLossesPerHour`, score 10 = a tenth of it; unknown = score 5) plus every remembered outage there, each
 * counting 1/half-life at first and fading with its age (so one fresh outage ~ one more loss per half-life).
 *
 * An outage is counted once however many replicas it took: the interruptions of a region that follow its first
 * by less than `outageSeconds` belong to it. The rate is a replica's chance of being hit; the policy multiplies it
 * by the replicas a region holds, so counting each of three replicas lost to one outage as its own would triple
 * the region's rate for the half-life that follows.
 */
export function lossesPerHour(
  region: string,
  score: number | null,
  history: readonly CapacityEvent[],
  now: number,
  weights: Pick<PlacementWeights, 'priorLossesPerHour' | 'riskHalfLifeSeconds' | 'outageSeconds'>,
): number {
  const s = Math.min(10, Math.max(1, score ?? 5));
  const prior = (weights.priorLossesPerHour * (11 - s)) / 10;
  const halfLifeH = weights.riskHalfLifeSeconds / 3600;
  const losses = history
    .filter((e) => e.region === region && e.kind === 'interrupted' && e.at <= now)
    .map((e) => e.at)
    .sort((a, b) => a - b);
  let recent = 0;
  let outageStart = Number.NEGATIVE_INFINITY;
  for (const at of losses) {
    if (at - outageStart < weights.outageSeconds * 1000) continue;
    outageStart = at;
    recent += 0.5 ** ((now - at) / 1000 / weights.riskHalfLifeSeconds);
  }
  return prior + recent / halfLifeH;
}

/**
 * Until when `region` (or one zone of it) takes no new replica after failed launches: the last failure plus a
 * backoff that doubles with each failure of the last hour (capped), so a region with no capacity is not retried
 * every cycle while another has some. Returns 0 when it is not dry.
 */
export function dryUntil(
  region: string,
  zone: string | null,
  history: readonly CapacityEvent[],
  now: number,
  weights: Pick<PlacementWeights, 'dryBackoffSeconds' | 'dryBackoffMaxSeconds'>,
): number {
  const failures = history.filter(
    (e) =>
      e.kind === 'launch_failed' &&
      e.region === region &&
      (zone === null || e.zone === zone) &&
      e.at <= now &&
      now - e.at <= 3_600_000,
  );
  if (failures.length === 0) return 0;
  const last = Math.max(...failures.map((e) => e.at));
  const backoff = Math.min(
    weights.dryBackoffMaxSeconds,
    weights.dryBackoffSeconds * 2 ** (failures.length - 1),
  );
  return last + backoff * 1000;
}
