/**
 * The shapes of the hub's control loop (docs/DESIGN.md "The hub's control loop"): what Observe reports,
 * what the Orchestrator remembers between cycles, and what Plan decides. Zod schemas, because each one
 * crosses a Lambda boundary (Observe -> Plan -> Act) and is stored in DynamoDB; a reader validates it.
 */
import { z } from 'zod';
import {
  exclusionSchema,
  instanceDetailSchema,
  LAUNCH_REQUESTED,
  LIFECYCLES,
  STATUSES,
  TEARDOWN_REQUESTED,
} from '../messages.ts';
import { endpointActionSchemas, endpointsObservationSchema } from './endpoints.ts';

const iso = z.string();

/** The absolute number of replicas wanted in one region, by purchase option (teardown = 0 / 0). */
export const desiredSchema = z.object({ spot: z.int().min(0), on_demand: z.int().min(0) });
export type Desired = z.infer<typeof desiredSchema>;

/** The `spec` item: what the user asked for (written only by the API). */
export const specSchema = z.object({
  enabled: z.boolean(),
  teardown: z.boolean(),
  /** +1 on every toggle; also the item's version for conditional writes. */
  generation: z.int().min(0),
  updated_at: iso,
});
export type Spec = z.infer<typeof specSchema>;

/**
 * EC2 `StateReason.Code`s the plan reads (EC2 API Reference, StateReason): Spot took the instance back, or it was shut
 * down through the EC2 API (the group's own scale-in when the plan released a replica, or a person).
 */
export const SPOT_TERMINATION = 'Server.SpotInstanceTermination';
export const USER_TERMINATION = 'Client.UserInitiatedShutdown';

/** One instance of a worker region as Observe saw it (EC2, the ASG and the ECS task on it). */
export const observedInstanceSchema = z.object({
  instance_id: z.string(),
  instance_type: z.string(),
  availability_zone: z.string(),
  lifecycle: z.enum(LIFECYCLES),
  /** EC2 state: pending | running | shutting-down | terminated | stopping | stopped. */
  state: z.string(),
  /** The ASG's lifecycle state (Pending, InService, Terminating, ...); null when the ASG does not list it. */
  lifecycle_state: z.string().nullable(),
  public_ip: z.string().nullable(),
  private_ip: z.string().nullable(),
  launch_time: iso,
  /** EC2 `StateReason.Code` (e.g. `Server.SpotInstanceTermination`), when EC2 gives one. */
  termination_reason: z.string().nullable(),
  /** The ECS task on the instance: its last status and health, null when none. */
  task_status: z.string().nullable(),
  health: z.string().nullable(),
  /** Serving: a RUNNING, HEALTHY task on a running instance. */
  ready: z.boolean(),
});
export type ObservedInstance = z.infer<typeof observedInstanceSchema>;

export const observedTaskSchema = z.object({
  task_arn: z.string(),
  instance_id: z.string().nullable(),
  last_status: z.string(),
  health: z.string().nullable(),
});
export type ObservedTask = z.infer<typeof observedTaskSchema>;

export const scalingFailureSchema = z.object({ at: iso, code: z.string(), message: z.string() });
export type ScalingFailure = z.infer<typeof scalingFailureSchema>;

/** A worker region this cycle: seen (`ok`) or unknown (its observation failed — never read as "empty"). */
export const regionObservationSchema = z.discriminatedUnion('ok', [
  z.object({
    region: z.string(),
    ok: z.literal(true),
    asg: z.object({
      exists: z.boolean(),
      desired: z.int().min(0),
      on_demand_base: z.int().min(0),
      /** The worker's fence: the ASG tag `spotplane:intent`; null when the ASG has none. */
      intent: z.int().nullable(),
      /**
       * Instances in the group that launched and are not leaving (Pending or InService), as the group lists them:
       * one just launched is there before DescribeInstances shows it. Absent from older observations.
       */
      held: z.int().min(0).optional(),
    }),
    instances: z.array(observedInstanceSchema),
    /** Live ECS tasks (not STOPPED) of the cluster. */
    tasks: z.array(observedTaskSchema),
    /** Failed scaling activities of the last hour, newest first. */
    failures: z.array(scalingFailureSchema),
  }),
  z.object({ region: z.string(), ok: z.literal(false), error: z.string() }),
]);
export type RegionObservation = z.infer<typeof regionObservationSchema>;
export type SeenRegion = Extract<RegionObservation, { ok: true }>;

/** Placement scores and Spot prices, as last fetched (the `market` item). */
export const marketSchema = z.object({
  /** Score per region; null when none could be had (no answer, no usable cache). */
  scores: z.record(z.string(), z.number()).nullable(),
  scores_at: iso.nullable(),
  /** Cheapest current Spot price per region (USD/h); null when unknown. */
  prices: z.record(z.string(), z.number().nullable()),
  prices_at: iso.nullable(),
});
export type Market = z.infer<typeof marketSchema>;

/** Sort keys of signal items start with this (`signal#<event id>`). */
export const SIGNAL_PREFIX = 'signal#';

export const SIGNAL_KINDS = [
  'region-lost',
  'launch-failed',
  'launch-succeeded',
  'teardown-completed',
  'teardown-failed',
  'toggled',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** One fact a waker stored (`signal#<id>` item); the plan uses it only as a hint it can verify. */
export const signalSchema = z.object({
  id: z.string(),
  kind: z.enum(SIGNAL_KINDS),
  region: z.string().nullable(),
  intent: z.int().nullable(),
  instance_id: z.string().nullable(),
  /** Why: a Region Lost reason, a Launch Failed error, ... */
  reason: z.string().nullable(),
  at: iso,
});
export type Signal = z.infer<typeof signalSchema>;

/** The last request the hub sent a region. */
export const regionMemorySchema = z.object({
  intent: z.int().min(1),
  desired: desiredSchema,
  /** When this desired state was first asked (resends keep it: the launch budget counts from here). */
  since: iso,
  /** When the latest request carrying it was put on the bus; null while unsent. */
  sent_at: iso.nullable(),
  /** When the region was first observed with every wanted replica ready for this desired state. */
  ready_at: iso.nullable(),
});
export type RegionMemory = z.infer<typeof regionMemorySchema>;

export const moveSchema = z.object({ from: z.string(), to: z.string(), reason: z.string(), started_at: iso });
export type Move = z.infer<typeof moveSchema>;
export const lastMoveSchema = z.object({ from: z.string(), to: z.string(), reason: z.string(), at: iso });
export type LastMove = z.infer<typeof lastMoveSchema>;
export const placementSchema = z.object({ region: z.string(), lifecycle: z.enum(LIFECYCLES) });
export type Placement = z.infer<typeof placementSchema>;

/** What the Orchestrator remembers between cycles (in the `status` item, so it outlives executions). */
export const memorySchema = z.object({
  /** The next fence value; every request takes a new one, never reused. */
  next_intent: z.int().min(1),
  regions: z.record(z.string(), regionMemorySchema),
  exclusions: z.array(exclusionSchema),
  /** On-demand launches that failed: the region is skipped for on-demand (not for Spot) until `until`. */
  on_demand_failures: z.array(exclusionSchema),
  /** Instances a worker reported as going away (interruption warning, ...), until they are gone. */
  doomed: z.array(z.object({ instance_id: z.string(), region: z.string(), reason: z.string(), at: iso })),
  /** Where the plan serves from; null when nowhere (disabled, nothing qualifies). */
  home: placementSchema.nullable(),
  /** A make-before-break move in progress: `from` keeps its replicas until `to` has all of them ready. */
  move: moveSchema.nullable(),
  last_move: lastMoveSchema.nullable(),
  backoff: z.object({ attempt: z.int().min(0) }),
  /** When the next price-rebalance / revert-to-Spot checks are due. */
  checks: z.object({ rebalance_at: iso.nullable(), revert_at: iso.nullable() }),
  /** When each endpoint drained (weight 0) by the plan went to 0, by instance id (issue 14). */
  endpoint_drains: z.record(z.string(), iso).optional(),
  /** A fleet's risk memory (issue 13, `core/plan/fleet.ts`): capacity losses and failed launches of the last 24 h. */
  capacity_events: z
    .array(
      z.object({
        at: z.number(),
        region: z.string(),
        zone: z.string().nullable(),
        kind: z.enum(['interrupted', 'launch_failed']),
      }),
    )
    .optional(),
});
export type Memory = z.infer<typeof memorySchema>;

/** One instance as `GET /spot-instances` shows it (round 2 adds `region` and `ready`). */
export const viewInstanceSchema = instanceDetailSchema.extend({ region: z.string(), ready: z.boolean() });
export type ViewInstance = z.infer<typeof viewInstanceSchema>;

/** What the Orchestrator last decided to show (the `status` item's `view`). */
export const viewSchema = z.object({
  status: z.enum(STATUSES),
  region: z.string().nullable(),
  instances: z.array(viewInstanceSchema),
  excluded_regions: z.array(exclusionSchema),
  replicas: z.object({ target: z.int(), spare: z.int(), ready: z.int() }),
  regions: z.array(z.string()),
  last_move: lastMoveSchema.nullable(),
  endpoint: z.string().nullable(),
  updated_at: iso,
});
export type View = z.infer<typeof viewSchema>;

/** The `status` item (written only by the Orchestrator). */
export const statusItemSchema = z.object({
  version: z.int().min(0),
  /** The spec generation this status acted on. */
  generation: z.int().min(0),
  /**
   * The execution writing it (its run number `n` decides between two live runs: a later run takes over,
   * an earlier one that finds a later run's status stops); null once the Orchestrator exited.
   */
  orchestrator: z
    .object({ execution: z.string(), run: z.int().min(0), k: z.int().min(0).optional(), cycle: z.int() })
    .nullable(),
  view: viewSchema,
  memory: memorySchema,
  observed_at: iso,
});
export type StatusItem = z.infer<typeof statusItemSchema>;

/** Everything one cycle's Observe step saw. */
export const observationSchema = z.object({
  at: iso,
  spec: specSchema,
  /** Null before the first Orchestrator ever wrote one. */
  status: statusItemSchema.nullable(),
  signals: z.array(signalSchema),
  wakes: z.int().min(0),
  market: marketSchema,
  regions: z.array(regionObservationSchema),
  /** The stable endpoint's groups (issue 14); absent with endpoint "none". */
  endpoints: endpointsObservationSchema.optional(),
});
export type Observation = z.infer<typeof observationSchema>;

/** What Act carries out: hub -> worker requests, and the stable endpoint's updates (`core/plan/endpoints.ts`). */
export const actionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('request'),
    region: z.string(),
    intent: z.int().min(1),
    desired: desiredSchema,
    detail_type: z.enum([LAUNCH_REQUESTED, TEARDOWN_REQUESTED]),
    why: z.string(),
  }),
  ...endpointActionSchemas,
]);
export type Action = z.infer<typeof actionSchema>;
export type RequestAction = Extract<Action, { kind: 'request' }>;
export type EndpointUpdate = Exclude<Action, RequestAction>;
/** The hub -> worker requests among a plan's actions. */
export const requestsOf = (actions: readonly Action[]): RequestAction[] =>
  actions.filter((a): a is RequestAction => a.kind === 'request');

/** Plan's answer for one cycle. */
export const planSchema = z.object({
  actions: z.array(actionSchema),
  memory: memorySchema,
  view: viewSchema,
  /** The spec generation planned for (Act writes it into `status`). */
  generation: z.int().min(0),
  next_look_seconds: z.int().min(1),
  /** Disabled and observed empty everywhere: the run may end. */
  exit: z.boolean(),
  /** Signals absorbed into `memory`, deleted with the status write. */
  consumed: z.array(z.string()),
});
export type Plan = z.infer<typeof planSchema>;
