import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.ts';
import { parseDeployArgs, parseTeardownArgs } from '../../deploy/args.ts';

const fails = (argv: string[], message: RegExp) => {
  expect(() => parseDeployArgs(argv)).toThrow(UsageError);
  expect(() => parseDeployArgs(argv)).toThrow(message);
};

describe('deploy flags', () => {
  it('reads the hub, repeated workers, prefix, instance types and synth-only', () => {
    const args = parseDeployArgs([
      '--hub',
      'us-east-1',
      '--worker',
      'us-west-2',
      '--worker=eu-west-1',
      '--prefix',
      'demo',
      '--instance-types',
      'g6.xlarge, g5.2xlarge',
      '--synth-only',
    ]);
    expect(args.config).toMatchObject({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1'],
      prefix: 'demo',
      instanceTypes: ['g6.xlarge', 'g5.2xlarge'],
    });
    expect(args.synthOnly).toBe(true);
    expect(args.subnets).toEqual({});
  });

  it('adds the hub region to the workers with --hub-as-worker', () => {
    expect(parseDeployArgs(['--hub', 'us-east-1', '--hub-as-worker']).config.workerRegions).toEqual([
      'us-east-1',
    ]);
    expect(
      parseDeployArgs(['--hub', 'us-east-1', '--hub-as-worker', '--worker', 'us-west-2']).config
        .workerRegions,
    ).toEqual(['us-east-1', 'us-west-2']);
  });

  it('keeps the config defaults for what is not given', () => {
    const { config } = parseDeployArgs(['--hub', 'us-east-1', '--worker', 'us-west-2']);
    expect(config.prefix).toBe('spotplane');
    expect(config.instanceTypes).toEqual(['g6.xlarge', 'g5.xlarge', 'g6e.xlarge']);
  });

  it('returns help without validating anything else', () => {
    expect(parseDeployArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--worker', 'us-west-2'], /--hub is required/],
    [['--hub', 'us-east-1'], /--worker is required/],
    [['--hub', 'us-east1', '--worker', 'us-west-2'], /^--hub: must be one of: .*\(got "us-east1"\)/],
    [['--hub', 'us-east-1', '--worker', 'us-west2'], /^--worker: must be one of/],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--worker', 'us-west-2'],
      /^--worker: must not repeat a region/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--prefix', 'Bad_Prefix'],
      /^--prefix: must be 2-24 characters/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--prefix', 'ecs-x'],
      /^--prefix: must not start with "aws", "ecs", "fargate"/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--instance-types', 'g6'],
      /^--instance-types: must be an EC2 instance type/,
    ],
    [['--hub', 'us-east-1', '--worker', 'us-west-2', '--regions', 'x'], /unknown flag --regions/],
    [['--hub', 'us-east-1', '--worker'], /--worker needs a value/],
    [['--hub', 'us-east-1', '--hub', 'us-west-2', '--worker', 'us-west-2'], /--hub given more than once/],
    [['--hub', 'us-east-1', '--worker', 'us-west-2', '--synth-only=yes'], /--synth-only takes no value/],
    [['--hub', 'us-east-1', '--worker', 'us-west-2', 'extra'], /unexpected argument "extra"/],
    [
      ['--hub', 'us-east-1', '--hub-as-worker', '--worker', 'us-east-1'],
      /--worker us-east-1 repeats the hub region/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-east-1'],
      /^--worker us-east-1 is the hub region \(--hub us-east-1\): .*give --hub-as-worker instead of --worker us-east-1$/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--worker', 'us-east-1'],
      /--worker us-east-1 is the hub region.*--hub-as-worker/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--subnets', 'eu-west-1=subnet-0123abcd'],
      /--subnets: eu-west-1 is not a worker region/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--subnets', 'us-west-2=vpc-0123abcd'],
      /--subnets: "vpc-0123abcd" is not a subnet id/,
    ],
    [
      ['--hub', 'us-east-1', '--worker', 'us-west-2', '--subnets', 'us-west-2'],
      /--subnets: expected REGION=subnet-id/,
    ],
  ])('rejects %j naming the flag', (argv, message) => {
    fails(argv, message);
  });

  it('takes given subnets per worker region', () => {
    const args = parseDeployArgs([
      '--hub',
      'us-east-1',
      '--worker',
      'us-west-2',
      '--subnets',
      'us-west-2=subnet-0123abcd,subnet-4567ef01',
    ]);
    expect(args.subnets).toEqual({ 'us-west-2': ['subnet-0123abcd', 'subnet-4567ef01'] });
  });
});

describe('teardown flags', () => {
  it('defaults the prefix and validates a given one', () => {
    expect(parseTeardownArgs([]).prefix).toBe('spotplane');
    expect(parseTeardownArgs(['--prefix', 'demo']).prefix).toBe('demo');
    expect(() => parseTeardownArgs(['--prefix', 'X'])).toThrow(/^--prefix: must be 2-24 characters/);
    expect(() => parseTeardownArgs(['--hub', 'us-east-1'])).toThrow(/unknown flag --hub/);
  });

  it('keeps the checkpoints unless --delete-checkpoints is given, which takes no value', () => {
    expect(parseTeardownArgs(['--prefix', 'demo']).deleteCheckpoints).toBe(false);
    expect(parseTeardownArgs(['--delete-checkpoints', '--prefix', 'demo'])).toEqual({
      help: false,
      prefix: 'demo',
      deleteCheckpoints: true,
    });
    expect(() => parseTeardownArgs(['--delete-checkpoints=yes'])).toThrow(
      /^--delete-checkpoints takes no value$/,
    );
  });
});

describe('deploy --config', () => {
  const files: Record<string, string> = {
    'ok.json': JSON.stringify({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1'],
      prefix: 'fromfile',
      instanceTypes: ['inf2.xlarge'],
      targetCapacity: 2,
      endpoint: 'none',
      allowedCidrs: ['203.0.113.0/24'],
      container: { image: 'me/server:1', command: ['serve'], environment: { A: '1' }, port: 8080 },
    }),
    'bad-field.json': JSON.stringify({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2'],
      allowedCidrs: ['10.0.0.1/8'],
    }),
    'mixed.json': JSON.stringify({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2'],
      instanceTypes: ['g6.xlarge', 'trn1.2xlarge'],
    }),
    'no-hub.json': JSON.stringify({ workerRegions: ['us-west-2'] }),
    'not-json.json': '{ hubRegion: us-east-1 }',
    'array.json': '[]',
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
  const parse = (argv: string[]) => parseDeployArgs(argv, read);

  it('reads every field of the same schema from the file', () => {
    const { config } = parse(['--config', 'ok.json']);
    expect(config).toMatchObject({
      hubRegion: 'us-east-1',
      workerRegions: ['us-west-2', 'eu-west-1'],
      prefix: 'fromfile',
      instanceTypes: ['inf2.xlarge'],
      targetCapacity: 2,
      endpoint: 'none',
      allowedCidrs: ['203.0.113.0/24'],
      container: { image: 'me/server:1', command: ['serve'], environment: { A: '1' }, port: 8080 },
    });
  });

  it('lets the flags override the file', () => {
    const { config } = parse([
      '--config',
      'ok.json',
      '--hub',
      'us-west-2',
      '--worker',
      'eu-central-1',
      '--prefix',
      'fromflag',
      '--instance-types',
      'trn1.2xlarge',
    ]);
    expect(config).toMatchObject({
      hubRegion: 'us-west-2',
      workerRegions: ['eu-central-1'],
      prefix: 'fromflag',
      instanceTypes: ['trn1.2xlarge'],
      targetCapacity: 2,
    });
    expect(parse(['--config', 'ok.json', '--hub-as-worker']).config.workerRegions).toEqual([
      'us-east-1',
      'us-west-2',
      'eu-west-1',
    ]);
  });

  it.each([
    [['--config', 'bad-field.json'], /^bad-field\.json: allowedCidrs\.0: 10\.0\.0\.1\/8 has host bits set/],
    [['--config', 'mixed.json'], /^mixed\.json: instanceTypes: mixes NVIDIA GPU/],
    [['--config', 'mixed.json', '--instance-types', 'g6.xlarge,trn1.2xlarge'], /^--instance-types: mixes/],
    [['--config', 'no-hub.json'], /--hub is required .*: no-hub\.json sets no hubRegion/],
    [['--config', 'not-json.json'], /^--config not-json\.json: not valid JSON/],
    [['--config', 'array.json'], /^--config array\.json: must hold a JSON object/],
    [['--config', 'missing.json'], /^--config missing\.json: cannot read it \(ENOENT/],
  ])('fails %j naming the file or the flag', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
