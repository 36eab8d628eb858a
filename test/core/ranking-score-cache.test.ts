import { describe, expect, it } from 'vitest';
import {
  lookupScores,
  parseScoreCache,
  scoreCacheEntry,
  scoreConfigurationKey,
} from '../../core/ranking/index.ts';

const configuration = {
  regions: ['us-west-2', 'eu-west-1'],
  instanceTypes: ['g6.xlarge', 'g5.xlarge'],
  targetCapacity: 1,
};
const now = new Date('2026-11-24T10:00:00Z');
const hour = 3600_000;

describe('scoreConfigurationKey', () => {
  it('is the same for the same regions and types in any order', () => {
    expect(
      scoreConfigurationKey({
        regions: ['eu-west-1', 'us-west-2'],
        instanceTypes: ['g5.xlarge', 'g6.xlarge'],
        targetCapacity: 1,
      }),
    ).toBe(scoreConfigurationKey(configuration));
  });

  it.each([{ regions: ['us-west-2'] }, { instanceTypes: ['g6.xlarge'] }, { targetCapacity: 2 }])(
    'changes when the configuration changes: %j',
    (change) => {
      expect(scoreConfigurationKey({ ...configuration, ...change })).not.toBe(
        scoreConfigurationKey(configuration),
      );
    },
  );
});

describe('score cache', () => {
  const key = scoreConfigurationKey(configuration);
  const stored = JSON.stringify(scoreCacheEntry(key, new Map([['us-west-2', 8]]), now));

  it('round-trips scores for the same configuration within the TTL', () => {
    const later = new Date(now.getTime() + hour);
    expect(lookupScores(parseScoreCache(stored), key, later, 2 * hour)).toEqual({
      scores: new Map([['us-west-2', 8]]),
      fetchedAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it('refuses scores older than the TTL', () => {
    expect(
      lookupScores(parseScoreCache(stored), key, new Date(now.getTime() + 3 * hour), 2 * hour),
    ).toBeNull();
  });

  it('refuses scores from the future (clock skew) rather than trusting them forever', () => {
    expect(lookupScores(parseScoreCache(stored), key, new Date(now.getTime() - 1), 2 * hour)).toBeNull();
  });

  it('refuses scores of another configuration', () => {
    const other = scoreConfigurationKey({ ...configuration, targetCapacity: 4 });
    expect(lookupScores(parseScoreCache(stored), other, now, hour)).toBeNull();
  });

  it.each([undefined, '', 'not json', '{"key":1}', '{"key":"k","fetched_at":"yesterday","scores":{}}'])(
    'treats an unreadable document (%j) as no cache',
    (text) => {
      expect(parseScoreCache(text)).toBeNull();
    },
  );
});
