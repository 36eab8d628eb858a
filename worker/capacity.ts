/**
 * The GPU capacity of one worker region: instance role and profile, security group, a launch template
 * (IMDSv2 required, the family's ECS-optimized AMI, the agent's user data) and a 100 % Spot Auto Scaling group
 * over several instance types with price-capacity-optimized allocation. Capacity Rebalancing is off: with it,
 * Auto Scaling launches a replacement and terminates the serving instance on a mere rebalance recommendation
 * (Amazon EC2 Auto Scaling User Guide, "Capacity Rebalancing"), behind the hub's back and without a task on the
 * replacement; the hub decides moves.
 */

import { AutoscalingGroup } from '@cdktn/provider-aws/lib/autoscaling-group/index.js';
import { DataAwsSsmParameter } from '@cdktn/provider-aws/lib/data-aws-ssm-parameter/index.js';
import { IamInstanceProfile } from '@cdktn/provider-aws/lib/iam-instance-profile/index.js';
import { LaunchTemplate } from '@cdktn/provider-aws/lib/launch-template/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktn/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { Fn } from 'cdktn';
import { Construct } from 'constructs';
import { ACCELERATOR_FAMILIES, type AcceleratorFamily } from '../core/accelerator.ts';
import { SCALE_IN_POLICIES, SUSPENDED_PROCESSES } from '../core/naming.ts';
import { ServiceRole, type Statement } from '../infra/iam.ts';
import { textWithReferences } from '../infra/template-text.ts';

/** AWS's public parameter for the latest ECS GPU-optimized Amazon Linux 2023 AMI (x86_64, NVIDIA driver). */
export const ECS_GPU_AMI_PARAMETER = ACCELERATOR_FAMILIES.nvidia.amiParameter;
/** The same for the ECS-optimized Neuron AMI (Neuron driver and runtime for Inferentia / Trainium). */
export const ECS_NEURON_AMI_PARAMETER = ACCELERATOR_FAMILIES.neuron.amiParameter;
/** The tag ECS puts on a capacity provider's group (and its instances). */
export const AMAZON_ECS_MANAGED_TAG = 'AmazonECSManaged';
/** ECS's managed policy for container instances (register, poll, pull from ECR, send logs). */
export const ECS_INSTANCE_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';

export interface GpuCapacityProps {
  provider: AwsProvider;
  prefix: string;
  region: string;
  asgName: string;
  vpcId: string;
  subnetIds: readonly string[];
  instanceTypes: readonly string[];
  /** Chooses the AMI: the ECS GPU-optimized AMI for NVIDIA, the ECS Neuron AMI for Inferentia / Trainium. */
  family: AcceleratorFamily;
  /** The group's `MaxSize` (`groupMaxSize`: the whole fleet, each replica with its replacement). */
  maxSize: number;
  userData: string;
  /** What the on-instance agent may do (its checkpoint prefix only). */
  agentStatements: readonly Statement[];
  rootVolumeGb?: number;
}

export class GpuCapacity extends Construct {
  readonly asgName: string;
  readonly asgArn: string;
  readonly securityGroupId: string;
  readonly instanceRoleName: string;
  readonly launchTemplateId: string;

  constructor(scope: Construct, id: string, props: GpuCapacityProps) {
    super(scope, id);
    const { provider, prefix, region } = props;
    const role = new ServiceRole(this, 'instance-role', {
      provider,
      roleName: `${prefix}-${region}-gpu-instance`,
      service: 'ec2.amazonaws.com',
      statements: props.agentStatements,
      managedPolicyArns: [ECS_INSTANCE_POLICY_ARN],
    });
    const profile = new IamInstanceProfile(this, 'profile', {
      provider,
      name: `${prefix}-${region}-gpu-instance`,
      role: role.name,
    });
    const sg = new SecurityGroup(this, 'sg', {
      provider,
      name: `${prefix}-gpu-instances`,
      description: 'spotplane GPU instances: no inbound, outbound for images, models and AWS APIs',
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupEgressRule(this, 'egress', {
      provider,
      securityGroupId: sg.id,
      description: 'Image pulls, model downloads, AWS APIs',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });
    const ami = new DataAwsSsmParameter(this, 'gpu-ami', {
      provider,
      name: ACCELERATOR_FAMILIES[props.family].amiParameter,
    });
    const template = new LaunchTemplate(this, 'template', {
      provider,
      name: `${prefix}-gpu`,
      imageId: ami.insecureValue,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [sg.id],
      userData: Fn.base64encode(textWithReferences(props.userData)),
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        // 2 hops: containers on the bridge network reach IMDS through the host.
        httpPutResponseHopLimit: 2,
        instanceMetadataTags: 'enabled',
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.rootVolumeGb ?? 200,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: `${prefix}-gpu`, 'spotplane:prefix': prefix } },
        { resourceType: 'volume', tags: { 'spotplane:prefix': prefix } },
      ],
    });
    const asg = new AutoscalingGroup(this, 'asg', {
      provider,
      name: props.asgName,
      minSize: 0,
      maxSize: props.maxSize,
      desiredCapacity: 0,
      vpcZoneIdentifier: [...props.subnetIds],
      capacityRebalance: false,
      terminationPolicies: SCALE_IN_POLICIES,
      // AZRebalance would terminate a serving replica to even the zones and launch one that gets no task (EC2 Auto
      // Scaling User Guide, "Suspend and resume Amazon EC2 Auto Scaling processes"): the hub places replicas.
      suspendedProcesses: SUSPENDED_PROCESSES,
      healthCheckType: 'EC2',
      healthCheckGracePeriod: 300,
      defaultInstanceWarmup: 300,
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: template.id, version: '$Latest' },
          override: props.instanceTypes.map((instanceType) => ({ instanceType })),
        },
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: 'price-capacity-optimized',
        },
      },
      tag: [
        { key: 'Name', value: `${prefix}-gpu`, propagateAtLaunch: true },
        { key: 'spotplane:prefix', value: prefix, propagateAtLaunch: true },
        // ECS adds this tag when the capacity provider is associated; declared here so that Terraform does not
        // remove it on the next apply (AWS provider docs, aws_ecs_capacity_provider: "This tag should be
        // included in the aws_autoscaling_group resource configuration").
        { key: AMAZON_ECS_MANAGED_TAG, value: 'true', propagateAtLaunch: true },
      ],
      // The Launch and Teardown state machines own the desired capacity (and may switch to on-demand).
      lifecycle: {
        ignoreChanges: ['desired_capacity', 'mixed_instances_policy[0].instances_distribution'],
      },
    });
    this.asgName = asg.name;
    this.asgArn = asg.arn;
    this.securityGroupId = sg.id;
    this.instanceRoleName = role.name;
    this.launchTemplateId = template.id;
  }
}
