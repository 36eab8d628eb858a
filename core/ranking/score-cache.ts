/**
 * The placement-score cache document (kept in SSM by the RegionFinder). AWS caps how many new
 * GetSpotPlacementScores configurations an account may use per 24 h; when it refuses, the last scores
 * are reused if they were fetched for the *same* configuration and are younger than a time-to-live.
 * One entry is enough: the RegionFinder always asks for the same configuration until the deployment's
 * configuration changes, so the write never needs a read first.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What makes a placement-score request configuration distinct for AWS's per-24 h cap. */
export interface ScoreConfiguration {
  regions: readonly string[];
  instanceTypes: readonly string[];
  targetCapacity: number;
}

export const scoreCacheSchema = z.object({
  key: z.string(),
  fetched_at: z.iso.datetime(),
  scores: z.record(z.string(), z.number()),
});
export type ScoreCache = z.infer<typeof scoreCacheSchema>;

/** Order-independent: the same regions and types in another order are the same configuration. */
export function scoreConfigurationKey(config: ScoreConfiguration): string {
  const canonical = JSON.stringify({
    regions: [...config.regions].sort(),
    instanceTypes: [...config.instanceTypes].sort(),
    targetCapacity: config.targetCapacity,
    singleAvailabilityZone: false,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Parses the stored document; anything unreadable counts as no cache (it is only a fallback). */
export function parseScoreCache(text: string | undefined): ScoreCache | null {
  if (!text) return null;
  try {
    const result = scoreCacheSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** The cached scores if they belong to configuration `key` and are younger than `ttlMs` at `now`. */
export function lookupScores(
  cache: ScoreCache | null,
  key: string,
  now: Date,
  ttlMs: number,
): { scores: Map<string, number>; fetchedAt: string } | null {
  if (!cache || cache.key !== key) return null;
  const age = now.getTime() - Date.parse(cache.fetched_at);
  if (!(age >= 0 && age <= ttlMs)) return null;
  return { scores: new Map(Object.entries(cache.scores)), fetchedAt: cache.fetched_at };
}

/** The document to store after a successful fetch. */
export function scoreCacheEntry(key: string, scores: ReadonlyMap<string, number>, now: Date): ScoreCache {
  return { key, fetched_at: now.toISOString(), scores: Object.fromEntries(scores) };
}
