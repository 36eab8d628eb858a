/**
 * The placeholder values a state machine takes from the configuration rather than from resource names,
 * as strings (the form stacks pass). Spread them into the substitutions of `loadDefinition`.
 */

import { acceleratorFamily } from '../core/accelerator.ts';
import type { Config } from '../core/config.ts';
import { LAUNCH_POLL_SECONDS, launchBudgetSeconds, PLACEMENT_SECONDS } from '../core/launch-budget.ts';

/** The hub waits this long beyond the launch budget, so the worker's own timeout report reaches it first. */
export const LAUNCH_REPORT_SECONDS = 60;

/** How long the Orchestrator waits for a region loss before it re-checks provisioning (no tight polling). */
export const LOSS_CHECK_SECONDS = 3600;
/**
 * Loop cycles of one Orchestrator execution before it continues as a new one. A cycle writes at most a
 * few hundred history events (a failover trying on-demand in every region), so 50 stays well inside
 * Step Functions' 25,000-event limit; steady RUNNING makes one cycle per LOSS_CHECK_SECONDS.
 */
export const MAX_CYCLES = 50;

export function orchestratorSettings(config: Config): Record<string, string> {
  return {
    TargetCapacity: String(config.targetCapacity),
    LaunchTimeoutSeconds: String(launchBudgetSeconds(config) + LAUNCH_REPORT_SECONDS),
    LaunchHeartbeatSeconds: String(config.launchHeartbeatSeconds),
    RevertCheckSeconds: String(config.revertCheckSeconds),
    LossCheckSeconds: String(LOSS_CHECK_SECONDS),
    MaxCycles: String(MAX_CYCLES),
    OnDemandFallback: String(config.onDemandFallback),
    WorkerRegions: config.workerRegions.join(','),
  };
}

/**
 * The placeholder values the worker machines take from the configuration. The launch's poll bound comes from
 * the one launch budget (`core/launch-budget.ts`): polls x LAUNCH_POLL_SECONDS plus the placement backoffs stay
 * within it, so the worker reports a timeout before the hub (which waits the budget plus LAUNCH_REPORT_SECONDS)
 * gives up on it.
 */
export function workerSettings(config: Config): Record<string, string> {
  const budget = launchBudgetSeconds(config);
  return {
    LaunchBudgetSeconds: String(budget),
    LaunchPollLimit: String(Math.floor((budget - PLACEMENT_SECONDS) / LAUNCH_POLL_SECONDS)),
    TaskGpus: String(acceleratorFamily(config.instanceTypes) === 'nvidia' ? 1 : 0),
  };
}
