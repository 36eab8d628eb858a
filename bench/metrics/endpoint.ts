/**
 * The stable endpoint through a Spot interruption of the serving region (test/local/endpoint-scenario.ts):
 * a real HTTP client at 10 requests/s of simulated time through the local endpoint, which forwards to
 * what the hub's plan registered with (emulated) Global Accelerator.
 *
 * - endpoint_failed_requests_with_spare: requests that failed with spareCapacity 1 and launches faster
 *   than the 2-minute warning (boot to HEALTHY task ~25 s), from the warning until the interrupted
 *   region's endpoints are gone from the accelerator.
 * - endpoint_gap_s_without_spare: the longest run of failed requests (all 503 + Retry-After) with neither
 *   (boot to HEALTHY task ~210 s): the launch beyond the warning plus GA's health checks.
 */
import { endpointFailover, FAST_LAUNCH, SLOW_LAUNCH } from '../../test/local/endpoint-scenario.ts';
import type { Benchmark } from '../types.ts';

export const benchmark: Benchmark = {
  name: 'endpoint',
  async measure() {
    const withSpare = await endpointFailover({ spareCapacity: 1, launchTiming: FAST_LAUNCH, durationS: 600 });
    const withoutSpare = await endpointFailover({
      spareCapacity: 0,
      launchTiming: SLOW_LAUNCH,
      durationS: 600,
    });
    return [
      {
        key: 'endpoint_failed_requests_with_spare',
        value: withSpare.failed.length,
        unit: 'requests',
        target: '0',
      },
      { key: 'endpoint_gap_s_without_spare', value: withoutSpare.gapS, unit: 's' },
    ];
  },
};
