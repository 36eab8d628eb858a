import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { PreflightError } from '../../deploy/errors.ts';
import { type PreflightDeps, preflight, spotQuotaNeeds } from '../../deploy/preflight.ts';

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
  it("needs, per instance family's Spot quota, its largest type times the replicas one region may hold", () => {
    const needs = spotQuotaNeeds(config, { 'g6.xlarge': 4, 'g6.2xlarge': 8, 'p4d.24xlarge': 96 });
    expect(needs.map((n) => [n.quota.code, n.types, n.vcpus])).toEqual([
      ['L-3819A6DF', ['g6.xlarge', 'g6.2xlarge'], 16],
      ['L-7212CCBC', ['p4d.24xlarge'], 192],
    ]);
  });

  it('checks the Inf and Trn Spot quotas of a Neuron deployment, with the command that raises each', async () => {
    const neuron = parseConfig({
      hubRegion: 'us-east-1',
      workerRegions: ['us-east-2'],
      instanceTypes: ['inf2.xlarge', 'trn1.2xlarge'],
    });
    const asked: string[] = [];
    const result = await preflight(
      neuron,
      deps({
        spotQuota: async (region, code) => {
          asked.push(`${region}/${code}`);
          return code === 'L-6B0D517C' ? 0 : 64;
        },
        vcpus: async () => ({ 'inf2.xlarge': 4, 'trn1.2xlarge': 8 }),
      }),
    );
    expect(asked.sort()).toEqual(['us-east-2/L-6B0D517C', 'us-east-2/L-B5D1601B']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^us-east-2: "All Trn Spot Instance Requests" quota is 0 vCPUs, below the 8 vCPUs needed for 1 instance\(s\) \(maxPerRegion\) of trn1\.2xlarge;.*--quota-code L-6B0D517C --desired-value 8$/,
    );
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

  it('passes sufficient quotas without a warning and warns on the one that is short', async () => {
    const result = await preflight(config, deps({ spotQuota: async () => 200 }));
    expect(result).toMatchObject({ account: '123456789012', terraform: '/usr/local/bin/tofu' });
    expect(result.warnings).toEqual([]);
    const short = await preflight(config, deps());
    expect(short.warnings).toEqual([
      expect.stringMatching(/"All P Spot Instance Requests" quota is 100 vCPUs, below the 192/),
    ]);
  });

  it('warns when the quota cannot be read instead of failing', async () => {
    const result = await preflight(
      config,
      deps({ spotQuota: async () => Promise.reject(new Error('AccessDenied')) }),
    );
    expect(result.warnings).toContain(
      'us-west-2: could not read the Spot quota L-3819A6DF "All G and VT Spot Instance Requests" (AccessDenied)',
    );
  });
});
