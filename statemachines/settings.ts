/**
 * The placeholder values a state machine takes from the configuration rather than from resource names,
 * as strings (the form stacks pass). Spread them into the substitutions of `loadDefinition`.
 */
import type { Config } from '../core/config.ts';
import { launchBudgetSeconds } from '../core/launch-budget.ts';

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
    LaunchTimeoutSeconds: String(launchBudgetSeconds(config)),
    LaunchHeartbeatSeconds: String(config.launchHeartbeatSeconds),
    RevertCheckSeconds: String(config.revertCheckSeconds),
    LossCheckSeconds: String(LOSS_CHECK_SECONDS),
    MaxCycles: String(MAX_CYCLES),
    OnDemandFallback: String(config.onDemandFallback),
    WorkerRegions: config.workerRegions.join(','),
  };
}
