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
  offeredTypes: async (_region, types) => [...types],
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
    await expect(run).rejects.toThrow(
      /^AWS credentials are invalid or expired \(STS GetCallerIdentity in us-east-1 failed: Error: ExpiredToken\).*--synth-only/,
    );
  });

  it('asks STS in the hub region, and tells missing credentials from a network that cannot reach STS', async () => {
    const regions: string[] = [];
    await preflight(
      config,
      deps({
        callerIdentity: async (region) => {
          regions.push(region);
          return { account: '1', arn: 'a' };
        },
      }),
    );
    expect(regions).toEqual(['us-east-1']);
    const none = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    await expect(
      preflight(config, deps({ callerIdentity: async () => Promise.reject(none) })),
    ).rejects.toThrow(/^no AWS credentials found \(CredentialsProviderError: Could not load credentials/);
    const offline = new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com');
    await expect(
      preflight(config, deps({ callerIdentity: async () => Promise.reject(offline) })),
    ).rejects.toThrow(/^cannot reach STS in us-east-1 \(Error: getaddrinfo ENOTFOUND/);
  });

  it('refuses an instance type no worker region offers, naming it', async () => {
    const typo = parseConfig({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1'],
      instanceTypes: ['g6.xlarge', 'p99.mega'],
    });
    const run = preflight(
      typo,
      deps({ offeredTypes: async (_r, types) => types.filter((t) => t !== 'p99.mega') }),
    );
    await expect(run).rejects.toThrow(PreflightError);
    await expect(run).rejects.toThrow(
      /^instance type\(s\) p99\.mega offered in none of (us-west-2, eu-west-1|eu-west-1, us-west-2): misspelt or not an EC2 instance type/,
    );
  });

  it('names the region that lacks a type the others offer', async () => {
    const two = parseConfig({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1'],
      instanceTypes: ['g6.xlarge', 'g6e.xlarge'],
    });
    await expect(
      preflight(
        two,
        deps({ offeredTypes: async (r, types) => (r === 'eu-west-1' ? ['g6.xlarge'] : [...types]) }),
      ),
    ).rejects.toThrow(/^eu-west-1 does not offer g6e\.xlarge: drop it from --instance-types/);
  });

  it('says a region the account cannot use is not enabled, not that credentials are missing', async () => {
    const optIn = Object.assign(new Error('You are not subscribed to this service.'), {
      name: 'OptInRequired',
    });
    const run = preflight(
      parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-west-2', 'ap-east-1'] }),
      deps({ offeredTypes: async (r, types) => (r === 'ap-east-1' ? Promise.reject(optIn) : [...types]) }),
    );
    await expect(run).rejects.toThrow(
      /^ap-east-1: EC2 refused the request \(OptInRequired: .*\); the region is probably not enabled for this account \(enable it: aws account enable-region --region-name ap-east-1\)/,
    );
  });

  it('logs a line per check as it starts', async () => {
    const lines: string[] = [];
    await preflight(config, deps({ spotQuota: async () => 500 }), (l) => lines.push(l));
    expect(lines).toEqual([
      'pre-flight: credentials (STS in us-east-1)',
      'pre-flight: instance types g6.xlarge, g6.2xlarge, p4d.24xlarge offered in us-west-2',
      'pre-flight: Spot vCPU quotas',
    ]);
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
