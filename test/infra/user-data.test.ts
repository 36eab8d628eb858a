import { describe, expect, it } from 'vitest';
import { AgentConfigError } from '../../agent/errors.ts';
import { AGENT_OBJECT_KEY } from '../../infra/bucket-layout.ts';
import { CHECKPOINT_DIR, userDataScript } from '../../worker/user-data.ts';

const options = {
  clusterName: 'demo-cluster',
  bucketName: 'demo-ckpt-123456789012-us-east-1',
  bucketRegion: 'us-east-1',
  jobId: 'demo',
  checkpointPrefix: 'checkpoints',
  useRebalanceRecommendation: false,
  gpuSupport: true,
};

describe('worker user data', () => {
  it('joins the cluster with GPU support and installs the agent from the checkpoint bucket', () => {
    const script = userDataScript(options);
    expect(script.startsWith('#!/bin/bash\nset -euo pipefail\n')).toBe(true);
    expect(script).toContain('echo "ECS_CLUSTER=demo-cluster" >> /etc/ecs/ecs.config');
    expect(script).toContain('ECS_ENABLE_GPU_SUPPORT=true');
    expect(script).toContain(`s3://${options.bucketName}/${AGENT_OBJECT_KEY}`);
    expect(script).toContain('/etc/systemd/system/spot-watch.service');
    expect(script).toContain('/etc/systemd/system/spot-restore.service');
    expect(script).toMatch(/Before=ecs\.service/);
    expect(script).toContain(`"checkpoint_dir": "${CHECKPOINT_DIR}"`);
  });

  it('leaves GPU support off for Neuron instances, whose devices the task definition maps instead', () => {
    const script = userDataScript({ ...options, gpuSupport: false });
    expect(script).not.toContain('ECS_ENABLE_GPU_SUPPORT');
    expect(script).toContain('echo "ECS_CLUSTER=demo-cluster" >> /etc/ecs/ecs.config');
  });

  it('contains no Terraform template syntax of its own', () => {
    expect(userDataScript(options)).not.toMatch(/\$\{|%\{/);
  });

  it('fails the synth on a config the agent would reject, naming the field', () => {
    expect(() => userDataScript({ ...options, jobId: 'bad job id' })).toThrow(AgentConfigError);
    expect(() => userDataScript({ ...options, jobId: 'bad job id' })).toThrow(/job_id/);
  });
});
