import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.ts';
import { parseSimulateArgs } from '../../sim/cli-args.ts';

describe('parseSimulateArgs', () => {
  it('reads every flag', () => {
    const cmd = parseSimulateArgs([
      '--days',
      '7.5',
      '--regions',
      'us-east-1,eu-west-1',
      '--seed',
      '42',
      '--instance-types',
      'g6.xlarge',
      '--interruption-scale',
      '0',
      '--drought-scale',
      '2',
      '--start',
      '2026-10-01T00:00:00Z',
      '--json',
      '--html',
      'out.html',
    ]);
    expect(cmd).toEqual({
      options: {
        seed: 42,
        days: 7.5,
        regions: ['us-east-1', 'eu-west-1'],
        instanceTypes: ['g6.xlarge'],
        interruptionScale: 0,
        droughtScale: 2,
        start: new Date('2026-10-01T00:00:00Z'),
      },
      tracePath: undefined,
      availabilityTracePath: undefined,
      json: true,
      htmlPath: 'out.html',
    });
  });

  it('reads the fleet and availability flags', () => {
    const cmd = parseSimulateArgs([
      '--availability-trace',
      'a.csv',
      '--warning-seconds',
      '0',
      '--launch-seconds',
      '120',
      '--flat-spot-ratio',
      '0.3333',
      '--target-capacity',
      '3',
      '--spare-capacity',
      '1',
      '--max-per-region',
      '2',
      '--on-demand-fallback',
      '--placement-policy',
      'fleet',
    ]);
    expect(cmd?.availabilityTracePath).toBe('a.csv');
    expect(cmd?.options).toEqual({
      seed: 1,
      warningSeconds: 0,
      launchSeconds: 120,
      flatSpotRatio: 0.3333,
      targetCapacity: 3,
      spareCapacity: 1,
      maxPerRegion: 2,
      placementPolicy: 'fleet',
      onDemandFallback: true,
    });
  });

  it('defaults to seed 1 and returns null for --help', () => {
    expect(parseSimulateArgs([])?.options).toEqual({ seed: 1 });
    expect(parseSimulateArgs(['--help'])).toBeNull();
  });

  it.each([
    [['--days', '0'], /--days must be a positive number/],
    [['--days', 'abc'], /--days/],
    [['--seed=-1'], /--seed must be a whole number/],
    [['--seed', '-1'], /--seed/],
    [['--seed', '1.5'], /--seed/],
    [['--regions', 'us-east-1,us-west2'], /--regions: unknown region us-west2/],
    [['--regions', 'us-east-1,,eu-west-1'], /--regions must be a comma-separated list/],
    [['--regions', 'us-east-1,us-east-1'], /--regions names us-east-1 twice/],
    [['--instance-types', 'G6 XL'], /--instance-types/],
    [['--interruption-scale=-2'], /--interruption-scale must be a number >= 0/],
    [['--start', 'yesterday'], /--start must be a UTC time/],
    [['--start', '2026-10-01T00:00:00Z', '--trace', 'p.csv'], /--start applies to synthetic traces only/],
    [['--html', ''], /--html must name a file/],
    [['--availability-trace', ''], /--availability-trace must name a file/],
    [
      ['--availability-trace', 'a.csv', '--start', '2026-10-01T00:00:00Z'],
      /--start applies to synthetic traces only/,
    ],
    [['--warning-seconds=-1'], /--warning-seconds must be a number >= 0/],
    [['--launch-seconds', '0'], /--launch-seconds must be a positive number/],
    [['--flat-spot-ratio', '1.5'], /--flat-spot-ratio must be at most 1/],
    [['--flat-spot-ratio', '0'], /--flat-spot-ratio must be a positive number/],
    [['--target-capacity', '31'], /--target-capacity must be a whole number from 1 to 30/],
    [['--target-capacity', '1.5'], /--target-capacity/],
    [['--spare-capacity=-1'], /--spare-capacity must be a whole number from 0 to 10/],
    [['--max-per-region', '11'], /--max-per-region must be a whole number from 1 to 10/],
    [['--placement-policy', 'spread'], /--placement-policy must be fleet or one-region \(got "spread"\)/],
    [['--dayz', '3'], /--dayz/],
    [['--days'], /--days/],
    [['extra'], /extra/],
  ])('rejects %j naming the flag', (args, message) => {
    expect(() => parseSimulateArgs(args)).toThrow(UsageError);
    expect(() => parseSimulateArgs(args)).toThrow(message);
  });
});
