/**
 * Runs spotplane itself over a market trace: replays every market change and interruption into the
 * emulated regions at its time on the virtual clock, lets the real state machines and handlers react,
 * and records what ran where and when it served.
 */

import { SimRunError } from './errors.ts';
import { TimelineRecorder } from './recorder.ts';
import type { SimulatedControlPlane } from './simulated-plane.ts';
import type { RunTimeline } from './timeline.ts';
import { type MarketChange, marketChanges, type Trace } from './trace.ts';

export interface DriveOptions {
  targetCapacity?: number;
  /** Called with the simulated time after each batch of changes (progress for long runs). */
  onProgress?: (nowMs: number) => void;
}

function groupByTime(changes: readonly MarketChange[]): MarketChange[][] {
  const groups: MarketChange[][] = [];
  for (const c of changes) {
    const last = groups.at(-1);
    if (last && last[0]!.at === c.at) last.push(c);
    else groups.push([c]);
  }
  return groups;
}

/**
 * Drives `plane` over `trace` and returns the run's timeline. The plane's clock must stand at the
 * trace's start.
 *
 * @throws {SimRunError} when the clock is not at the trace start.
 */
export async function runSpotplane(
  trace: Trace,
  plane: SimulatedControlPlane,
  options: DriveOptions = {},
): Promise<RunTimeline> {
  const clock = plane.clock;
  if (clock.now().getTime() !== trace.startMs) {
    throw new SimRunError(
      `the control plane's clock is at ${clock.now().toISOString()}, the trace starts at ${new Date(trace.startMs).toISOString()}`,
    );
  }
  const recorder = new TimelineRecorder('spotplane', trace.startMs, options.targetCapacity ?? 1);
  const observe = () => {
    recorder.observe(clock.now().getTime(), plane.instances(), plane.desiredCapacity());
    return false;
  };
  const apply = async (group: readonly MarketChange[]) => {
    for (const change of group) {
      if (change.kind === 'market') {
        recorder.interrupted(change.at, change.region, plane.setMarket(change.region, change.market));
      } else {
        recorder.interrupted(change.at, change.region, plane.interrupt(change.region));
      }
    }
    await clock.settle();
    observe();
  };

  try {
    const groups = groupByTime(marketChanges(trace));
    let next = 0;
    // The market as it stands at the start, then provisioning on, as a user would.
    if (groups[0]?.[0]?.at === trace.startMs) await apply(groups[next++]!);
    await plane.enableProvisioning();
    await clock.settle();
    observe();

    for (; next <= groups.length; next++) {
      const at = groups[next]?.[0]?.at ?? trace.endMs;
      // The predicate runs after every timer the control plane set, so each state change is seen at its time.
      await clock.runUntil(observe, at - clock.now().getTime());
      if (clock.now().getTime() !== at) {
        throw new SimRunError(
          `the clock overshot a market change: at ${clock.now().toISOString()}, wanted ${new Date(at).toISOString()}`,
        );
      }
      if (next < groups.length) await apply(groups[next]!);
      options.onProgress?.(at);
    }
    return recorder.finish(trace.endMs, plane.usage());
  } finally {
    // Also after a failure: a control plane left running would keep the process alive.
    await plane.shutdown();
  }
}
