/** The local deployment must route events, and create its worker groups, exactly as the stacks deploy them to AWS. */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { workerEventsPattern, workerPatterns } from '../../core/event-patterns.ts';
import { deployment } from './e2e-harness.ts';

describe('local event wiring', () => {
  it('registers the shared event patterns on the buses the stacks use', async () => {
    const { plane } = await deployment({ useRebalanceRecommendation: true });
    const n = plane.names;
    const pattern = async (region: string, bus: string, rule: string) => {
      const out = await plane.cloud
        .clients()
        .eventBridge(region)
        .send(new DescribeRuleCommand({ Name: rule, EventBusName: bus }));
      return JSON.parse(out.EventPattern ?? 'null');
    };

    expect(await pattern('us-east-1', n.hubBus, n.workerEventsRule)).toEqual(
      workerEventsPattern('spotplane'),
    );
    const p = workerPatterns('spotplane', 'us-west-2', n.autoScalingGroup);
    expect(await pattern('us-east-1', n.hubBus, n.hubToWorkerRule('us-west-2'))).toEqual(p.hubToWorker);
    expect(await pattern('us-west-2', n.workerBus, n.launchRequestRule)).toEqual(p.launchRequested);
    expect(await pattern('us-west-2', n.workerBus, n.teardownRequestRule)).toEqual(p.teardownRequested);
    expect(await pattern('us-west-2', 'default', n.interruptionRule)).toEqual(p.interruption);
    expect(await pattern('us-west-2', 'default', n.rebalanceRule)).toEqual(p.rebalance);
    expect(await pattern('us-west-2', 'default', n.stateChangeRule)).toEqual(p.stateChange);
    expect(await pattern('us-west-2', 'default', n.launchUnsuccessfulRule)).toEqual(p.launchUnsuccessful);
    expect(await pattern('us-west-2', n.workerBus, n.forwardToHubRule)).toEqual(p.toHub);
  });
});

describe('local worker groups', () => {
  it('are created as the worker stack creates them: no Capacity Rebalancing, NewestInstance, AZRebalance suspended', async () => {
    const { plane } = await deployment();
    const out = await plane.cloud
      .clients()
      .autoScaling('us-west-2')
      .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [plane.names.autoScalingGroup] }));
    const group = out.AutoScalingGroups?.[0];

    expect(group?.CapacityRebalance).toBe(false);
    expect(group?.TerminationPolicies).toEqual(['NewestInstance']);
    expect(group?.SuspendedProcesses?.map((p) => p.ProcessName)).toEqual(['AZRebalance']);
  });
});
