/**
 * How long the loop waits for things, in seconds (docs/DESIGN.md "Cycle timing"). Constants, not
 * configuration: they follow from AWS's behaviour and the cost budget, not from a user's preference.
 */

/** Nothing in flight: one look per 5 minutes keeps Step Functions near $1 / month. */
export const STEADY_LOOK_SECONDS = 300;
/** Something in flight (launch, teardown, move): look often enough to finish a move promptly. */
export const BUSY_LOOK_SECONDS = 20;
/** The shortest wait the plan asks for (a timer due "now" still waits this long). */
export const MIN_LOOK_SECONDS = 1;
/**
 * A request not visible on the ASG (fence tag, desired capacity) after this long is sent again with a
 * new intent: EventBridge delivery, a cross-region forward and a state machine start take seconds, but a
 * newly enabled rule or a throttled target may take longer, so this leaves room for both.
 */
export const ACK_TIMEOUT_SECONDS = 120;
/** A worker that took a request stops tasks before it changes the ASG: the ASG may lag the tag this long. */
export const APPLY_GRACE_SECONDS = 60;
/** A teardown that was taken but leaves instances or tasks after this long is sent again. */
export const TEARDOWN_BUDGET_SECONDS = 600;
/** While on Spot, how often the price-rebalance check runs (README: "checks prices every hour"). */
export const REBALANCE_CHECK_SECONDS = 3600;
/** Observe refreshes scores and prices older than this. */
export const MARKET_REFRESH_SECONDS = 900;
/** Doomed instances are forgotten after this long even when a region stays unknown. */
export const DOOMED_MEMORY_SECONDS = 3600;

/** The time a launch may take before its region is excluded (`LaunchTimeout`): the one launch budget. */
export { launchBudgetSeconds } from '../launch-budget.ts';

/**
 * How long a launch that failed on AWS's side (throttled, an internal or service error, an event EventBridge
 * would not take) keeps its region aside, instead of `exclusionTtlSeconds`: the region's capacity was never in
 * question, and AWS asks a throttled caller to back off and try again, not to stay away for half an hour.
 */
export const TRANSIENT_FAILURE_SECONDS = 120;

/** First wait when no region qualifies; each further attempt doubles it up to the configured cap. */
export const BASE_BACKOFF_SECONDS = 30;

/**
 * Exponential backoff for attempt 0, 1, 2, ...: 30 s, 60 s, 120 s, ... capped at `maxSeconds`.
 *
 * @example
 * nextBackoffSeconds(3, 600); // 240
 */
export function nextBackoffSeconds(attempt: number, maxSeconds: number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  return Math.min(maxSeconds, BASE_BACKOFF_SECONDS * 2 ** exponent);
}
