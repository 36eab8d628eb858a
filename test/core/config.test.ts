import { describe, expect, it } from 'vitest';
import { CONFIG_ENV, ConfigError, configFromEnv, parseConfig } from '../../core/config.ts';

describe('parseConfig', () => {
  it('fills in defaults for an empty document', () => {
    const config = parseConfig({});
    expect(config.prefix).toBe('spotplane');
    expect(config.instanceTypes).toEqual(['g6.xlarge', 'g5.xlarge', 'g6e.xlarge']);
    expect(config.container).toEqual({
      image: 'lmsysorg/sglang:latest',
      port: 30000,
      healthCheckPath: '/health',
    });
    expect(config.onDemandFallback).toBe(false);
  });

  it('names the bad field and lists the allowed regions', () => {
    expect(() => parseConfig({ workerRegions: ['us-west2'] })).toThrowError(
      /workerRegions\.0: must be one of: us-east-1, .*us-west-2.* \(got "us-west2"\)/,
    );
  });

  it('reports every bad field at once, including unknown ones', () => {
    try {
      parseConfig({ targetCapacity: 0, container: { port: 70000 }, colour: 'blue' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues.some((i) => i.startsWith('targetCapacity:'))).toBe(true);
      expect(issues.some((i) => i.startsWith('container.port:'))).toBe(true);
      expect(issues).toContain('(root): unknown field(s) colour');
    }
  });

  it('rejects repeated regions and instance types', () => {
    expect(() => parseConfig({ workerRegions: ['us-west-2', 'us-west-2'] })).toThrowError(
      /workerRegions: must not repeat/,
    );
    expect(() => parseConfig({ instanceTypes: ['g6.xlarge', 'g6.xlarge'] })).toThrowError(
      /instanceTypes: must not repeat/,
    );
  });

  it('rejects a heartbeat that is not below the launch timeout', () => {
    expect(() => parseConfig({ launchTimeoutSeconds: 300, launchHeartbeatSeconds: 300 })).toThrowError(
      /launchHeartbeatSeconds: must be below launchTimeoutSeconds \(300\)/,
    );
  });

  it('sizes a fleet: target up to 30 in all, at most 10 per region, spare 0 and maxPerRegion target + spare by default', () => {
    const one = parseConfig({});
    expect([one.targetCapacity, one.spareCapacity, one.maxPerRegion]).toEqual([1, 0, 1]);
    expect(parseConfig({ targetCapacity: 3, spareCapacity: 1 }).maxPerRegion).toBe(4);
    // Above 10 replicas the default is capped at what one region can start (one RunTask call: 10 tasks).
    expect(parseConfig({ targetCapacity: 30 }).maxPerRegion).toBe(10);
    expect(
      parseConfig({ targetCapacity: 4, maxPerRegion: 2, workerRegions: ['us-east-1', 'eu-west-1'] })
        .maxPerRegion,
    ).toBe(2);
    expect(() => parseConfig({ targetCapacity: 31 })).toThrowError(
      /targetCapacity: must be at most 30 \(up to 10 per region\)/,
    );
    expect(() => parseConfig({ maxPerRegion: 11 })).toThrowError(/maxPerRegion: must be at most 10/);
    expect(() => parseConfig({ spareCapacity: -1 })).toThrowError(/spareCapacity:/);
    expect(() => parseConfig({ targetCapacity: 25, spareCapacity: 6 })).toThrowError(
      /spareCapacity: targetCapacity \+ spareCapacity \(25 \+ 6\) must be at most 30/,
    );
  });

  it('refuses a fleet that cannot fit in maxPerRegion x worker regions, naming the fields', () => {
    expect(() =>
      parseConfig({
        targetCapacity: 3,
        spareCapacity: 2,
        maxPerRegion: 2,
        workerRegions: ['us-east-1', 'eu-west-1'],
      }),
    ).toThrowError(
      /maxPerRegion: targetCapacity \+ spareCapacity \(5\) cannot fit: maxPerRegion \(2\) x 2 worker regions holds only 4/,
    );
    // Without maxPerRegion, a fleet above 10 per region needs more regions: the target is blamed.
    expect(() => parseConfig({ targetCapacity: 12, workerRegions: ['us-east-1'] })).toThrowError(
      /targetCapacity: targetCapacity \+ spareCapacity \(12\) cannot fit: maxPerRegion \(10, the default\) x 1 worker region holds only 10/,
    );
  });

  it('takes the rebalance threshold as a fraction below 1, 0 turning rebalancing off', () => {
    expect(parseConfig({}).rebalanceMinSavings).toBe(0.1);
    expect(parseConfig({ rebalanceMinSavings: 0 }).rebalanceMinSavings).toBe(0);
    expect(() => parseConfig({ rebalanceMinSavings: 1 })).toThrowError(
      /rebalanceMinSavings: must be below 1/,
    );
    expect(() => parseConfig({ rebalanceMinSavings: -0.1 })).toThrowError(/rebalanceMinSavings:/);
    expect(() => parseConfig({ rebalanceMinSavings: '0.2' })).toThrowError(/rebalanceMinSavings:/);
  });

  it('rejects a malformed instance type and prefix', () => {
    expect(() => parseConfig({ instanceTypes: ['G6 XL'] })).toThrowError(
      /instanceTypes\.0: must be an EC2 instance type/,
    );
    expect(() => parseConfig({ prefix: 'Bad_Prefix' })).toThrowError(/prefix: must be 2-24 characters/);
  });
});

describe('configFromEnv', () => {
  it('reads the configuration from SPOTPLANE_CONFIG', () => {
    const config = configFromEnv({
      [CONFIG_ENV]: JSON.stringify({ prefix: 'demo', workerRegions: ['eu-west-1'] }),
    });
    expect(config.prefix).toBe('demo');
    expect(config.workerRegions).toEqual(['eu-west-1']);
  });

  it('says when the variable is missing or not JSON', () => {
    expect(() => configFromEnv({})).toThrowError(/SPOTPLANE_CONFIG is not set/);
    expect(() => configFromEnv({ [CONFIG_ENV]: '{nope' })).toThrowError(/SPOTPLANE_CONFIG is not valid JSON/);
  });
});
