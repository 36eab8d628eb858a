import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.ts';
import { parseFlags } from '../../core/flags.ts';

const spec = {
  hub: { type: 'string' },
  worker: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

describe('parseFlags', () => {
  it('reads values, repeated flags, --flag=value and booleans', () => {
    const { values } = parseFlags(['--hub', 'us-east-1', '--worker=a', '--worker', 'b', '--json'], spec);
    expect(values).toEqual({ hub: 'us-east-1', worker: ['a', 'b'], json: true });
  });

  it('returns positionals only when the command takes them', () => {
    expect(parseFlags(['status', '--json'], spec, { positionals: true }).positionals).toEqual(['status']);
  });

  it.each([
    [['--nope'], /^unknown flag --nope$/],
    [['--hub'], /^--hub needs a value$/],
    [['--hub', '--json'], /^--hub needs a value$/],
    [['--hub='], /^--hub needs a non-empty value$/],
    [['--hub', ' '], /^--hub needs a non-empty value$/],
    [['--hub', 'a', '--hub', 'b'], /^--hub given more than once$/],
    [['--json=yes'], /^--json takes no value$/],
    [['status'], /^unexpected argument "status" \(flags start with --\)$/],
  ])('refuses %j with a UsageError naming the flag', (argv, message) => {
    expect(() => parseFlags(argv, spec)).toThrow(UsageError);
    expect(() => parseFlags(argv, spec)).toThrow(message);
  });
});
