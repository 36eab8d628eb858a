/**
 * ARNs built from names (see core/naming.ts), so stacks can grant and target resources that live in
 * another stack or region without cross-stack references: deploy order alone makes them exist.
 */

export interface ArnScope {
  region: string;
  /** Usually a Terraform reference to `aws_caller_identity.account_id`. */
  account: string;
}

export const arns = ({ region, account }: ArnScope) => ({
  eventBus: (name: string) => `arn:aws:events:${region}:${account}:event-bus/${name}`,
  rule: (bus: string, rule: string) => `arn:aws:events:${region}:${account}:rule/${bus}/${rule}`,
  stateMachine: (name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`,
  executions: (stateMachine: string) => `arn:aws:states:${region}:${account}:execution:${stateMachine}:*`,
  lambda: (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`,
  ssmParameter: (name: string) => `arn:aws:ssm:${region}:${account}:parameter${name}`,
  autoScalingGroup: (name: string) =>
    `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
  ecsCluster: (name: string) => `arn:aws:ecs:${region}:${account}:cluster/${name}`,
  ecsTasks: (cluster: string) => `arn:aws:ecs:${region}:${account}:task/${cluster}/*`,
  ecsContainerInstances: (cluster: string) =>
    `arn:aws:ecs:${region}:${account}:container-instance/${cluster}/*`,
  ecsTaskDefinition: (family: string) => `arn:aws:ecs:${region}:${account}:task-definition/${family}:*`,
  logGroup: (name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}`,
  iamRole: (name: string) => `arn:aws:iam::${account}:role/${name}`,
});

/** The checkpoint bucket's name: global, so it carries the account and the hub region. */
export const checkpointBucketName = (prefix: string, account: string, hubRegion: string) =>
  `${prefix}-ckpt-${account}-${hubRegion}`;
