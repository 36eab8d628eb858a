/**
 * ECS for one worker region: the cluster, a capacity provider over the GPU Auto Scaling group, and the
 * SGLang task definition (GPU reserved, container health check, the EFS model cache and the agent's
 * checkpoint directory mounted).
 */
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { EcsCapacityProvider } from '@cdktn/provider-aws/lib/ecs-capacity-provider/index.js';
import { EcsCluster } from '@cdktn/provider-aws/lib/ecs-cluster/index.js';
import { EcsClusterCapacityProviders } from '@cdktn/provider-aws/lib/ecs-cluster-capacity-providers/index.js';
import { EcsTaskDefinition } from '@cdktn/provider-aws/lib/ecs-task-definition/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';
import type { Config } from '../core/config.ts';
import { ServiceRole } from '../infra/iam.ts';
import { CHECKPOINT_DIR } from './user-data.ts';

/** Where Hugging Face (and so SGLang) caches model weights inside the container. */
export const MODEL_CACHE_MOUNT = '/root/.cache/huggingface';
export const CHECKPOINT_MOUNT = '/checkpoints';

export interface SglangOptions {
  /** Hugging Face model id or path SGLang serves. */
  modelPath: string;
  /** Memory reserved for the container (MiB); GPU instances spotplane targets have 16 GiB or more. */
  memoryReservationMb: number;
  /** Shared memory SGLang's workers need (MiB). */
  sharedMemoryMb: number;
}

export const DEFAULT_SGLANG: SglangOptions = {
  modelPath: 'Qwen/Qwen2.5-1.5B-Instruct',
  memoryReservationMb: 12_288,
  sharedMemoryMb: 4096,
};

export interface WorkerEcsProps {
  provider: AwsProvider;
  prefix: string;
  region: string;
  clusterName: string;
  capacityProviderName: string;
  family: string;
  asgArn: string;
  fileSystemId: string;
  container: Config['container'];
  sglang: SglangOptions;
  logRetentionDays: number;
}

/** The SGLang container definition; exported so tests read the same value the stack deploys. */
export function sglangContainer(p: {
  container: Config['container'];
  sglang: SglangOptions;
  logGroup: string;
  region: string;
}) {
  const { port, image, healthCheckPath } = p.container;
  return {
    name: 'sglang',
    image,
    essential: true,
    memoryReservation: p.sglang.memoryReservationMb,
    command: [
      'python3',
      '-m',
      'sglang.launch_server',
      '--model-path',
      p.sglang.modelPath,
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
    ],
    portMappings: [{ containerPort: port, hostPort: port, protocol: 'tcp' }],
    resourceRequirements: [{ type: 'GPU', value: '1' }],
    linuxParameters: { sharedMemorySize: p.sglang.sharedMemoryMb },
    environment: [{ name: 'SPOTPLANE_CHECKPOINT_DIR', value: CHECKPOINT_MOUNT }],
    mountPoints: [
      { sourceVolume: 'model-cache', containerPath: MODEL_CACHE_MOUNT, readOnly: false },
      { sourceVolume: 'checkpoints', containerPath: CHECKPOINT_MOUNT, readOnly: false },
    ],
    healthCheck: {
      command: ['CMD-SHELL', `curl -fsS http://localhost:${port}${healthCheckPath} || exit 1`],
      interval: 30,
      timeout: 10,
      retries: 5,
      // Model download and load: the longest grace ECS allows.
      startPeriod: 300,
    },
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': p.logGroup, 'awslogs-region': p.region, 'awslogs-stream-prefix': 'sglang' },
    },
  };
}

export class WorkerEcs extends Construct {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly executionRoleArn: string;

  constructor(scope: Construct, id: string, props: WorkerEcsProps) {
    super(scope, id);
    const { provider, prefix, region } = props;
    const cluster = new EcsCluster(this, 'cluster', {
      provider,
      name: props.clusterName,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    // Scaling stays with the state machines (desired capacity), so ECS neither scales nor protects instances.
    const capacityProvider = new EcsCapacityProvider(this, 'capacity-provider', {
      provider,
      name: props.capacityProviderName,
      autoScalingGroupProvider: {
        autoScalingGroupArn: props.asgArn,
        managedTerminationProtection: 'DISABLED',
        managedScaling: { status: 'DISABLED' },
      },
    });
    new EcsClusterCapacityProviders(this, 'cluster-capacity', {
      provider,
      clusterName: cluster.name,
      capacityProviders: [capacityProvider.name],
      defaultCapacityProviderStrategy: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
    });
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      provider,
      name: `/ecs/${props.family}`,
      retentionInDays: props.logRetentionDays,
    });
    const executionRole = new ServiceRole(this, 'execution-role', {
      provider,
      roleName: `${prefix}-${region}-sglang-exec`,
      service: 'ecs-tasks.amazonaws.com',
      statements: [
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
      ],
    });
    const task = new EcsTaskDefinition(this, 'sglang', {
      provider,
      family: props.family,
      requiresCompatibilities: ['EC2'],
      networkMode: 'bridge',
      executionRoleArn: executionRole.arn,
      containerDefinitions: JSON.stringify([
        sglangContainer({
          container: props.container,
          sglang: props.sglang,
          logGroup: logGroup.name,
          region,
        }),
      ]),
      volume: [
        {
          name: 'model-cache',
          efsVolumeConfiguration: {
            fileSystemId: props.fileSystemId,
            rootDirectory: '/',
            transitEncryption: 'ENABLED',
          },
        },
        { name: 'checkpoints', hostPath: CHECKPOINT_DIR },
      ],
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.taskDefinitionArn = task.arn;
    this.family = task.family;
    this.executionRoleArn = executionRole.arn;
  }
}
