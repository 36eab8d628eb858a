/**
 * The time bounds the invariants allow, each derived from the configuration and the loop's documented
 * timing (docs/DESIGN.md "Cycle timing", `core/plan/timing.ts`), never tuned to make a run pass.
 */
import type { Config } from '../../core/config.ts';
import {
  BUSY_LOOK_SECONDS,
  launchBudgetSeconds,
  STEADY_LOOK_SECONDS,
  TEARDOWN_BUDGET_SECONDS,
} from '../../core/plan/timing.ts';

/**
 * What one cycle itself takes besides its wait: Observe, Plan and Act (three Lambda invocations, cold
 * starts included, each making a few API calls per region) and the Step Functions transitions between
 * them. AWS latencies put this at a few seconds (emulator/latency.ts); 30 s leaves room for throttled
 * calls retried once with backoff.
 */
export const CYCLE_WORK_SECONDS = 30;

/**
 * Two Orchestrator executions may both show RUNNING only briefly: while one continues as the other (the
 * old one ends a transition after starting the new), or while a second one (a retried start, a start by
 * hand) has not yet made its first conditional status write, which ends it (`Superseded`, DESIGN "The
 * Orchestrator"): at most one cycle's work.
 */
export const ORCHESTRATOR_OVERLAP_SECONDS = CYCLE_WORK_SECONDS;

export interface Bounds {
  /** The documented lag of the API behind reality: one steady cycle and that cycle's own work. */
  lagMs: number;
  /**
   * Two regions may hold capacity at once only during a make-before-break move: the new region's launch
   * (at most the launch budget), one look that sees it ready, then the old region's teardown (at most
   * the teardown budget, after which the loop sends it again).
   */
  moveMs: number;
  /**
   * After disable + teardown, every region is empty within: a look (the toggle wakes the loop, but it
   * may be mid-cycle), the teardown budget, and one more look in case the teardown had to be resent.
   */
  teardownMs: number;
  /**
   * While enabled, RUNNING with a ready replica is reached within this of the moment some region became
   * eligible (qualifies, and any exclusion spotplane may have put on it has expired): a look (up to the
   * NOT_AVAILABLE backoff, `maxBackoffSeconds`), a launch within the launch budget, and the look that sees
   * it ready.
   */
  runningMs: number;
  /** How long spotplane may keep a region excluded after it failed or was interrupted. */
  exclusionMs: number;
  orchestratorOverlapMs: number;
}

export function boundsFor(config: Config): Bounds {
  const s = 1000;
  const lag = (STEADY_LOOK_SECONDS + CYCLE_WORK_SECONDS) * s;
  const busyLook = (BUSY_LOOK_SECONDS + CYCLE_WORK_SECONDS) * s;
  return {
    lagMs: lag,
    moveMs: launchBudgetSeconds(config) * s + busyLook + TEARDOWN_BUDGET_SECONDS * s + lag,
    teardownMs: lag + TEARDOWN_BUDGET_SECONDS * s + busyLook,
    runningMs: Math.max(lag, config.maxBackoffSeconds * s) + launchBudgetSeconds(config) * s + busyLook,
    exclusionMs: config.exclusionTtlSeconds * s,
    orchestratorOverlapMs: ORCHESTRATOR_OVERLAP_SECONDS * s,
  };
}
