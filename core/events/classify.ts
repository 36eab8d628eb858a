/**
 * The CapacityMonitor's pure decision: does this AWS event mean the worker region has lost its
 * capacity? Only events about this deployment's own ASG count — the old system failed over on any
 * instance in the account.
 */
import { launchErrorFromMessage } from '../launch-status.ts';
import type { Ec2InstanceState, ParsedEvent } from './types.ts';

export type CapacityDecision = {
  action: 'REGION_LOST' | 'IGNORE';
  reason: string;
  instance_id: string | null;
};

export interface ClassifyOptions {
  asgName: string;
  useRebalanceRecommendation: boolean;
}

const LOSS_STATES: ReadonlySet<Ec2InstanceState> = new Set([
  'shutting-down',
  'terminated',
  'stopping',
  'stopped',
]);

const ignore = (reason: string, instanceId: string | null = null): CapacityDecision => ({
  action: 'IGNORE',
  reason,
  instance_id: instanceId,
});

/**
 * The instance whose ASG membership must be looked up before deciding, or null when the event alone
 * decides (so no AWS call is made for events that would be ignored anyway).
 */
export function instanceToCheck(event: ParsedEvent, options: ClassifyOptions): string | null {
  switch (event.kind) {
    case 'spot-interruption-warning':
      return event.instanceId;
    case 'rebalance-recommendation':
      return options.useRebalanceRecommendation ? event.instanceId : null;
    case 'instance-state-change':
      return LOSS_STATES.has(event.state) ? event.instanceId : null;
    default:
      return null;
  }
}

/**
 * @param isOurInstance result of the membership lookup for `instanceToCheck(event)`; ignored otherwise.
 */
export function classifyCapacityEvent(
  event: ParsedEvent,
  options: ClassifyOptions,
  isOurInstance = false,
): CapacityDecision {
  switch (event.kind) {
    case 'malformed':
      return ignore('MALFORMED_EVENT');
    case 'unknown':
      return ignore('UNKNOWN_EVENT');
    case 'spot-interruption-warning':
      return isOurInstance
        ? { action: 'REGION_LOST', reason: 'SpotInterruption', instance_id: event.instanceId }
        : ignore('NOT_OUR_INSTANCE', event.instanceId);
    case 'rebalance-recommendation':
      if (!options.useRebalanceRecommendation) return ignore('REBALANCE_DISABLED', event.instanceId);
      return isOurInstance
        ? { action: 'REGION_LOST', reason: 'RebalanceRecommendation', instance_id: event.instanceId }
        : ignore('NOT_OUR_INSTANCE', event.instanceId);
    case 'instance-state-change': {
      if (!LOSS_STATES.has(event.state)) return ignore('STATE_NOT_A_LOSS', event.instanceId);
      if (!isOurInstance) return ignore('NOT_OUR_INSTANCE', event.instanceId);
      const reason =
        event.state === 'stopping' || event.state === 'stopped' ? 'InstanceStopped' : 'InstanceTerminated';
      return { action: 'REGION_LOST', reason, instance_id: event.instanceId };
    }
    case 'launch-unsuccessful':
      if (event.autoScalingGroupName !== options.asgName) return ignore('NOT_OUR_ASG', event.instanceId);
      return {
        action: 'REGION_LOST',
        // The EC2 error code is the useful reason: it is what the hub records against the region.
        reason: launchErrorFromMessage(event.statusMessage),
        instance_id: event.instanceId,
      };
    default:
      return ignore('NOT_A_CAPACITY_EVENT');
  }
}
