import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import {
  type PreflightDeps,
  PreflightError,
  preflight,
  requiredSpotVcpus,
} from '../../infra/cli/preflight.ts';

const config = parseConfig({
  hubRegion: 'us-east-1',
  workerRegions: ['us-west-2'],
  instanceTypes: ['g6.xlarge', 'g6.2xlarge', 'p4d.24xlarge'],
  targetCapacity: 2,
});
const deps = (over: Partial<PreflightDeps> = {}): PreflightDeps => ({
  callerIdentity: async () => ({ account: '123456789012', arn: 'arn' }),
  findTerraform: () => '/usr/local/bin/tofu',
  spotQuota: async () => 100,
  vcpus: async () => ({ 'g6.xlarge': 4, 'g6.2xlarge': 8, 'p4d.24xlarge': 96 }),
  ...over,
});

describe('preflight', () => {
  it('needs the largest G/VT type times the target capacity', () => {
    expect(requiredSpotVcpus(config, { 'g6.xlarge': 4, 'g6.2xlarge': 8, 'p4d.24xlarge': 96 })).toBe(16);
  });

  it('fails with a clear message when credentials do not work', async () => {
    const run = preflight(
      config,
      deps({ callerIdentity: async () => Promise.reject(new Error('ExpiredToken')) }),
    );
    await expect(run).rejects.toThrow(PreflightError);
    await expect(run).rejects.toThrow(/AWS credentials are missing or invalid .*ExpiredToken.*--synth-only/);
  });

  it('fails when neither terraform nor tofu is on PATH', async () => {
    await expect(preflight(config, deps({ findTerraform: () => undefined }))).rejects.toThrow(
      /Neither terraform nor tofu/,
    );
  });

  it('notes the types whose quota it does not check and passes a sufficient quota', async () => {
    const result = await preflight(config, deps());
    expect(result).toMatchObject({ account: '123456789012', terraform: '/usr/local/bin/tofu' });
    expect(result.warnings).toEqual([
      'quota not checked for p4d.24xlarge (only the G and VT Spot quota is checked)',
    ]);
  });

  it('warns when the quota cannot be read instead of failing', async () => {
    const result = await preflight(
      config,
      deps({ spotQuota: async () => Promise.reject(new Error('AccessDenied')) }),
    );
    expect(result.warnings).toContain('us-west-2: could not read the Spot quota L-3819A6DF (AccessDenied)');
  });
});
