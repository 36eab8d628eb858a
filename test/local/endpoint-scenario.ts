/**
 * The stable endpoint through a failover, locally: a whole deployment on a virtual clock with a real
 * stand-in server per task, the local endpoint (what Global Accelerator routes to, as the hub's plan
 * registered it) on loopback, and a real HTTP client sending one chat completion every 100 ms of
 * simulated time (10 requests/s) while the serving region's Spot instances are interrupted. Shared by
 * the e2e test and the `endpoint_*` benchmarks.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LaunchTiming } from '../../emulator/market.ts';
import { createLocalEndpoint } from '../../local/endpoint.ts';
import { advanceWithIo } from '../support/drive-io.ts';
import { deployment } from './e2e-harness.ts';

/** One request every 100 ms of simulated time. */
export const REQUEST_INTERVAL_MS = 100;
/** Spot's interruption warning: the instance is terminated this long after it. */
export const WARNING_S = 120;

/** Boot to HEALTHY task in ~25 s: the replacement serves well within the warning. */
export const FAST_LAUNCH = {
  bootMs: 10_000,
  agentRegistrationMs: 5_000,
  containerStartMs: 5_000,
  healthyAfterMs: 5_000,
};
/** Boot to HEALTHY task in ~210 s: the old replica is gone before the replacement serves. */
export const SLOW_LAUNCH = {
  bootMs: 150_000,
  agentRegistrationMs: 10_000,
  containerStartMs: 30_000,
  healthyAfterMs: 20_000,
};

export interface RequestRecord {
  /** Simulated seconds since the interruption warning. */
  atS: number;
  status: number;
  retryAfter: string | null;
  /** `region/instance` that answered (the endpoint's `x-spotplane-replica` header). */
  replica: string | null;
}

export interface EndpointRun {
  requests: RequestRecord[];
  failed: RequestRecord[];
  /** The longest run of consecutive failed requests, in simulated seconds (0 when none failed). */
  gapS: number;
  /** Simulated seconds from the warning until a replica outside the interrupted region was ready (task HEALTHY). */
  replacementReadyS: number;
  /** Simulated seconds from the warning until no instance of the interrupted region was left running. */
  oldGoneS: number;
  interrupted: string;
  /** Regions that answered after the interruption. */
  servedFrom: string[];
}

export interface EndpointScenario {
  spareCapacity: number;
  launchTiming: Partial<LaunchTiming>;
  /**
   * Most simulated time the client keeps sending after the warning; it stops earlier, 10 s after the
   * interrupted region's instances and endpoints are all gone and another region answered.
   */
  durationS?: number;
}

/** Runs the scenario; the deployment and its servers are closed before it returns. */
export async function endpointFailover(scenario: EndpointScenario): Promise<EndpointRun> {
  const d = await deployment(
    { spareCapacity: scenario.spareCapacity },
    { workloadServers: true, launchTiming: scenario.launchTiming },
  );
  const endpoint: Server = createLocalEndpoint({ targets: () => d.plane.endpointTargets() });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v1/chat/completions`;
  const io = () => d.plane.cloud.ioInFlight();
  const step = (ms: number) => advanceWithIo(d.clock, io, ms, ms);
  try {
    await d.api('POST', '/spot-provisioning', { action: 'enable' });
    // Serving through the endpoint: RUNNING and Global Accelerator routes to the replica.
    const limit = d.clock.now().getTime() + 30 * 60_000;
    while ((await d.status()).status !== 'RUNNING' || (await d.plane.endpointTargets()).length < 1) {
      if (d.clock.now().getTime() > limit)
        throw new Error(`never served through the endpoint: ${JSON.stringify(await d.status())}`);
      await step(1_000);
    }
    const interrupted = (await d.status()).region!;
    d.plane.cloud.interrupt(interrupted);
    const warnedAt = d.clock.now().getTime();
    const sinceS = () => (d.clock.now().getTime() - warnedAt) / 1000;
    const requests: RequestRecord[] = [];
    let replacementReadyS = Number.NaN;
    const durationS = scenario.durationS ?? 15 * 60;
    const oldGroup = d.plane.endpoint?.groups[interrupted];
    const oldRegistered = async () =>
      oldGroup
        ? ((await d.plane.cloud.globalAccelerator.describeEndpointGroup({ EndpointGroupArn: oldGroup }))
            .EndpointGroup?.EndpointDescriptions?.length ?? 0)
        : 0;
    let settledAtS = Number.POSITIVE_INFINITY;
    let oldGoneS = Number.NaN;
    const oldRunning = () =>
      d.plane.cloud
        .region(interrupted)
        .ec2.all()
        .some((i) => i.state !== 'terminated');
    while (sinceS() < Math.min(durationS, settledAtS + 10)) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      await res.arrayBuffer();
      requests.push({
        atS: sinceS(),
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        replica: res.headers.get('x-spotplane-replica'),
      });
      if (Number.isNaN(replacementReadyS)) {
        const elsewhere = (await d.status()).instances.some((i) => i.ready && i.region !== interrupted);
        if (elsewhere) replacementReadyS = sinceS();
      }
      if (Number.isNaN(oldGoneS) && !oldRunning()) oldGoneS = sinceS();
      const movedOn = requests.some((r) => r.replica && !r.replica.startsWith(`${interrupted}/`));
      if (
        settledAtS === Number.POSITIVE_INFINITY &&
        movedOn &&
        !Number.isNaN(oldGoneS) &&
        (await oldRegistered()) === 0
      )
        settledAtS = sinceS();
      await step(REQUEST_INTERVAL_MS);
    }
    const failed = requests.filter((r) => r.status !== 200);
    let gap = 0;
    let run = 0;
    for (const r of requests) {
      run = r.status === 200 ? 0 : run + 1;
      gap = Math.max(gap, run);
    }
    const servedFrom = [
      ...new Set(requests.flatMap((r) => (r.replica ? [r.replica.split('/')[0] ?? ''] : []))),
    ];
    return {
      requests,
      failed,
      gapS: (gap * REQUEST_INTERVAL_MS) / 1000,
      replacementReadyS,
      oldGoneS,
      interrupted,
      servedFrom,
    };
  } finally {
    endpoint.closeAllConnections();
    await new Promise((resolve) => endpoint.close(resolve));
    await d.close();
  }
}
