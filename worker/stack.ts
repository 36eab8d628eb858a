/**
 * One worker region: network, model cache, GPU capacity, ECS, the worker Lambdas, the Launch,
 * CapacityMonitor and Teardown state machines, and the events that connect them to the hub.
 */
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity/index.js';
import { TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { acceleratorFamily } from '../core/accelerator.ts';
import { type Config, groupMaxSize } from '../core/config.ts';
import { type Names, names } from '../core/naming.ts';
import { WORKLOAD_CONTAINER, workload } from '../core/workload.ts';
import { arns, checkpointBucketName } from '../infra/arns.ts';
import type { Artifacts } from '../infra/artifacts.ts';
import { CHECKPOINT_PREFIX } from '../infra/bucket-layout.ts';
import { loadMachine, type MachineKey } from '../infra/definitions.ts';
import type { Statement } from '../infra/iam.ts';
import { nodeFunctions } from '../infra/node-function.ts';
import { StateMachine } from '../infra/state-machine.ts';
import { configureTerraform, regionProvider } from '../infra/terraform.ts';
import { orchestratorSettings, workerSettings } from '../statemachines/settings.ts';
import { GpuCapacity } from './capacity.ts';
import { type ContainerResources, DEFAULT_RESOURCES, WorkerEcs } from './ecs.ts';
import { WorkerEvents } from './events.ts';
import { ModelCache } from './model-cache.ts';
import { WorkerNetwork } from './network.ts';
import { ServingAccess } from './serving-access.ts';
import { userDataScript } from './user-data.ts';

export const LOG_RETENTION_DAYS = 30;

export const WORKER_LAMBDAS = [
  'get-instance-from-asg',
  'asg-launch-status',
  'classify-capacity-event',
] as const;
export type WorkerLambda = (typeof WORKER_LAMBDAS)[number];

export interface WorkerStackProps {
  config: Config;
  region: string;
  artifacts: Artifacts;
  statePath: string;
  /** The user's subnets in this region; omitted = a VPC is created. */
  subnetIds?: readonly string[];
  resources?: Partial<ContainerResources>;
}

/** What each worker Lambda may do; Describe* calls of Auto Scaling and EC2 have no resource-level permissions. */
export const workerLambdaStatements = (
  here: ReturnType<typeof arns>,
  n: Names,
): Record<WorkerLambda, Statement[]> => ({
  'get-instance-from-asg': [
    { actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'], resources: ['*'] },
  ],
  'asg-launch-status': [
    {
      // DescribeInstances: each instance's purchase option when a request shrinks the group (its surplus).
      actions: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeScalingActivities',
        'ec2:DescribeInstances',
      ],
      resources: ['*'],
    },
    // Registered container instances and spotplane's tasks of the worker's own cluster.
    { actions: ['ecs:ListContainerInstances'], resources: [here.ecsCluster(n.ecsCluster)] },
    { actions: ['ecs:DescribeContainerInstances'], resources: [here.ecsContainerInstances(n.ecsCluster)] },
    {
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': here.ecsCluster(n.ecsCluster) } },
    },
    { actions: ['ecs:DescribeTasks'], resources: [here.ecsTasks(n.ecsCluster)] },
  ],
  'classify-capacity-event': [{ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }],
});

const LAMBDA_PLACEHOLDER: Record<WorkerLambda, string> = {
  'get-instance-from-asg': 'GetInstanceFromAsgArn',
  'asg-launch-status': 'AsgLaunchStatusArn',
  'classify-capacity-event': 'ClassifyCapacityEventArn',
};

export class WorkerStack extends TerraformStack {
  readonly asgName: string;
  readonly clusterName: string;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id);
    const { config, region, artifacts } = props;
    const { prefix, hubRegion } = config;
    const n = names(prefix);
    configureTerraform(this, props.statePath);
    const provider = regionProvider(this, region, prefix);
    // The hub-side rule for this region needs the hub region's provider; with --hub-as-worker they coincide.
    const hubProvider = region === hubRegion ? provider : regionProvider(this, hubRegion, prefix);
    const account = new DataAwsCallerIdentity(this, 'account', { provider }).accountId;
    const here = arns({ region, account });
    const hub = arns({ region: hubRegion, account });
    const bucketName = checkpointBucketName(prefix, account, hubRegion);
    const bucketArn = `arn:aws:s3:::${bucketName}`;

    const network = new WorkerNetwork(this, 'network', { provider, prefix, subnetIds: props.subnetIds });
    const capacity = new GpuCapacity(this, 'capacity', {
      provider,
      prefix,
      region,
      asgName: n.autoScalingGroup,
      vpcId: network.vpcId,
      subnetIds: network.subnetIds,
      instanceTypes: config.instanceTypes,
      family: acceleratorFamily(config.instanceTypes),
      maxSize: groupMaxSize(config),
      userData: userDataScript({
        clusterName: n.ecsCluster,
        bucketName,
        bucketRegion: hubRegion,
        jobId: prefix,
        checkpointPrefix: CHECKPOINT_PREFIX,
        useRebalanceRecommendation: config.useRebalanceRecommendation,
        gpuSupport: acceleratorFamily(config.instanceTypes) === 'nvidia',
      }),
      agentStatements: [
        {
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [`${bucketArn}/${CHECKPOINT_PREFIX}/*`],
        },
        {
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${CHECKPOINT_PREFIX}/*`, `${CHECKPOINT_PREFIX}/`] } },
        },
        { actions: ['s3:GetObject'], resources: [`${bucketArn}/agent/*`] },
      ],
    });
    new ServingAccess(this, 'serving-access', {
      provider,
      region,
      securityGroupId: capacity.securityGroupId,
      port: config.container.port,
      allowedCidrs: config.allowedCidrs,
      globalAccelerator: config.endpoint === 'global-accelerator',
    });
    const cache = new ModelCache(this, 'model-cache', {
      provider,
      prefix,
      vpcId: network.vpcId,
      subnetPerZone: network.subnetPerZone,
      clientSecurityGroupId: capacity.securityGroupId,
    });
    const ecs = new WorkerEcs(this, 'ecs', {
      provider,
      prefix,
      region,
      clusterName: n.ecsCluster,
      capacityProviderName: n.ecsCapacityProvider,
      family: n.ecsTaskDefinition,
      asgArn: capacity.asgArn,
      fileSystemId: cache.fileSystemId,
      workload: workload(config),
      instanceTypes: config.instanceTypes,
      resources: { ...DEFAULT_RESOURCES, ...props.resources },
      logRetentionDays: LOG_RETENTION_DAYS,
    });

    const statements = workerLambdaStatements(here, n);
    const functions = nodeFunctions(this, WORKER_LAMBDAS, {
      provider,
      bundles: artifacts.bundles,
      names: n,
      prefix,
      region,
      config,
      statements,
      environment: { ASG_NAME: n.autoScalingGroup, ECS_CLUSTER: n.ecsCluster },
      logRetentionDays: LOG_RETENTION_DAYS,
    });
    const functionArn = (name: WorkerLambda) => functions.get(name)?.arn ?? here.lambda(n.lambda(name));

    const workerBusArn = here.eventBus(n.workerBus);
    const substitutions: Record<string, string> = {
      ...orchestratorSettings(config),
      ...workerSettings(config),
      Prefix: prefix,
      Region: region,
      HubRegion: hubRegion,
      HubBusName: n.hubBus,
      HubBusArn: hub.eventBus(n.hubBus),
      WorkerBusName: n.workerBus,
      AsgName: n.autoScalingGroup,
      ClusterName: n.ecsCluster,
      CapacityProviderName: n.ecsCapacityProvider,
      TaskDefinition: ecs.taskDefinitionArn,
      TaskDefinitionFamily: n.ecsTaskDefinition,
      ContainerName: WORKLOAD_CONTAINER,
      Subnets: network.subnetIds.join(','),
      ...Object.fromEntries(WORKER_LAMBDAS.map((name) => [LAMBDA_PLACEHOLDER[name], functionArn(name)])),
    };
    const passRoles = [ecs.executionRoleArn];
    const grants = {
      'autoscaling:UpdateAutoScalingGroup': [capacity.asgArn],
      'autoscaling:SetDesiredCapacity': [capacity.asgArn],
      // A failed launch gives back the instances without a healthy task by name (LaunchInstance's TakeInstances).
      'autoscaling:TerminateInstanceInAutoScalingGroup': [capacity.asgArn],
      'autoscaling:DescribeAutoScalingGroups': ['*'],
      'autoscaling:DescribeAutoScalingInstances': ['*'],
      'autoscaling:DescribeScalingActivities': ['*'],
      // The fence: DescribeTags has no resource-level permissions; the tag is written on this group only.
      'autoscaling:DescribeTags': ['*'],
      'autoscaling:CreateOrUpdateTags': [capacity.asgArn],
      'ec2:DescribeInstances': ['*'],
      'ecs:RunTask': [here.ecsTaskDefinition(n.ecsTaskDefinition)],
      'ecs:StartTask': [here.ecsTaskDefinition(n.ecsTaskDefinition)],
      'iam:PassRole': passRoles,
      'ecs:StopTask': [here.ecsTasks(n.ecsCluster)],
      'ecs:DescribeTasks': [here.ecsTasks(n.ecsCluster)],
      // ListTasks has no resource of its own when listing a cluster: AWS scopes it by the ecs:cluster key.
      'ecs:ListTasks': { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': ecs.clusterArn } } },
      'ecs:ListContainerInstances': [here.ecsCluster(n.ecsCluster)],
      'ecs:DescribeContainerInstances': [here.ecsContainerInstances(n.ecsCluster)],
    };
    const machine = (key: MachineKey, name: string, roleSuffix: string): string => {
      const definition = loadMachine(artifacts.rootDir, artifacts.loadDefinition, key, substitutions);
      if (!definition) return here.stateMachine(name);
      return new StateMachine(this, key, {
        provider,
        name,
        roleName: `${prefix}-${region}-${roleSuffix}`,
        definition,
        selfArn: here.stateMachine(name),
        permissions: {
          busArn: (bus) =>
            bus === n.workerBus ? workerBusArn : bus === n.hubBus ? hub.eventBus(bus) : here.eventBus(bus),
          grants,
        },
        logRetentionDays: LOG_RETENTION_DAYS,
        dependsOn: [...functions.values()],
      }).arn;
    };
    const launchArn = machine('launch', n.launchStateMachine, 'launch-sfn');
    const monitorArn = machine('capacityMonitor', n.capacityMonitorStateMachine, 'monitor-sfn');
    const teardownArn = machine('teardown', n.teardownStateMachine, 'teardown-sfn');

    new WorkerEvents(this, 'events', {
      provider,
      hubProvider,
      prefix,
      region,
      names: n,
      asgName: n.autoScalingGroup,
      hubBusArn: hub.eventBus(n.hubBus),
      launchStateMachineArn: launchArn,
      teardownStateMachineArn: teardownArn,
      capacityMonitorStateMachineArn: monitorArn,
      useRebalanceRecommendation: config.useRebalanceRecommendation,
    });

    this.asgName = capacity.asgName;
    this.clusterName = ecs.clusterName;
    new TerraformOutput(this, 'prefix', { value: prefix });
    new TerraformOutput(this, 'region', { value: region });
    new TerraformOutput(this, 'asg_name', { value: capacity.asgName });
    new TerraformOutput(this, 'cluster_name', { value: ecs.clusterName });
  }
}
