/**
 * The stable endpoint through a Spot interruption (issue 14): a real HTTP client sends 10 requests/s
 * (simulated) through the local endpoint, which forwards to exactly what Global Accelerator routes to,
 * as the hub's plan registered it. Launches faster than the 2-minute warning: no request fails (the
 * replacement is registered and HEALTHY behind the accelerator before the old replica goes). Slower
 * launches: the failures are 503s with Retry-After, for no longer than the launch takes beyond the
 * warning plus Global Accelerator's health checks (3 x 10 s) and one busy look of the hub (20 s).
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINT_HEALTH_INTERVAL_SECONDS, ENDPOINT_HEALTH_THRESHOLD } from '../../core/endpoint.ts';
import { BUSY_LOOK_SECONDS } from '../../core/plan/index.ts';
import {
  endpointFailover,
  FAST_LAUNCH,
  REQUEST_INTERVAL_MS,
  SLOW_LAUNCH,
  WARNING_S,
} from './endpoint-scenario.ts';

describe('the stable endpoint through a failover', () => {
  it('loses no request when the replacement launches within the interruption warning (spareCapacity 1)', async () => {
    const run = await endpointFailover({ spareCapacity: 1, launchTiming: FAST_LAUNCH, durationS: 600 });
    // 10 requests/s from the warning until the old region's instances and endpoints are all gone.
    expect(run.oldGoneS).toBeLessThan(run.requests.at(-1)?.atS ?? 0);
    expect(run.requests.length).toBeGreaterThanOrEqual(
      ((run.requests.at(-1)?.atS ?? 0) * 1000) / REQUEST_INTERVAL_MS,
    );
    expect(run.replacementReadyS).toBeLessThan(WARNING_S);
    expect(run.failed).toEqual([]);
    // Served from the interrupted region first, then from the replacement's: a real move happened.
    expect(run.servedFrom).toHaveLength(2);
    expect(run.servedFrom[0]).toBe(run.interrupted);
  }, 900_000);

  it('answers only 503 + Retry-After while no replica serves, for no longer than the launch beyond the warning', async () => {
    const run = await endpointFailover({ spareCapacity: 0, launchTiming: SLOW_LAUNCH, durationS: 600 });
    expect(run.replacementReadyS).toBeGreaterThan(WARNING_S);
    expect(run.requests.length).toBeGreaterThanOrEqual(
      ((run.requests.at(-1)?.atS ?? 0) * 1000) / REQUEST_INTERVAL_MS,
    );
    expect(run.failed.length).toBeGreaterThan(0);
    for (const r of run.failed) {
      expect(r.status).toBe(503);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    // Nothing fails before the instance is terminated at the end of the warning.
    expect(Math.min(...run.failed.map((r) => r.atS))).toBeGreaterThanOrEqual(WARNING_S);
    const healthCheckS = ENDPOINT_HEALTH_INTERVAL_SECONDS * ENDPOINT_HEALTH_THRESHOLD;
    expect(run.gapS).toBeLessThanOrEqual(
      run.replacementReadyS - WARNING_S + healthCheckS + BUSY_LOOK_SECONDS,
    );
    expect(run.requests.at(-1)?.status).toBe(200);
  }, 900_000);
});
