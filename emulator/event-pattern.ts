/**
 * EventBridge event patterns for LocalCloud: `validatePattern` rejects what PutRule would reject, and
 * `matchesPattern` decides a match the way EventBridge does. Fields are ANDed, the values of a field
 * are ORed, and an array in the event matches when any of its elements does.
 *
 * Supported filters: exact values (string, number, boolean, null), `prefix` and `suffix` (optionally
 * `{ "equals-ignore-case": ... }`), `equals-ignore-case`, `anything-but` (a value, a list, or
 * `prefix` / `suffix` / `equals-ignore-case` / `wildcard`), `numeric` ranges, `exists`, `wildcard`,
 * `cidr` (IPv4), and `$or`.
 */
import { InvalidEventPatternException } from './errors.ts';

type PatternObject = Record<string, unknown>;

/** EventBridge documents numeric matching for values in this range only. */
const NUMERIC_LIMIT = 1e9;
const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);
const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'wildcard',
  'cidr',
] as const;

function isObject(value: unknown): value is PatternObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const at = (path: string, key: string) => (path === '(root)' ? key : `${path}.${key}`);
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidEventPatternException('(root)', `${what} is not valid JSON`, { cause });
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

/**
 * Throws `InvalidEventPatternException` naming the offending path when `pattern` (an object, or its
 * JSON text) is not a valid EventBridge event pattern.
 *
 * @example
 * validatePattern({ source: ['aws.ec2'], detail: { state: [{ 'anything-but': 'running' }] } }); // ok
 * validatePattern({ source: 'aws.ec2' }); // throws: source: must be an array of match values or an object
 */
export function validatePattern(pattern: unknown): void {
  const parsed = typeof pattern === 'string' ? parseJson(pattern, 'the event pattern') : pattern;
  if (!isObject(parsed))
    throw new InvalidEventPatternException('(root)', 'the pattern must be a JSON object');
  validateObject(parsed, '(root)');
}

function validateObject(pattern: PatternObject, path: string): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternException(path, 'empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    const here = at(path, key);
    if (key === '$or') validateOr(value, here);
    else if (Array.isArray(value)) validateLeaf(value, here);
    else if (isObject(value)) validateObject(value, here);
    else
      throw new InvalidEventPatternException(
        here,
        `must be an array of match values or an object (got ${show(value)})`,
      );
  }
}

function validateOr(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPatternException(path, '"$or" must be an array of at least two patterns');
  }
  value.forEach((branch, i) => {
    if (!isObject(branch))
      throw new InvalidEventPatternException(`${path}[${i}]`, 'each "$or" branch must be an object');
    validateObject(branch, `${path}[${i}]`);
  });
}

function validateLeaf(values: unknown[], path: string): void {
  if (values.length === 0) throw new InvalidEventPatternException(path, 'empty arrays are not allowed');
  values.forEach((value, i) => {
    validateMatcher(value, `${path}[${i}]`);
  });
}

function validateMatcher(matcher: unknown, path: string): void {
  if (matcher === null || ['string', 'boolean'].includes(typeof matcher)) return;
  if (typeof matcher === 'number') {
    if (!Number.isFinite(matcher)) throw new InvalidEventPatternException(path, 'numbers must be finite');
    return;
  }
  if (Array.isArray(matcher))
    throw new InvalidEventPatternException(path, 'match values cannot be nested arrays');
  const entries = Object.entries(matcher as PatternObject);
  const [entry] = entries;
  if (!entry || entries.length > 1) {
    throw new InvalidEventPatternException(
      path,
      `a filter object must have exactly one of: ${OPERATORS.join(', ')}`,
    );
  }
  const [operator, operand] = entry;
  const here = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      validateStringOrIgnoreCase(operand, here, operator);
      return;
    case 'equals-ignore-case':
      requireString(operand, here, '"equals-ignore-case" must be a string');
      return;
    case 'wildcard':
      validateWildcard(operand, here);
      return;
    case 'exists':
      if (typeof operand !== 'boolean')
        throw new InvalidEventPatternException(here, '"exists" must be true or false');
      return;
    case 'numeric':
      validateNumeric(operand, here);
      return;
    case 'anything-but':
      validateAnythingBut(operand, here);
      return;
    case 'cidr':
      if (typeof operand !== 'string' || !parseCidr(operand)) {
        throw new InvalidEventPatternException(
          here,
          `"cidr" must be an IPv4 CIDR block such as "10.0.0.0/24" (got ${show(operand)})`,
        );
      }
      return;
    default:
      throw new InvalidEventPatternException(
        here,
        `unrecognized match type "${operator}"; use one of: ${OPERATORS.join(', ')}`,
      );
  }
}

function requireString(value: unknown, path: string, message: string): void {
  if (typeof value !== 'string')
    throw new InvalidEventPatternException(path, `${message} (got ${show(value)})`);
}

function validateStringOrIgnoreCase(operand: unknown, path: string, operator: string): void {
  if (typeof operand === 'string') return;
  const message = `"${operator}" must be a string or {"equals-ignore-case": string}`;
  if (!isObject(operand) || Object.keys(operand).length !== 1 || !('equals-ignore-case' in operand)) {
    throw new InvalidEventPatternException(path, `${message} (got ${show(operand)})`);
  }
  requireString(operand['equals-ignore-case'], path, message);
}

function validateWildcard(operand: unknown, path: string): void {
  requireString(operand, path, '"wildcard" must be a string');
  if (/(?<!\\)(\\\\)*\*\*/.test(operand as string)) {
    throw new InvalidEventPatternException(path, 'consecutive wildcard characters are not allowed');
  }
}

function validateNumeric(operand: unknown, path: string): void {
  const shape = 'must be ["=", n], [op, n] or [lower-op, n, upper-op, n] with op one of >, >=, <, <=';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternException(path, `"numeric" ${shape} (got ${show(operand)})`);
  }
  const pairs: [unknown, unknown][] = [];
  for (let i = 0; i < operand.length; i += 2) pairs.push([operand[i], operand[i + 1]]);
  for (const [op, value] of pairs) {
    if (op !== '=' && !LOWER_BOUNDS.has(op as string) && !UPPER_BOUNDS.has(op as string)) {
      throw new InvalidEventPatternException(path, `"numeric" has an unknown operator ${show(op)}; ${shape}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > NUMERIC_LIMIT) {
      throw new InvalidEventPatternException(
        path,
        `"numeric" values must be numbers between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT} (got ${show(value)})`,
      );
    }
  }
  if (pairs.length === 2) {
    const [[op1, low], [op2, high]] = pairs as [[string, number], [string, number]];
    if (!LOWER_BOUNDS.has(op1) || !UPPER_BOUNDS.has(op2)) {
      throw new InvalidEventPatternException(path, `"numeric" range ${shape}`);
    }
    if (low >= high)
      throw new InvalidEventPatternException(path, `"numeric" range is empty (${low} .. ${high})`);
  }
}

function validateAnythingBut(operand: unknown, path: string): void {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) return;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPatternException(
        path,
        '"anything-but" lists must hold only strings or only numbers, at least one',
      );
    }
    return;
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [[inner, value]] = Object.entries(operand) as [[string, unknown]];
    const here = `${path}.${inner}`;
    switch (inner) {
      case 'prefix':
      case 'suffix':
        requireString(value, here, `"anything-but" "${inner}" must be a string`);
        return;
      case 'equals-ignore-case':
      case 'wildcard': {
        const list = Array.isArray(value) ? value : [value];
        if (list.length === 0) throw new InvalidEventPatternException(here, 'lists must not be empty');
        for (const item of list) {
          if (inner === 'wildcard') validateWildcard(item, here);
          else
            requireString(
              item,
              here,
              '"anything-but" "equals-ignore-case" must be a string or a list of strings',
            );
        }
        return;
      }
    }
  }
  throw new InvalidEventPatternException(
    path,
    `"anything-but" must be a string, a number, a list of them, or one of {prefix|suffix|equals-ignore-case|wildcard} (got ${show(operand)})`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------

type Leaf = string | number | boolean | null;

/**
 * Whether `event` (an object, or its JSON text) matches `pattern`. A malformed pattern throws
 * `InvalidEventPatternException` rather than quietly matching nothing.
 *
 * @example
 * matchesPattern({ 'detail-type': ['EC2 Spot Instance Interruption Warning'],
 *                  detail: { 'instance-action': ['terminate', 'stop'] } }, event);
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const parsedPattern = typeof pattern === 'string' ? parseJson(pattern, 'the event pattern') : pattern;
  validatePattern(parsedPattern);
  const parsedEvent = typeof event === 'string' ? parseJson(event, 'the event') : event;
  return matchObject(parsedPattern as PatternObject, parsedEvent);
}

function matchObject(pattern: PatternObject, event: unknown): boolean {
  const fields = isObject(event) ? event : undefined;
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as PatternObject[]).some((branch) => matchObject(branch, event))) return false;
      continue;
    }
    const value = fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
    const ok = Array.isArray(rule) ? matchLeaf(rule, value) : matchNested(rule as PatternObject, value);
    if (!ok) return false;
  }
  return true;
}

/** A nested pattern against an object, or against any object element of an array. */
function matchNested(pattern: PatternObject, value: unknown): boolean {
  if (isObject(value)) return matchObject(pattern, value);
  if (Array.isArray(value)) {
    const objects = value.filter(isObject);
    if (objects.length > 0) return objects.some((element) => matchObject(pattern, element));
  }
  // No object here: only "exists": false conditions can still be satisfied.
  return matchObject(pattern, undefined);
}

/** The leaf values found at a field: none when missing or an object, every scalar of an array. */
function leavesOf(value: unknown): Leaf[] {
  if (value === undefined || isObject(value)) return [];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return [value as Leaf];
}

function matchLeaf(matchers: unknown[], value: unknown): boolean {
  const leaves = leavesOf(value);
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === leaves.length > 0;
    return leaves.some((leaf) => matchOne(matcher, leaf));
  });
}

function matchOne(matcher: unknown, leaf: Leaf): boolean {
  if (!isObject(matcher)) return matcher === leaf;
  const [[operator, operand]] = Object.entries(matcher) as [[string, unknown]];
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && affixMatches(operand, leaf, (s, p) => s.startsWith(p));
    case 'suffix':
      return typeof leaf === 'string' && affixMatches(operand, leaf, (s, p) => s.endsWith(p));
    case 'equals-ignore-case':
      return typeof leaf === 'string' && sameIgnoringCase(leaf, operand as string);
    case 'wildcard':
      return typeof leaf === 'string' && wildcardRegExp(operand as string).test(leaf);
    case 'numeric':
      return typeof leaf === 'number' && numericMatches(operand as unknown[], leaf);
    case 'cidr':
      return typeof leaf === 'string' && cidrContains(operand as string, leaf);
    case 'anything-but':
      return anythingButMatches(operand, leaf);
    default:
      return false;
  }
}

function affixMatches(operand: unknown, value: string, test: (s: string, affix: string) => boolean): boolean {
  if (typeof operand === 'string') return test(value, operand);
  const affix = (operand as { 'equals-ignore-case': string })['equals-ignore-case'];
  return test(value.toLowerCase(), affix.toLowerCase());
}

const sameIgnoringCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function numericMatches(operand: unknown[], value: number): boolean {
  for (let i = 0; i < operand.length; i += 2) {
    const bound = operand[i + 1] as number;
    const ok =
      operand[i] === '='
        ? value === bound
        : operand[i] === '>'
          ? value > bound
          : operand[i] === '>='
            ? value >= bound
            : operand[i] === '<'
              ? value < bound
              : value <= bound;
    if (!ok) return false;
  }
  return true;
}

/** "anything-but" needs a value to be present; it then matches every value the operand does not name. */
function anythingButMatches(operand: unknown, leaf: Leaf): boolean {
  if (!isObject(operand)) {
    const excluded = Array.isArray(operand) ? operand : [operand];
    return !excluded.includes(leaf);
  }
  const [[inner, value]] = Object.entries(operand) as [[string, unknown]];
  if (typeof leaf !== 'string') return true;
  const list = (Array.isArray(value) ? value : [value]) as string[];
  switch (inner) {
    case 'prefix':
      return !leaf.startsWith(value as string);
    case 'suffix':
      return !leaf.endsWith(value as string);
    case 'equals-ignore-case':
      return !list.some((v) => sameIgnoringCase(leaf, v));
    default:
      return !list.some((w) => wildcardRegExp(w).test(leaf));
  }
}

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function wildcardRegExp(wildcard: string): RegExp {
  let regexp = wildcardCache.get(wildcard);
  if (!regexp) {
    let source = '';
    for (let i = 0; i < wildcard.length; i++) {
      const char = wildcard[i]!;
      if (char === '\\' && (wildcard[i + 1] === '*' || wildcard[i + 1] === '\\')) {
        source += `\\${wildcard[++i]}`;
      } else if (char === '*') {
        source += '.*';
      } else {
        source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      }
    }
    regexp = new RegExp(`^${source}$`, 's');
    wildcardCache.set(wildcard, regexp);
  }
  return regexp;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255))
    return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function parseCidr(text: string): { base: number; bits: number } | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const base = match ? parseIPv4(match[1]!) : parseIPv4(text);
  const bits = match ? Number(match[2]) : 32;
  if (base === undefined || bits > 32) return undefined;
  return { base, bits };
}

function cidrContains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr)!;
  const ip = parseIPv4(address);
  if (ip === undefined) return false;
  const size = 2 ** (32 - block.bits);
  return Math.floor(ip / size) === Math.floor(block.base / size);
}
