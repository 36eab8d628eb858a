/**
 * The placeholder values a state machine takes from the configuration rather than from resource names,
 * as strings (the form stacks pass). Spread them into the substitutions of `loadDefinition`.
 */

import { acceleratorFamily } from '../core/accelerator.ts';
import type { Config } from '../core/config.ts';
import { LAUNCH_POLL_SECONDS, launchBudgetSeconds, PLACEMENT_SECONDS } from '../core/launch-budget.ts';

/** The hub waits this long beyond the launch budget, so the worker's own timeout report reaches it first. */
export const LAUNCH_REPORT_SECONDS = 60;

/**
 * Cycles of one Orchestrator execution before it continues as a new one. A cycle writes about 21 history
 * events (Observe, Plan and Act tasks, the Loop choice, the Count pass), so 500 cycles stay far inside Step
 * Functions' 25,000-event limit; at the steady 300 s look that is one continuation per ~42 h.
 */
export const MAX_CYCLES = 500;
/** How long the loop pauses after a step failed (a Lambda crashed, a call was refused) before the next cycle. */
export const ERROR_PAUSE_SECONDS = 30;

/** The Orchestrator's configuration placeholders (its Lambda ARNs come from the registry). */
export function orchestratorSettings(_config: Config): Record<string, string> {
  return { MaxCycles: String(MAX_CYCLES), ErrorPauseSeconds: String(ERROR_PAUSE_SECONDS) };
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
