/**
 * Loads a state machine file (`statemachines/*.asl.json`) and substitutes its `${Placeholder}`s. The
 * infrastructure stacks and LocalCloud both load definitions through here, so AWS runs exactly what
 * runs locally. Placeholders live inside JSON strings (the files stay valid JSON); a string that is
 * exactly one placeholder takes the placeholder's type (integer, boolean, list), others interpolate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MACHINE_KEYS, type MachineKey, STATE_MACHINES } from '../core/registry.ts';
import { DefinitionError } from './errors.ts';

export { DefinitionError };

/** Each machine's file, from the registry. */
export const STATE_MACHINE_FILES = Object.fromEntries(
  MACHINE_KEYS.map((key) => [key, STATE_MACHINES[key].file]),
) as { [K in MachineKey]: (typeof STATE_MACHINES)[K]['file'] };
export type StateMachineKey = MachineKey;

export const STATE_MACHINE_DIR = dirname(fileURLToPath(import.meta.url));

type PlaceholderType = 'integer' | 'boolean' | 'list';

/** Placeholders whose value is not a string; every other placeholder is a string. */
export const TYPED_PLACEHOLDERS: Readonly<Record<string, PlaceholderType>> = {
  TargetCapacity: 'integer',
  LaunchTimeoutSeconds: 'integer',
  LaunchHeartbeatSeconds: 'integer',
  LossCheckSeconds: 'integer',
  RevertCheckSeconds: 'integer',
  MaxCycles: 'integer',
  ErrorPauseSeconds: 'integer',
  OnDemandFallback: 'boolean',
  WorkerRegions: 'list',
  LaunchBudgetSeconds: 'integer',
  LaunchPollLimit: 'integer',
  TaskGpus: 'integer',
};

export type SubstitutionValue = string | number | boolean | readonly string[];
export type Substitutions = Readonly<Record<string, SubstitutionValue>>;

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;
const WHOLE_PLACEHOLDER = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/;

/** The placeholder names a definition text uses, sorted. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** Converts a substitution to its placeholder's type; stacks pass strings, tests may pass typed values. */
function typedValue(name: string, value: SubstitutionValue): { value: unknown } | { problem: string } {
  const type = TYPED_PLACEHOLDERS[name];
  if (type === 'integer') {
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    return Number.isInteger(n)
      ? { value: n }
      : { problem: `${name}: must be an integer (got ${JSON.stringify(value)})` };
  }
  if (type === 'boolean') {
    if (typeof value === 'boolean') return { value };
    if (value === 'true' || value === 'false') return { value: value === 'true' };
    return { problem: `${name}: must be true or false (got ${JSON.stringify(value)})` };
  }
  if (type === 'list') {
    if (Array.isArray(value)) return { value: [...value] };
    if (typeof value === 'string') {
      const items = value.trim().startsWith('[')
        ? safeJsonList(value)
        : value.split(',').map((s) => s.trim());
      if (items && items.length > 0 && items.every((s) => typeof s === 'string' && s !== ''))
        return { value: items };
    }
    return { problem: `${name}: must be a non-empty list of strings (got ${JSON.stringify(value)})` };
  }
  return typeof value === 'string'
    ? { value }
    : { problem: `${name}: must be a string (got ${JSON.stringify(value)})` };
}

function safeJsonList(text: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function interpolated(value: SubstitutionValue): string | null {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return null;
}

/**
 * Substitutes placeholders in a definition text and parses it.
 *
 * @param label names the definition in errors (usually the file name).
 * @param options.allowUnused accepts substitutions the definition does not use (for callers that pass
 *   one map to every machine); by default they are reported, since they usually mean a typo.
 * @throws {DefinitionError} listing every missing, unknown or ill-typed placeholder.
 */
export function substituteDefinition(
  text: string,
  substitutions: Substitutions,
  label = 'definition',
  options: { allowUnused?: boolean } = {},
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new DefinitionError(`${label} is not valid JSON`, [`${label}: not JSON`], { cause });
  }
  const used = placeholdersIn(text);
  const problems: string[] = [];
  for (const name of used) if (!(name in substitutions)) problems.push(`${name}: missing (used by ${label})`);
  if (!options.allowUnused) {
    for (const name of Object.keys(substitutions)) {
      if (!used.includes(name)) problems.push(`${name}: unknown (${label} does not use it)`);
    }
  }
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE_PLACEHOLDER.exec(value);
      if (whole) {
        const name = whole[1]!;
        if (!(name in substitutions)) return value;
        const typed = typedValue(name, substitutions[name]!);
        if ('problem' in typed) {
          problems.push(typed.problem);
          return value;
        }
        return typed.value;
      }
      return value.replace(PLACEHOLDER, (match, name: string) => {
        if (!(name in substitutions)) return match;
        const text = interpolated(substitutions[name]!);
        if (text === null) {
          problems.push(`${name}: a list cannot be embedded in the string ${JSON.stringify(value)}`);
          return match;
        }
        return text;
      });
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    }
    return value;
  };
  const result = visit(parsed);
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new DefinitionError(`Cannot load ${label}:\n  ${unique.join('\n  ')}`, unique);
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new DefinitionError(`${label} must hold a JSON object`, [`${label}: not an object`]);
  }
  return result as Record<string, unknown>;
}

/** Resolves a file argument: a path as given, or a bare file name inside `statemachines/`. */
export function definitionFile(file: string): string {
  if (isAbsolute(file) || existsSync(file)) return file;
  return join(STATE_MACHINE_DIR, file);
}

/**
 * Reads a state machine file and returns its definition with every placeholder substituted.
 *
 * @example
 * const definition = loadDefinition('teardown-instance.asl.json', { Prefix: 'spotplane', Region: 'us-west-2', ... });
 * @throws {DefinitionError} when the file is missing, not JSON, or a placeholder is missing, unknown or ill-typed.
 */
export function loadDefinition(
  file: string,
  substitutions: Substitutions,
  options: { allowUnused?: boolean } = {},
): Record<string, unknown> {
  const path = definitionFile(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DefinitionError(`Cannot read state machine file ${path}`, [`${file}: not readable`], { cause });
  }
  return substituteDefinition(text, substitutions, file.split(/[\\/]/).pop() ?? file, options);
}
