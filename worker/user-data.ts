/**
 * The instance boot script: joins the ECS cluster (with GPU support on NVIDIA), then installs the on-instance
 * agent with the agent's own installer (`agent/packaging.ts`: bundle from S3, config, systemd units
 * for restore-before-workload and the interruption watcher). The agent config is validated here, at
 * synth, with the agent's schema whenever its values are literal.
 */
import { type AgentConfig, parseAgentConfig } from '../agent/config.ts';
import { agentUserData } from '../agent/packaging.ts';
import { AGENT_OBJECT_KEY } from '../infra/bucket-layout.ts';
/** Host directory the agent checkpoints and restores; the workload container mounts it. */
export const CHECKPOINT_DIR = '/var/lib/spotplane/checkpoints';

export interface UserDataOptions {
  clusterName: string;
  /** Literal name, or a Terraform reference resolved at plan time. */
  bucketName: string;
  bucketRegion: string;
  jobId: string;
  checkpointPrefix: string;
  useRebalanceRecommendation: boolean;
  /** NVIDIA GPUs: the ECS agent must expose them as a task resource (Neuron devices are mapped instead). */
  gpuSupport: boolean;
}

export function agentConfig(o: UserDataOptions): AgentConfig {
  return {
    job_id: o.jobId,
    s3_bucket: o.bucketName,
    s3_prefix: o.checkpointPrefix,
    checkpoint_dir: CHECKPOINT_DIR,
    lock_file: '/run/spotplane/agent.lock',
    deadline_seconds: 60,
    poll_interval_seconds: 2,
    use_rebalance_recommendation: o.useRebalanceRecommendation,
    region: o.bucketRegion,
  };
}

/** The shell script, before base64. */
export function userDataScript(o: UserDataOptions): string {
  const config = agentConfig(o);
  if (!o.bucketName.includes('${')) parseAgentConfig(config);
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `echo "ECS_CLUSTER=${o.clusterName}" >> /etc/ecs/ecs.config`,
    ...(o.gpuSupport ? ['echo "ECS_ENABLE_GPU_SUPPORT=true" >> /etc/ecs/ecs.config'] : []),
    'echo "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" >> /etc/ecs/ecs.config',
    `mkdir -p ${CHECKPOINT_DIR} /run/spotplane`,
    // The ECS GPU AMI is built on AL2023 minimal, which has no AWS CLI; the agent installer needs it.
    'command -v aws >/dev/null 2>&1 || dnf install -y awscli-2',
    // The bucket lives in the hub region.
    `export AWS_DEFAULT_REGION=${o.bucketRegion}`,
    agentUserData({
      config,
      bundleS3Uri: `s3://${o.bucketName}/${AGENT_OBJECT_KEY}`,
      workloadUnits: ['ecs.service'],
    }),
  ].join('\n');
}
