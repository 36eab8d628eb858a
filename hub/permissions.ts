/**
 * What each hub Lambda may do, resource by resource. `"*"` appears only for calls AWS does not authorize
 * per resource (EC2 and Auto Scaling Describe* calls, GetSpotPlacementScores, DescribeSpotPriceHistory)
 * and for SendTaskSuccess on callback tokens.
 */
import type { Names } from '../core/naming.ts';
import { HUB_LAMBDAS, type HubLambda } from '../core/registry.ts';
import type { arns } from '../infra/arns.ts';
import type { Statement } from '../infra/iam.ts';

export { HUB_LAMBDAS, type HubLambda };

export interface HubPermissionContext {
  names: Names;
  hub: ReturnType<typeof arns>;
  /** ARN of the state table. */
  tableArn: string;
  /** The worker regions Observe reads, with the ARN builder of each. */
  workers: { region: string; arns: ReturnType<typeof arns> }[];
  /** The stable endpoint's group ARNs (none with endpoint "none"). */
  endpointGroups?: readonly string[];
}

export function hubLambdaStatements(ctx: HubPermissionContext): Record<HubLambda, Statement[]> {
  const { names: n, hub, tableArn } = ctx;
  const orchestrator = hub.stateMachine(n.orchestratorStateMachine);
  const table = (...actions: string[]): Statement => ({
    actions: actions.map((a) => `dynamodb:${a}`),
    resources: [tableArn],
  });
  const sendTask: Statement = {
    // Callback tokens of service-integration tasks have no resource IAM can name: AWS requires "*".
    actions: ['states:SendTaskSuccess'],
    resources: ['*'],
  };
  // Global Accelerator authorizes these per endpoint group (Service Authorization Reference, "Actions,
  // resources, and condition keys for AWS Global Accelerator": resource type endpointgroup).
  const groups = ctx.endpointGroups ?? [];
  const endpoint = (...actions: string[]): Statement[] =>
    groups.length > 0
      ? [{ actions: actions.map((a) => `globalaccelerator:${a}`), resources: [...groups] }]
      : [];
  const start: Statement = {
    actions: ['states:StartExecution', 'states:ListExecutions'],
    resources: [orchestrator],
  };
  return {
    observe: [
      table('Query', 'PutItem'),
      {
        actions: [
          'ec2:GetSpotPlacementScores',
          'ec2:DescribeSpotPriceHistory',
          'ec2:DescribeInstances',
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeScalingActivities',
        ],
        resources: ['*'],
      },
      // ListTasks has no resource of its own when listing a cluster: AWS scopes it by the ecs:cluster key.
      {
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': ctx.workers.map((w) => w.arns.ecsCluster(n.ecsCluster)) } },
      },
      {
        actions: ['ecs:DescribeContainerInstances'],
        resources: ctx.workers.map((w) => w.arns.ecsContainerInstances(n.ecsCluster)),
      },
      { actions: ['ecs:DescribeTasks'], resources: ctx.workers.map((w) => w.arns.ecsTasks(n.ecsCluster)) },
      ...endpoint('DescribeEndpointGroup'),
    ],
    plan: [],
    act: [
      // TransactWriteItems is authorized per contained action (status Put, spec ConditionCheck, signal Delete).
      table('PutItem', 'DeleteItem', 'ConditionCheckItem', 'UpdateItem'),
      { actions: ['events:PutEvents'], resources: [hub.eventBus(n.hubBus)] },
      sendTask,
      ...endpoint('AddEndpoints', 'UpdateEndpointGroup', 'RemoveEndpoints'),
    ],
    waker: [table('PutItem', 'UpdateItem'), sendTask],
    backstop: [table('GetItem', 'UpdateItem'), start],
    'toggle-provisioning': [table('GetItem', 'PutItem', 'UpdateItem'), start, sendTask],
    'get-instance-details': [table('GetItem')],
  };
}
