/**
 * What a run did, as plain data: which instances ran where and when, when a healthy server answered,
 * which capacity losses hit the serving region, and when replacements were requested. The spotplane
 * driver and the baseline model both produce it; the accounting (`report.ts`) only reads it.
 */
import type { Lifecycle } from '../core/messages.ts';

/** One instance's billed life: from launch to termination (boot time is billed too). */
export interface InstanceSpan {
  id: string;
  region: string;
  /** The Availability Zone it ran in, when known (its Spot price is the zone's). */
  zone?: string;
  instanceType: string;
  lifecycle: Lifecycle;
  startMs: number;
  endMs: number;
}

/** A stretch of time during which a healthy server answered in `region`. */
export interface HealthyInterval {
  region: string;
  startMs: number;
  endMs: number;
}

/** A capacity loss (interruption warning, reclaimed capacity) that hit the serving region. */
export interface Loss {
  atMs: number;
  region: string;
}

/** A launch request: the moment capacity was asked for in `region`. */
export interface LaunchRequest {
  atMs: number;
  region: string;
}

/** The control plane's own AWS usage over the run, counted from its execution histories. */
export interface ControlPlaneUsage {
  stateTransitions: number;
  lambdaInvocations: number;
  /** Custom events put on any bus (hub, worker, cross-region forwards). */
  customEvents: number;
  /** null when not counted (standard SSM parameters cost nothing per call). */
  ssmApiCalls: number | null;
  apiRequests: number;
  /** Hours a Global Accelerator existed (endpoint "global-accelerator"); absent or 0 without one. */
  acceleratorHours?: number;
  /** The hub state table's request units (absent when not counted). */
  dynamodbReadUnits?: number;
  dynamodbWriteUnits?: number;
  /** Bytes of execution history the state machines log (CloudWatch Logs ingestion). */
  executionLogBytes?: number;
}

export interface RunTimeline {
  policy: string;
  startMs: number;
  endMs: number;
  targetCapacity: number;
  instances: readonly InstanceSpan[];
  healthy: readonly HealthyInterval[];
  losses: readonly Loss[];
  launchRequests: readonly LaunchRequest[];
  /** Absent for models that have no control plane to bill (the baseline). */
  usage?: ControlPlaneUsage;
}

export interface Span {
  startMs: number;
  endMs: number;
}

/** Sorted, non-overlapping union of spans, clipped to [fromMs, toMs). */
export function unionWithin(spans: readonly Span[], fromMs: number, toMs: number): Span[] {
  const clipped = spans
    .map((s) => ({ startMs: Math.max(s.startMs, fromMs), endMs: Math.min(s.endMs, toMs) }))
    .filter((s) => s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const out: Span[] = [];
  for (const s of clipped) {
    const last = out.at(-1);
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}

/** Milliseconds within [fromMs, toMs) that no span covers. */
export function uncoveredMs(spans: readonly Span[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const covered = unionWithin(spans, fromMs, toMs).reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
  return toMs - fromMs - covered;
}

/**
 * Stretches within [fromMs, toMs) during which at least `k` spans overlap (k healthy replicas at once),
 * sorted and merged. k <= 0 covers the whole window.
 */
export function coveredAtLeast(spans: readonly Span[], k: number, fromMs: number, toMs: number): Span[] {
  if (toMs <= fromMs) return [];
  if (k <= 0) return [{ startMs: fromMs, endMs: toMs }];
  const edges: [number, number][] = [];
  for (const s of spans) {
    const start = Math.max(s.startMs, fromMs);
    const end = Math.min(s.endMs, toMs);
    if (end > start) edges.push([start, 1], [end, -1]);
  }
  // Ends before starts at the same instant: a replica that leaves as another arrives is no overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Span[] = [];
  let count = 0;
  let since = 0;
  for (const [at, delta] of edges) {
    const before = count;
    count += delta;
    if (before < k && count >= k) since = at;
    if (before >= k && count < k && at > since) {
      const last = out.at(-1);
      if (last && last.endMs === since) last.endMs = at;
      else out.push({ startMs: since, endMs: at });
    }
  }
  return out;
}
