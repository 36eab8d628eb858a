/**
 * The stable endpoint reaches the hub's Lambdas through ENDPOINT_URL / ENDPOINT_GROUPS (read once, every
 * error naming the variable), and GET /spot-instances shows its URL as `endpoint` (null with "none").
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.ts';
import { parseConfig } from '../../core/config.ts';
import { publicStatus } from '../../core/plan/index.ts';
import { endpointFromEnv } from '../../lambdas/shared/deps.ts';

describe('the stable endpoint in the hub', () => {
  it('reads the URL and the groups, or nothing when neither is set', () => {
    expect(endpointFromEnv({})).toBeUndefined();
    expect(
      endpointFromEnv({
        ENDPOINT_URL: 'http://a.awsglobalaccelerator.com:30000/',
        ENDPOINT_GROUPS: '{"us-west-2":"arn:g"}',
      }),
    ).toEqual({ url: 'http://a.awsglobalaccelerator.com:30000/', groups: { 'us-west-2': 'arn:g' } });
  });

  it('names the variable that is missing or malformed', () => {
    expect(() => endpointFromEnv({ ENDPOINT_GROUPS: '{}' })).toThrow(/ENDPOINT_URL is not set/);
    expect(() => endpointFromEnv({ ENDPOINT_URL: 'http://x/' })).toThrow(/ENDPOINT_GROUPS is not set/);
    expect(() => endpointFromEnv({ ENDPOINT_URL: 'http://x/', ENDPOINT_GROUPS: '{' })).toThrow(
      /ENDPOINT_GROUPS is not JSON/,
    );
    expect(() => endpointFromEnv({ ENDPOINT_URL: 'http://x/', ENDPOINT_GROUPS: '["arn"]' })).toThrow(
      /ENDPOINT_GROUPS must be a JSON object/,
    );
  });

  it('shows the URL as the API field `endpoint`, and null with endpoint "none"', () => {
    const now = manualClock('2026-11-24T10:00:00Z').now();
    const ga = parseConfig({});
    expect(publicStatus({ spec: null, status: null, now, config: ga, endpoint: 'http://e/' }).endpoint).toBe(
      'http://e/',
    );
    expect(publicStatus({ spec: null, status: null, now, config: ga }).endpoint).toBeNull();
    const none = parseConfig({ endpoint: 'none' });
    expect(
      publicStatus({ spec: null, status: null, now, config: none, endpoint: 'http://e/' }).endpoint,
    ).toBeNull();
  });
});
