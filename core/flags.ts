/**
 * One way for every spotplane CLI to read its flags: node:util `parseArgs` in strict mode, with its
 * errors turned into a `UsageError` that names the flag, and the two mistakes `parseArgs` lets through
 * refused as well: a single-valued flag given twice (it would silently keep the last) and an empty value.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

/** The flags a command takes, in `parseArgs`' own format (`{ hub: { type: 'string' } }`). */
export type FlagSpec = ParseArgsOptionsConfig;

type Parsed<T extends FlagSpec, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: P }>
>;

/** The flag named in one of `parseArgs`' messages (`Unknown option '--x'`, `Option '--w <value>' ...`). */
const flagIn = (message: string) => /'(-[^' ]+)/.exec(message)?.[1] ?? 'a flag';

function usageErrorOf(error: unknown): UsageError {
  const { code, message } = error as { code?: string; message: string };
  const flag = flagIn(message);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag}`, { cause: error });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(
        `unexpected argument "${/'([^']*)'/.exec(message)?.[1] ?? ''}" (flags start with --)`,
        { cause: error },
      );
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        /does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`,
        { cause: error },
      );
    default:
      return new UsageError(message, { cause: error });
  }
}

/**
 * Parses `argv` against `spec`.
 *
 * @example
 * const { values } = parseFlags(argv, { hub: { type: 'string' }, worker: { type: 'string', multiple: true } });
 * @throws {UsageError} naming the flag: unknown, missing or empty value, a value on a boolean flag,
 *   a single-valued flag given twice, or a stray argument when `positionals` is false.
 */
export function parseFlags<T extends FlagSpec, P extends boolean = false>(
  argv: readonly string[],
  spec: T,
  options: { positionals?: P } = {},
): Pick<Parsed<T, P>, 'values' | 'positionals'> {
  let parsed: Parsed<T, P>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals: (options.positionals ?? false) as P,
      tokens: true,
    }) as Parsed<T, P>;
  } catch (error) {
    throw usageErrorOf(error);
  }
  const seen = new Set<string>();
  for (const token of (
    parsed as { tokens?: { kind: string; name?: string; rawName?: string; value?: string }[] }
  ).tokens ?? []) {
    if (token.kind !== 'option' || !token.name) continue;
    const flag = token.rawName ?? `--${token.name}`;
    const kind = spec[token.name];
    if (kind?.type === 'string' && token.value?.trim() === '')
      throw new UsageError(`${flag} needs a non-empty value`);
    if (kind?.type === 'string' && !kind.multiple && seen.has(token.name)) {
      throw new UsageError(`${flag} given more than once`);
    }
    seen.add(token.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
