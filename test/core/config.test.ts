import { describe, expect, it } from 'vitest';
import {
  CONFIG_ENV,
  ConfigError,
  configFromEnv,
  configWarnings,
  groupMaxSize,
  parseConfig,
} from '../../core/config.ts';

describe('parseConfig', () => {
  it('fills in defaults for an empty document', () => {
    const config = parseConfig({});
    expect(config.prefix).toBe('spotplane');
    expect(config.instanceTypes).toEqual(['g6.xlarge', 'g5.xlarge', 'g6e.xlarge']);
    // No image: the family's default server (core/workload.ts) runs; see test/core/workload.test.ts.
    expect(config.container).toEqual({ port: 30000, healthCheckPath: '/health', imagePullSeconds: 600 });
    expect(config.endpoint).toBe('global-accelerator');
    expect(config.allowedCidrs).toEqual(['0.0.0.0/0']);
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
    expect(() => parseConfig({ launchTimeoutSeconds: 2000, launchHeartbeatSeconds: 2000 })).toThrowError(
      /launchHeartbeatSeconds: must be below the launch timeout \(2000 s\)/,
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

  it('places one replica in one region by default and a larger fleet with the fleet policy; one replica may ask for the fleet policy', () => {
    expect(parseConfig({}).placementPolicy).toBe('one-region');
    expect(parseConfig({ targetCapacity: 3 }).placementPolicy).toBe('fleet');
    expect(parseConfig({ spareCapacity: 1 }).placementPolicy).toBe('fleet');
    expect(parseConfig({ placementPolicy: 'fleet' }).placementPolicy).toBe('fleet');
    expect(() => parseConfig({ targetCapacity: 2, placementPolicy: 'one-region' })).toThrowError(
      /placementPolicy: "one-region" runs one replica; targetCapacity \+ spareCapacity is 2, which only "fleet" places/,
    );
    expect(() => parseConfig({ placementPolicy: 'spread' })).toThrowError(/placementPolicy:/);
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

  it.each(['ecs-x', 'aws1', 'awsome', 'fargate-demo', 'xn--demo', 'sthree-demo', 'amzn-s3-demo-a'])(
    'rejects the prefix %s, which would name an invalid capacity provider or bucket',
    (prefix) => {
      expect(() => parseConfig({ prefix })).toThrowError(
        /prefix: must not start with "aws", "ecs", "fargate"/,
      );
    },
  );

  it('accepts a prefix that merely contains a reserved word', () => {
    expect(parseConfig({ prefix: 'my-ecs-aws' }).prefix).toBe('my-ecs-aws');
  });

  it('warns (but accepts) fewer than three instance types, and only then', () => {
    expect(configWarnings(parseConfig({ instanceTypes: ['g6.xlarge'] }))).toEqual([
      expect.stringMatching(/^instanceTypes: only 1 type \(g6\.xlarge\); Spot placement scores are low/),
    ]);
    expect(configWarnings(parseConfig({ instanceTypes: ['g6.xlarge', 'g5.xlarge'] }))[0]).toMatch(
      /only 2 types/,
    );
    expect(configWarnings(parseConfig({ instanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'] }))).toEqual(
      [],
    );
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

describe('parseConfig: the endpoint and the workload', () => {
  it('takes endpoint "none" and rejects anything else, naming the field', () => {
    expect(parseConfig({ endpoint: 'none' }).endpoint).toBe('none');
    expect(() => parseConfig({ endpoint: 'alb' })).toThrowError(/endpoint: /);
  });

  it('takes canonical IPv4 CIDR blocks only, naming the bad entry', () => {
    expect(parseConfig({ allowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'] }).allowedCidrs).toEqual([
      '203.0.113.0/24',
      '198.51.100.7/32',
    ]);
    const cases: [unknown, RegExp][] = [
      [['10.0.0.0'], /allowedCidrs\.0: must be an IPv4 CIDR block/],
      [['300.0.0.0/8'], /allowedCidrs\.0: must be an IPv4 CIDR block/],
      [['10.0.0.0/33'], /allowedCidrs\.0: must be an IPv4 CIDR block/],
      [['0.0.0.0/0', 'fd00::/8'], /allowedCidrs\.1: must be an IPv4 CIDR block/],
      [['10.1.2.3/16'], /allowedCidrs\.0: 10\.1\.2\.3\/16 has host bits set; did you mean 10\.1\.0\.0\/16\?/],
      [[], /allowedCidrs: must list at least one CIDR block/],
      [['10.0.0.0/8', '10.0.0.0/8'], /allowedCidrs: must not repeat/],
    ];
    for (const [allowedCidrs, message] of cases) {
      expect(() => parseConfig({ allowedCidrs })).toThrowError(message);
    }
  });

  it('takes the container command and environment, naming a bad variable name', () => {
    const config = parseConfig({
      container: {
        image: 'vllm/vllm-openai:v0.9.0',
        command: ['--model', 'x'],
        environment: { HF_HOME: '/c' },
      },
    });
    expect(config.container.command).toEqual(['--model', 'x']);
    expect(config.container.environment).toEqual({ HF_HOME: '/c' });
    expect(() => parseConfig({ container: { environment: { 'BAD-NAME': 'x' } } })).toThrowError(
      /container\.environment\.BAD-NAME: must be an environment variable name/,
    );
    expect(() =>
      parseConfig({ container: { environment: { SPOTPLANE_CHECKPOINT_DIR: '/x' } } }),
    ).toThrowError(/container\.environment\.SPOTPLANE_CHECKPOINT_DIR: SPOTPLANE_\* names are reserved/);
    expect(() => parseConfig({ container: { command: [] } })).toThrowError(
      /container\.command: must not be empty/,
    );
  });

  it('accepts one accelerator family and names instanceTypes when types mix families or have none', () => {
    expect(parseConfig({ instanceTypes: ['inf2.xlarge', 'trn1.2xlarge'] }).instanceTypes).toHaveLength(2);
    expect(parseConfig({ instanceTypes: ['p5.48xlarge', 'g6.xlarge'] }).instanceTypes).toHaveLength(2);
    expect(() => parseConfig({ instanceTypes: ['g6.xlarge', 'inf2.xlarge'] })).toThrowError(
      /instanceTypes: mixes NVIDIA GPU \(g6\.xlarge\) and AWS Neuron \(inf2\.xlarge\): one deployment uses one accelerator family/,
    );
    expect(() => parseConfig({ instanceTypes: ['c7i.xlarge'] })).toThrowError(
      /instanceTypes: c7i\.xlarge is not an accelerator instance type/,
    );
  });
});

describe("groupMaxSize (the worker group's MaxSize)", () => {
  it.each([
    // target, spare, maxPerRegion -> MaxSize: the whole fleet in one region, each replica with its replacement
    [1, 0, undefined, 2],
    [1, 2, undefined, 6],
    [3, 0, 1, 6],
    [10, 5, 10, 30],
  ])('target %i + spare %i (maxPerRegion %s) -> %i', (targetCapacity, spareCapacity, maxPerRegion, size) => {
    const config = parseConfig({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1', 'us-east-2'],
      targetCapacity,
      spareCapacity,
      ...(maxPerRegion === undefined ? {} : { maxPerRegion }),
    });
    expect(groupMaxSize(config)).toBe(size);
    // Never below what the plan may ask one region for: maxPerRegion replicas plus their replacements.
    expect(groupMaxSize(config)).toBeGreaterThanOrEqual(2 * config.maxPerRegion);
  });
});
