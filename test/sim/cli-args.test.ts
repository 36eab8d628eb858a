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
      json: true,
      htmlPath: 'out.html',
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
    [['--dayz', '3'], /--dayz/],
    [['--days'], /--days/],
    [['extra'], /extra/],
  ])('rejects %j naming the flag', (args, message) => {
    expect(() => parseSimulateArgs(args)).toThrow(UsageError);
    expect(() => parseSimulateArgs(args)).toThrow(message);
  });
});
