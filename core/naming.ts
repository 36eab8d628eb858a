/**
 * Every name spotplane gives a resource, parameter, rule or event, derived from the prefix. Stacks,
 * Lambdas, state machines and LocalCloud all take names from here, so nothing is hard-coded twice.
 */

import type { LambdaName } from './registry.ts';

export const names = (prefix: string) => ({
  /** DynamoDB (hub region): the hub's state table (spec, status, signals, wake, market, runs). */
  stateTable: `${prefix}-state`,

  hubBus: `${prefix}-hub`,
  workerBus: `${prefix}-worker`,
  orchestratorStateMachine: `${prefix}-orchestrator`,
  launchStateMachine: `${prefix}-launch-instance`,
  capacityMonitorStateMachine: `${prefix}-capacity-monitor`,
  teardownStateMachine: `${prefix}-teardown-instance`,

  autoScalingGroup: `${prefix}-gpu`,
  ecsCluster: `${prefix}-cluster`,
  ecsTaskDefinition: `${prefix}-sglang`,
  ecsCapacityProvider: `${prefix}-gpu`,

  /** Hub rules: one forwarding hub->worker per worker region, one delivering worker events to the waker. */
  hubToWorkerRule: (region: string) => `${prefix}-to-${region}`,
  workerEventsRule: `${prefix}-worker-events`,
  /** Hub (default bus): the scheduled rule that runs the backstop. */
  backstopRule: `${prefix}-backstop`,
  /** Worker rules (in each worker region). */
  launchRequestRule: `${prefix}-launch-requested`,
  teardownRequestRule: `${prefix}-teardown-requested`,
  interruptionRule: `${prefix}-spot-interruption`,
  rebalanceRule: `${prefix}-rebalance`,
  stateChangeRule: `${prefix}-state-change`,
  launchUnsuccessfulRule: `${prefix}-launch-unsuccessful`,
  forwardToHubRule: `${prefix}-to-hub`,

  /** Lambda function names (hub and worker). */
  lambda: (fn: LambdaName) => `${prefix}-${fn}`,
});

export type Names = ReturnType<typeof names>;

/**
 * The worker's fence: the Auto Scaling group tag holding the highest request intent a worker execution accepted
 * (docs/DESIGN.md, "Fence and absolute desired state").
 */
export const INTENT_TAG = 'spotplane:intent';

/**
 * The worker group's `TerminationPolicies`. When the plan asks a region for fewer replicas, Auto Scaling picks
 * which instance goes (after the purchase option above its share and the fullest zone), and its `Default` picks the
 * one closest to its next billing hour: a ready replica launched 50 minutes ago before the pending one launched a
 * minute ago. `NewestInstance` releases the replica that serves least (the one still booting), which is what every
 * scale-in of the plan means: a hedge no longer needed, a replacement that lost the race (docs/DESIGN.md, "Swaps
 * inside a region").
 */
export const SCALE_IN_POLICIES = ['NewestInstance'];

/**
 * Auto Scaling processes the worker group runs with suspended. `AZRebalance` would move a serving replica: when the
 * group's zones become unbalanced (a zone without Spot capacity recovers, a scale-in leaves one zone fuller), Auto
 * Scaling launches an instance in the emptiest zone and then terminates one in the fullest (EC2 Auto Scaling User
 * Guide, "Suspend and resume Amazon EC2 Auto Scaling processes"; "Control which Auto Scaling instances terminate
 * during scale in", Rebalance Availability Zones). The one it terminates may host a ready replica, and the one it
 * launches gets no task: spotplane places its tasks itself. Suspended, scale-out and scale-in still balance zones.
 */
export const SUSPENDED_PROCESSES = ['AZRebalance'];

export { LAMBDA_NAMES, type LambdaName } from './registry.ts';
