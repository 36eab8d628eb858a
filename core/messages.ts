/**
 * The shapes spotplane's own parts exchange: hub <-> worker events and instance details. One schema
 * each; parsers in `core/events/` and the state machines rely on them.
 */
import { z } from 'zod';

/** EventBridge `source` of events the hub emits and of events the workers emit. */
export const HUB_SOURCE = 'spotplane.hub';
export const WORKER_SOURCE = 'spotplane.worker';

/** EventBridge `detail-type` values. Hub -> worker: */
export const LAUNCH_REQUESTED = 'Launch Requested';
export const TEARDOWN_REQUESTED = 'Teardown Requested';
/** Worker -> hub: */
export const LAUNCH_SUCCEEDED = 'Launch Succeeded';
export const LAUNCH_FAILED = 'Launch Failed';
export const LAUNCH_HEARTBEAT = 'Launch Heartbeat';
export const REGION_LOST = 'Region Lost';
export const TEARDOWN_COMPLETED = 'Teardown Completed';
/** What a teardown could not do (with `error` / `cause`); it never reports Completed then. */
export const TEARDOWN_FAILED = 'Teardown Failed';

export const STATUSES = [
  'DISABLED',
  'PROVISIONING',
  'RUNNING',
  'FAILING_OVER',
  'NOT_AVAILABLE',
  'TEARING_DOWN',
] as const;
export type Status = (typeof STATUSES)[number];

export const LIFECYCLES = ['spot', 'on-demand'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

/** One instance as `GET /spot-instances` shows it (snake_case: it is the public contract). */
export const instanceDetailSchema = z.object({
  instance_id: z.string(),
  public_ip: z.string().nullable(),
  private_ip: z.string().nullable(),
  instance_type: z.string(),
  availability_zone: z.string(),
  lifecycle: z.enum(LIFECYCLES),
  launch_time: z.string(),
});
export type InstanceDetail = z.infer<typeof instanceDetailSchema>;

export const exclusionSchema = z.object({
  region: z.string(),
  reason: z.string(),
  /** ISO-8601 UTC; the region is eligible again from this instant. */
  until: z.string(),
});
export type Exclusion = z.infer<typeof exclusionSchema>;

const base = { prefix: z.string() };

/** The absolute number of replicas wanted in a region (docs/DESIGN.md, "Fence and absolute desired state"). */
export const desiredStateSchema = z.object({ spot: z.int().min(0), on_demand: z.int().min(0) });
export type DesiredState = z.infer<typeof desiredStateSchema>;

/** The fence: an integer the hub increases with every request; a worker drops one older than its group's tag. */
const intent = z.int().min(1);

export const launchRequestedSchema = z
  .object({
    ...base,
    target_region: z.string(),
    intent: intent.optional(),
    desired: desiredStateSchema.optional(),
    /** The edge-triggered hub waits on it; the level-triggered hub sends none. */
    task_token: z.string().optional(),
    /** Read when `desired` is absent: `capacity` replicas of `lifecycle`. */
    capacity: z.int().min(1).optional(),
    lifecycle: z.enum(LIFECYCLES).optional(),
  })
  .refine((r) => r.desired !== undefined || (r.capacity !== undefined && r.lifecycle !== undefined), {
    message: 'needs desired, or capacity and lifecycle',
    path: ['desired'],
  });
export const teardownRequestedSchema = z.object({
  ...base,
  target_region: z.string(),
  intent: intent.optional(),
  /** Always 0/0 for a teardown. */
  desired: desiredStateSchema.optional(),
  /** Present when the sender waits for `Teardown Completed`. */
  task_token: z.string().optional(),
});
/** What every worker report carries: `intent` and `task_token` when the request had them. */
const report = { ...base, region: z.string(), intent: intent.optional(), task_token: z.string().optional() };

export const launchSucceededSchema = z.object({
  ...report,
  instances: z.array(instanceDetailSchema),
});
export const launchFailedSchema = z.object({
  ...report,
  /** e.g. InsufficientInstanceCapacity, UnfulfillableCapacity, MaxSpotInstanceCountExceeded, LaunchTimeout. */
  error: z.string(),
  cause: z.string(),
});
/** Progress of a launch (`core/launch-progress.ts` counts), so the hub sees it moving. */
export const launchHeartbeatSchema = z.object({
  ...report,
  phase: z.string().optional(),
  wanted: z.int().optional(),
  in_service: z.int().optional(),
  registered: z.int().optional(),
  free: z.int().optional(),
  tasks: z.int().optional(),
  healthy: z.int().optional(),
});
export const regionLostSchema = z.object({
  ...base,
  region: z.string(),
  /** e.g. SpotInterruption, RebalanceRecommendation, InstanceTerminated, LaunchUnsuccessful. */
  reason: z.string(),
  instance_id: z.string().nullable(),
});
export const teardownCompletedSchema = z.object({ ...report });
export const teardownFailedSchema = z.object({ ...report, error: z.string(), cause: z.string() });

export type LaunchRequested = z.infer<typeof launchRequestedSchema>;
export type TeardownRequested = z.infer<typeof teardownRequestedSchema>;
export type LaunchSucceeded = z.infer<typeof launchSucceededSchema>;
export type LaunchFailed = z.infer<typeof launchFailedSchema>;
export type LaunchHeartbeat = z.infer<typeof launchHeartbeatSchema>;
export type RegionLost = z.infer<typeof regionLostSchema>;
export type TeardownCompleted = z.infer<typeof teardownCompletedSchema>;
export type TeardownFailed = z.infer<typeof teardownFailedSchema>;
