/**
 * ClassifyCapacityEvent (worker): the CapacityMonitor's first step. Parses the raw EventBridge event,
 * checks that an EC2 event concerns an instance of this deployment's ASG (DescribeAutoScalingInstances)
 * and returns the pure decision: REGION_LOST (tell the hub) or IGNORE.
 */
import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import middy from '@middy/core';
import { type CapacityDecision, classifyCapacityEvent, instanceToCheck } from '../../core/events/classify.ts';
import { parseEvent } from '../../core/events/index.ts';
import {
  countMetric,
  instrument,
  METRIC,
  makeObservability,
  type Observability,
} from '../shared/observability.ts';
import type { WorkerDeps } from '../shared/worker-deps.ts';

async function belongsToAsg(deps: WorkerDeps, instanceId: string): Promise<boolean> {
  const out = await deps.clients
    .autoScaling(deps.region)
    .send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }));
  return (out.AutoScalingInstances ?? []).some(
    (i) => i.InstanceId === instanceId && i.AutoScalingGroupName === deps.asgName,
  );
}

/**
 * Classifies one raw EventBridge event for the CapacityMonitor. Never throws for a bad or unknown event
 * (IGNORE); only the membership lookup's AWS errors propagate.
 *
 * @example
 * await classify(deps, obs, interruptionWarning); // { action: 'REGION_LOST', reason: 'SpotInterruption', instance_id: 'i-0abc' }
 */
export async function classify(
  deps: WorkerDeps,
  obs: Observability,
  raw: unknown,
): Promise<CapacityDecision> {
  const event = parseEvent(raw);
  if (event.kind === 'malformed') {
    obs.logger.warn('dropping malformed event', { issues: event.issues });
    countMetric(obs.metrics, METRIC.droppedEvents);
  }
  const options = {
    asgName: deps.asgName,
    useRebalanceRecommendation: deps.config.useRebalanceRecommendation,
  };
  const toCheck = instanceToCheck(event, options);
  const ours = toCheck === null ? false : await belongsToAsg(deps, toCheck);
  const decision = classifyCapacityEvent(event, options, ours);
  obs.logger.appendKeys({ instance: decision.instance_id ?? undefined });
  if (decision.action === 'REGION_LOST' && event.kind === 'spot-interruption-warning') {
    countMetric(obs.metrics, METRIC.interruptionWarnings);
  }
  obs.logger.info('capacity event classified', {
    kind: event.kind,
    instance: decision.instance_id,
    decision,
  });
  return decision;
}

/** The ClassifyCapacityEvent Lambda (middy + Powertools), logging with the worker region and ASG. */
export function makeHandler(deps: WorkerDeps) {
  const obs = deps.observability ?? makeObservability('classify-capacity-event');
  return middy<unknown, CapacityDecision>()
    .use(instrument(obs, { staticContext: { region: deps.region, asg: deps.asgName }, metrics: true }))
    .handler((event) => classify(deps, obs, event));
}
