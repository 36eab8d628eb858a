/**
 * EventBridge for one worker region: its bus; the hub-side rule that forwards this region's requests
 * (filtered on `detail.target_region`); worker rules that start Launch / Teardown (filtered again);
 * AWS capacity signals into CapacityMonitor; and forwarding of worker events back to the hub bus.
 * Every cross-bus target has its own role allowed to put events on that one bus.
 */
import { CloudwatchEventBus } from '@cdktn/provider-aws/lib/cloudwatch-event-bus/index.js';
import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';
import { workerPatterns } from '../core/event-patterns.ts';
import type { Names } from '../core/naming.ts';
import { ServiceRole } from '../infra/iam.ts';

export interface WorkerEventsProps {
  provider: AwsProvider;
  hubProvider: AwsProvider;
  prefix: string;
  region: string;
  names: Names;
  asgName: string;
  hubBusArn: string;
  launchStateMachineArn: string;
  teardownStateMachineArn: string;
  capacityMonitorStateMachineArn: string;
  useRebalanceRecommendation: boolean;
}

export class WorkerEvents extends Construct {
  readonly busName: string;
  readonly busArn: string;
  readonly hubRuleName: string;

  constructor(scope: Construct, id: string, props: WorkerEventsProps) {
    super(scope, id);
    const { provider, hubProvider, prefix, region, names: n } = props;
    const p = workerPatterns(prefix, region, props.asgName);
    const bus = new CloudwatchEventBus(this, 'bus', { provider, name: n.workerBus });
    this.busName = bus.name;
    this.busArn = bus.arn;

    // Hub side (hub region): lives with the worker so it exists exactly as long as the worker bus does.
    const hubToWorkerRole = new ServiceRole(this, 'hub-to-worker-role', {
      provider: hubProvider,
      roleName: `${prefix}-${region}-from-hub`,
      service: 'events.amazonaws.com',
      statements: [{ actions: ['events:PutEvents'], resources: [bus.arn] }],
    });
    const hubRule = new CloudwatchEventRule(this, 'hub-to-worker', {
      provider: hubProvider,
      name: n.hubToWorkerRule(region),
      description: `spotplane ${prefix}: hub requests for ${region} only`,
      eventBusName: n.hubBus,
      eventPattern: JSON.stringify(p.hubToWorker),
      // Always on: a rule enabled on demand "might not" match at once (EventBridge User Guide), which would
      // drop the first request after an enable; nothing is sent while provisioning is off anyway.
      state: 'ENABLED',
    });
    this.hubRuleName = hubRule.name;
    new CloudwatchEventTarget(this, 'hub-to-worker-target', {
      provider: hubProvider,
      rule: hubRule.name,
      eventBusName: n.hubBus,
      targetId: 'worker-bus',
      arn: bus.arn,
      roleArn: hubToWorkerRole.arn,
    });

    const startRole = new ServiceRole(this, 'start-role', {
      provider,
      roleName: `${prefix}-${region}-events-start`,
      service: 'events.amazonaws.com',
      statements: [
        {
          actions: ['states:StartExecution'],
          resources: [
            props.launchStateMachineArn,
            props.teardownStateMachineArn,
            props.capacityMonitorStateMachineArn,
          ],
        },
      ],
    });
    const startOn = (
      ruleId: string,
      ruleName: string,
      busName: string | undefined,
      pattern: object,
      arn: string,
    ) => {
      const rule = new CloudwatchEventRule(this, ruleId, {
        provider,
        name: ruleName,
        eventBusName: busName,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `${ruleId}-target`, {
        provider,
        rule: rule.name,
        eventBusName: busName,
        targetId: 'state-machine',
        arn,
        roleArn: startRole.arn,
      });
    };
    startOn(
      'launch-requested',
      n.launchRequestRule,
      bus.name,
      p.launchRequested,
      props.launchStateMachineArn,
    );
    startOn(
      'teardown-requested',
      n.teardownRequestRule,
      bus.name,
      p.teardownRequested,
      props.teardownStateMachineArn,
    );
    // AWS service events arrive on the default bus only.
    const monitor = props.capacityMonitorStateMachineArn;
    startOn('interruption', n.interruptionRule, undefined, p.interruption, monitor);
    if (props.useRebalanceRecommendation)
      startOn('rebalance', n.rebalanceRule, undefined, p.rebalance, monitor);
    startOn('state-change', n.stateChangeRule, undefined, p.stateChange, monitor);
    startOn('launch-unsuccessful', n.launchUnsuccessfulRule, undefined, p.launchUnsuccessful, monitor);

    const toHubRole = new ServiceRole(this, 'to-hub-role', {
      provider,
      roleName: `${prefix}-${region}-to-hub`,
      service: 'events.amazonaws.com',
      statements: [{ actions: ['events:PutEvents'], resources: [props.hubBusArn] }],
    });
    const toHub = new CloudwatchEventRule(this, 'to-hub', {
      provider,
      name: n.forwardToHubRule,
      eventBusName: bus.name,
      eventPattern: JSON.stringify(p.toHub),
    });
    new CloudwatchEventTarget(this, 'to-hub-target', {
      provider,
      rule: toHub.name,
      eventBusName: bus.name,
      targetId: 'hub-bus',
      arn: props.hubBusArn,
      roleArn: toHubRole.arn,
    });
  }
}
