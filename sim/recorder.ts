/**
 * Turns observations of a running control plane into a `RunTimeline`: instance lives (billing stops at
 * shutting-down, as EC2's does), healthy-serving intervals, launch requests (an Auto Scaling group's
 * desired capacity going up) and capacity losses (an interruption that warned live instances).
 */
import type { ObservedInstance } from './simulated-plane.ts';
import type {
  ControlPlaneUsage,
  HealthyInterval,
  InstanceSpan,
  LaunchRequest,
  Loss,
  RunTimeline,
} from './timeline.ts';

interface OpenInstance {
  span: InstanceSpan;
  open: boolean;
  healthySince: number | null;
}

export class TimelineRecorder {
  private readonly instances = new Map<string, OpenInstance>();
  private readonly healthy: HealthyInterval[] = [];
  private readonly losses: Loss[] = [];
  private readonly launchRequests: LaunchRequest[] = [];
  private desired: Record<string, number> = {};

  constructor(
    private readonly policy: string,
    private readonly startMs: number,
    private readonly targetCapacity: number,
  ) {}

  /** Records what is true at `nowMs`; call after every change of the control plane's state. */
  observe(
    nowMs: number,
    instances: readonly ObservedInstance[],
    desired: Readonly<Record<string, number>>,
  ): void {
    for (const [region, count] of Object.entries(desired)) {
      if (count > (this.desired[region] ?? 0)) this.launchRequests.push({ atMs: nowMs, region });
    }
    this.desired = { ...desired };
    for (const o of instances) {
      let entry = this.instances.get(o.id);
      const live = o.state === 'pending' || o.state === 'running';
      if (!entry) {
        if (!live) continue;
        entry = {
          span: {
            id: o.id,
            region: o.region,
            ...(o.zone ? { zone: o.zone } : {}),
            instanceType: o.instanceType,
            lifecycle: o.lifecycle,
            startMs: Math.max(o.launchMs, this.startMs),
            endMs: Number.POSITIVE_INFINITY,
          },
          open: true,
          healthySince: null,
        };
        this.instances.set(o.id, entry);
      }
      const serving = live && o.healthy;
      if (serving && entry.healthySince === null) entry.healthySince = nowMs;
      if (!serving && entry.healthySince !== null) this.closeHealthy(entry, nowMs);
      if (!live && entry.open) {
        entry.open = false;
        entry.span.endMs = nowMs;
      }
    }
    // An instance that vanished from the listing has ended.
    const seen = new Set(instances.map((o) => o.id));
    for (const entry of this.instances.values()) {
      if (entry.open && !seen.has(entry.span.id)) {
        if (entry.healthySince !== null) this.closeHealthy(entry, nowMs);
        entry.open = false;
        entry.span.endMs = nowMs;
      }
    }
  }

  /** An interruption was sent to `region` at `nowMs`, warning `warnedIds`. */
  interrupted(nowMs: number, region: string, warnedIds: readonly string[]): void {
    if (warnedIds.length > 0) this.losses.push({ atMs: nowMs, region });
  }

  /** Closes everything still open at `endMs` and returns the timeline. */
  finish(endMs: number, usage?: ControlPlaneUsage): RunTimeline {
    for (const entry of this.instances.values()) {
      if (entry.healthySince !== null) this.closeHealthy(entry, endMs);
      if (entry.open) {
        entry.open = false;
        entry.span.endMs = endMs;
      }
    }
    return {
      policy: this.policy,
      startMs: this.startMs,
      endMs,
      targetCapacity: this.targetCapacity,
      instances: [...this.instances.values()].map((e) => e.span),
      healthy: [...this.healthy],
      losses: [...this.losses],
      launchRequests: [...this.launchRequests],
      usage,
    };
  }

  private closeHealthy(entry: OpenInstance, nowMs: number): void {
    if (nowMs > entry.healthySince!) {
      this.healthy.push({ region: entry.span.region, startMs: entry.healthySince!, endMs: nowMs });
    }
    entry.healthySince = null;
  }
}
