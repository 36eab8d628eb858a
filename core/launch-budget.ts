/**
 * The one launch budget: how long a worker launch may take from the request to a healthy container, made of
 * the parts a launch goes through. The hub's launch timeout and the worker's poll bounds are both derived from
 * it, so they cannot disagree (a hub that gives up while its worker still waits strands capacity; a worker that
 * gives up first reports a failure the hub would have waited out).
 */

/**
 * The container health check the task definition deploys (`worker/ecs.ts`). ECS counts failures only after
 * `startPeriodSeconds` (300 s is the most ECS allows) and marks the container UNHEALTHY after `retries`
 * consecutive failures `intervalSeconds` apart; one passing check makes it HEALTHY (Amazon ECS API Reference,
 * "HealthCheck").
 */
export const HEALTH_CHECK = {
  intervalSeconds: 30,
  timeoutSeconds: 10,
  retries: 5,
  startPeriodSeconds: 300,
} as const;

/**
 * Request to a registered container instance: the group's launch activity, EC2 pending -> running (GPU
 * instances boot in one to two minutes), the NVIDIA driver, the agent's restore unit (ordered before
 * ecs.service: it fetches the last checkpoint from S3 first) and the ECS agent registering the instance.
 */
export const INSTANCE_READY_SECONDS = 300;

/** RunTask placement failures (an agent not connected yet, GPUs still taken) are retried with backoff within this. */
export const PLACEMENT_SECONDS = 120;

/**
 * How often a worker launch polls, and so sends its heartbeat (the launch machine's PollWait). RunTask waits for the
 * next poll after the ECS agent registers, so every replacement's cold start carries half of it on average (7.5 s at
 * 15 s, 2.5 s at 5 s; docs/DESIGN.md "Fleet figures" has what that did to availability). A poll costs six state
 * transitions and one heartbeat event.
 */
export const LAUNCH_POLL_SECONDS = 5;

/** Default time to pull the workload image onto a fresh instance: inference images are several GB. */
export const DEFAULT_IMAGE_PULL_SECONDS = 600;

export interface LaunchBudget {
  instanceReadySeconds: number;
  placementSeconds: number;
  imagePullSeconds: number;
  /** Container start until the health check must have passed: start period + interval x retries. */
  healthSeconds: number;
  /** The sum: the bound every part of spotplane applies to one launch. */
  totalSeconds: number;
}

/** What the budget reads from the configuration (a structural subset of `Config`). */
export interface LaunchBudgetInput {
  container: { imagePullSeconds: number };
  launchTimeoutSeconds?: number | undefined;
}

/** The parts of the launch budget computed from the configuration, before any `launchTimeoutSeconds` override. */
export function launchBudgetParts(config: LaunchBudgetInput): LaunchBudget {
  const healthSeconds = HEALTH_CHECK.startPeriodSeconds + HEALTH_CHECK.intervalSeconds * HEALTH_CHECK.retries;
  const parts = {
    instanceReadySeconds: INSTANCE_READY_SECONDS,
    placementSeconds: PLACEMENT_SECONDS,
    imagePullSeconds: config.container.imagePullSeconds,
    healthSeconds,
  };
  return {
    ...parts,
    totalSeconds:
      parts.instanceReadySeconds + parts.placementSeconds + parts.imagePullSeconds + parts.healthSeconds,
  };
}

/**
 * Seconds a launch may take, request to healthy container: instance ready + placement + image pull + health,
 * or `launchTimeoutSeconds` when the configuration sets a longer one (never shorter: the config refuses it).
 *
 * @example
 * launchBudgetSeconds(parseConfig({})); // 1470: 300 + 120 + 600 + 450
 */
export function launchBudgetSeconds(config: LaunchBudgetInput): number {
  return Math.max(launchBudgetParts(config).totalSeconds, config.launchTimeoutSeconds ?? 0);
}

/** "300 s instance ready + 120 s placement + 600 s image pull + 450 s health = 1470 s", for messages. */
export function describeLaunchBudget(budget: LaunchBudget): string {
  return `${budget.instanceReadySeconds} s instance ready + ${budget.placementSeconds} s placement + ${budget.imagePullSeconds} s image pull + ${budget.healthSeconds} s health = ${budget.totalSeconds} s`;
}
