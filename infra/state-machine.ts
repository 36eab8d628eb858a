/**
 * A Standard state machine deployed from a `statemachines/` definition, with its own role (derived
 * from the definition), CloudWatch Logs (ALL, with execution data), X-Ray tracing and an alarm on
 * failed, timed-out or aborted executions.
 */
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { SfnStateMachine } from '@cdktn/provider-aws/lib/sfn-state-machine/index.js';
import { Construct } from 'constructs';
import { type AslPermissionContext, aslPermissions } from './asl-permissions.ts';
import { ServiceRole, type Statement, XRAY_WRITE } from './iam.ts';

/**
 * Log delivery for Step Functions goes through CloudWatch Logs' vended-log APIs, which have no resource
 * type: AWS documents `"*"` as the only resource they accept.
 */
export const SFN_LOG_DELIVERY: Statement = {
  actions: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ],
  resources: ['*'],
};

export interface StateMachineProps {
  provider: AwsProvider;
  name: string;
  /** Role names are global: include prefix and region. */
  roleName: string;
  /** The definition after placeholder substitution (Terraform references allowed inside strings). */
  definition: Record<string, unknown>;
  /** The machine's ARN built from its name (a Terraform reference to itself would be a cycle). */
  selfArn: string;
  permissions: Omit<AslPermissionContext, 'machine' | 'selfArn'>;
  logRetentionDays: number;
  /** Resources the machine must not be created before (e.g. the functions it invokes). */
  dependsOn?: Construct[];
}

export class StateMachine extends Construct {
  readonly arn: string;
  readonly name: string;
  readonly logGroupName: string;
  readonly statements: Statement[];

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      provider: props.provider,
      name: `/aws/vendedlogs/states/${props.name}`,
      retentionInDays: props.logRetentionDays,
    });
    this.statements = aslPermissions(props.definition, {
      ...props.permissions,
      machine: props.name,
      selfArn: props.selfArn,
    });
    const role = new ServiceRole(this, 'role', {
      provider: props.provider,
      roleName: props.roleName,
      service: 'states.amazonaws.com',
      statements: [...this.statements, SFN_LOG_DELIVERY, XRAY_WRITE],
    });
    const machine = new SfnStateMachine(this, 'machine', {
      provider: props.provider,
      name: props.name,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: JSON.stringify(props.definition),
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        logDestination: `${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      dependsOn: props.dependsOn as never,
    });
    const metrics = ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'];
    new CloudwatchMetricAlarm(this, 'failed-executions', {
      provider: props.provider,
      alarmName: `${props.name}-failed-executions`,
      alarmDescription: `Executions of ${props.name} failed, timed out or were aborted`,
      metricQuery: [
        ...metrics.map((metricName, i) => ({
          id: `m${i}`,
          returnData: false,
          metric: {
            namespace: 'AWS/States',
            metricName,
            dimensions: { StateMachineArn: machine.arn },
            period: 300,
            stat: 'Sum',
          },
        })),
        { id: 'unsuccessful', expression: metrics.map((_, i) => `m${i}`).join(' + '), returnData: true },
      ],
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    });
    this.arn = machine.arn;
    this.name = machine.name;
    this.logGroupName = logGroup.name;
  }
}
