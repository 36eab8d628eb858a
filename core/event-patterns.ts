/**
 * The EventBridge patterns of a deployment, as data. The stacks deploy exactly these and LocalCloud
 * registers exactly these, so local routing cannot drift from what runs in AWS.
 */
import {
  instanceStateChange,
  launchUnsuccessful,
  rebalanceRecommendation,
  spotInterruptionWarning,
} from './events/aws.ts';
import { HUB_SOURCE, LAUNCH_REQUESTED, TEARDOWN_REQUESTED, WORKER_SOURCE } from './messages.ts';

/** Instance states that mean capacity is going away (the rule narrows; the classifier decides). */
export const LOSS_STATES = ['shutting-down', 'terminated', 'stopping'] as const;

const kind = (parser: { source: string; detailType: string }) => ({
  source: [parser.source],
  'detail-type': [parser.detailType],
});

/** Hub bus: every worker event of this deployment goes to the SpotCapacityHandler. */
export const workerEventsPattern = (prefix: string) => ({
  source: [WORKER_SOURCE],
  detail: { prefix: [prefix] },
});

/** The rules of one worker region (`hubToWorker` lives on the hub bus, AWS kinds on the default bus). */
export const workerPatterns = (prefix: string, region: string, asgName: string) => {
  const forThisRegion = { prefix: [prefix], target_region: [region] };
  return {
    hubToWorker: { source: [HUB_SOURCE], detail: forThisRegion },
    launchRequested: { source: [HUB_SOURCE], 'detail-type': [LAUNCH_REQUESTED], detail: forThisRegion },
    teardownRequested: { source: [HUB_SOURCE], 'detail-type': [TEARDOWN_REQUESTED], detail: forThisRegion },
    interruption: kind(spotInterruptionWarning),
    rebalance: kind(rebalanceRecommendation),
    stateChange: { ...kind(instanceStateChange), detail: { state: [...LOSS_STATES] } },
    launchUnsuccessful: { ...kind(launchUnsuccessful), detail: { AutoScalingGroupName: [asgName] } },
    toHub: workerEventsPattern(prefix),
  };
};
