/**
 * ECS for one worker region: the cluster, a capacity provider over the Auto Scaling group, and the
 * workload's task definition (the user's container with its accelerator, a health check on the
 * configured path, the EFS model cache and the agent's checkpoint directory mounted).
 */
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { EcsCapacityProvider } from '@cdktn/provider-aws/lib/ecs-capacity-provider/index.js';
import { EcsCluster } from '@cdktn/provider-aws/lib/ecs-cluster/index.js';
import { EcsClusterCapacityProviders } from '@cdktn/provider-aws/lib/ecs-cluster-capacity-providers/index.js';
import { EcsTaskDefinition } from '@cdktn/provider-aws/lib/ecs-task-definition/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';
import { type AcceleratorFamily, commonNeuronDevices } from '../core/accelerator.ts';
import { HEALTH_CHECK } from '../core/launch-budget.ts';
import { WORKLOAD_CONTAINER, type Workload } from '../core/workload.ts';
import { ServiceRole } from '../infra/iam.ts';
import { CHECKPOINT_DIR } from './user-data.ts';

/** Where Hugging Face (and so SGLang and vLLM) caches model weights inside the container. */
export const MODEL_CACHE_MOUNT = '/root/.cache/huggingface';
export const CHECKPOINT_MOUNT = '/checkpoints';

/** Host resources the workload container gets, whatever the image. */
export interface ContainerResources {
  /** Memory reserved for the container (MiB); the accelerator instances spotplane targets have 16 GiB or more. */
  memoryReservationMb: number;
  /** Shared memory inference servers' workers need (MiB). */
  sharedMemoryMb: number;
}

export const DEFAULT_RESOURCES: ContainerResources = {
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
  workload: Workload;
  /** The Auto Scaling group's instance types (a Neuron task maps the devices all of them have). */
  instanceTypes: readonly string[];
  resources: ContainerResources;
  logRetentionDays: number;
}

/**
 * How the container reaches its accelerator. NVIDIA: one GPU reserved through ECS's GPU resource
 * (the ECS GPU AMI's agent assigns it). Neuron: ECS on EC2 has no Neuron resource type, so the
 * `/dev/neuronN` devices are mapped in (Amazon ECS Developer Guide, "Example Neuron task
 * definitions", manual device specification), as many as every configured instance type has.
 */
export function acceleratorAccess(family: AcceleratorFamily, instanceTypes: readonly string[]) {
  if (family === 'nvidia') return { resourceRequirements: [{ type: 'GPU', value: '1' }], devices: [] };
  const count = commonNeuronDevices(instanceTypes);
  return {
    resourceRequirements: [],
    devices: Array.from({ length: count }, (_, i) => ({
      hostPath: `/dev/neuron${i}`,
      containerPath: `/dev/neuron${i}`,
      permissions: ['read', 'write'],
    })),
  };
}

/** The workload's container definition; exported so tests read the same value the stack deploys. */
export function workloadContainer(p: {
  workload: Workload;
  instanceTypes: readonly string[];
  resources: ContainerResources;
  logGroup: string;
  region: string;
}) {
  const { port, image, command, environment, healthCheckPath, family } = p.workload;
  const access = acceleratorAccess(family, p.instanceTypes);
  return {
    name: WORKLOAD_CONTAINER,
    image,
    essential: true,
    memoryReservation: p.resources.memoryReservationMb,
    ...(command ? { command } : {}),
    portMappings: [{ containerPort: port, hostPort: port, protocol: 'tcp' }],
    ...(access.resourceRequirements.length > 0 ? { resourceRequirements: access.resourceRequirements } : {}),
    linuxParameters: {
      sharedMemorySize: p.resources.sharedMemoryMb,
      ...(access.devices.length > 0 ? { devices: access.devices } : {}),
    },
    // The user's variables first, sorted (a stable task definition); spotplane's own names are reserved.
    environment: [
      ...Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      { name: 'SPOTPLANE_CHECKPOINT_DIR', value: CHECKPOINT_MOUNT },
    ],
    mountPoints: [
      { sourceVolume: 'model-cache', containerPath: MODEL_CACHE_MOUNT, readOnly: false },
      { sourceVolume: 'checkpoints', containerPath: CHECKPOINT_MOUNT, readOnly: false },
    ],
    // The launch budget (core/launch-budget.ts) counts on these values: model download, compile (Neuron) and
    // load get the longest grace ECS allows, then `retries` failed checks `interval` apart end it.
    healthCheck: {
      command: ['CMD-SHELL', `curl -fsS http://localhost:${port}${healthCheckPath} || exit 1`],
      interval: HEALTH_CHECK.intervalSeconds,
      timeout: HEALTH_CHECK.timeoutSeconds,
      retries: HEALTH_CHECK.retries,
      startPeriod: HEALTH_CHECK.startPeriodSeconds,
    },
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': p.logGroup,
        'awslogs-region': p.region,
        'awslogs-stream-prefix': WORKLOAD_CONTAINER,
      },
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
        workloadContainer({
          workload: props.workload,
          instanceTypes: props.instanceTypes,
          resources: props.resources,
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
