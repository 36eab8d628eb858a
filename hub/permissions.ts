/**
 * What each hub Lambda may do, resource by resource. `"*"` appears only for EC2 calls that AWS does
 * not authorize per resource (GetSpotPlacementScores, DescribeSpotPriceHistory, DescribeInstances) and
 * for SendTask* on callback tokens.
 */
import type { Names } from '../core/naming.ts';
import type { arns } from '../infra/arns.ts';
import type { Statement } from '../infra/iam.ts';

export const HUB_LAMBDAS = [
  'region-finder',
  'state-store',
  'toggle-provisioning',
  'get-instance-details',
  'spot-capacity-handler',
] as const;
export type HubLambda = (typeof HUB_LAMBDAS)[number];

export interface HubPermissionContext {
  names: Names;
  hub: ReturnType<typeof arns>;
  /** The worker regions the hub reads instances from. */
  workerRegions: readonly string[];
}

export function hubLambdaStatements(ctx: HubPermissionContext): Record<HubLambda, Statement[]> {
  const { names: n, hub } = ctx;
  const state = hub.ssmParameter(n.stateParameter);
  const provisioning = hub.ssmParameter(n.provisioningParameter);
  const scoreCache = hub.ssmParameter(n.scoreCacheParameter);
  const orchestrator = hub.stateMachine(n.orchestratorStateMachine);
  const readWrite = (...parameters: string[]): Statement => ({
    actions: ['ssm:GetParameter', 'ssm:PutParameter'],
    resources: parameters,
  });
  const sendTask: Statement = {
    // Callback tokens of service-integration tasks have no resource IAM can name: AWS requires "*".
    actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
    resources: ['*'],
  };
  return {
    'region-finder': [
      {
        actions: ['ec2:GetSpotPlacementScores', 'ec2:DescribeSpotPriceHistory'],
        resources: ['*'],
      },
      { actions: ['ssm:GetParameter'], resources: [state, provisioning] },
      readWrite(scoreCache),
    ],
    // Releasing a superseded loss token (shared/loss.ts) completes the Orchestrator's waiting task.
    'state-store': [readWrite(state, provisioning), sendTask],
    'toggle-provisioning': [
      readWrite(state, provisioning),
      { actions: ['events:PutEvents'], resources: [hub.eventBus(n.hubBus)] },
      { actions: ['states:StartExecution', 'states:ListExecutions'], resources: [orchestrator] },
      { actions: ['states:StopExecution'], resources: [hub.executions(n.orchestratorStateMachine)] },
    ],
    'get-instance-details': [{ actions: ['ssm:GetParameter'], resources: [state, provisioning] }],
    'spot-capacity-handler': [readWrite(state, provisioning), sendTask],
  };
}
