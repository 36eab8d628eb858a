/**
 * Stand-in EventBridge pattern matcher until `event-pattern.ts` (written alongside) lands: exact
 * values, `prefix`, `exists`, `anything-but` and nested keys, which is what spotplane's rules use.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  const record = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, rule]) => {
    const value = record[key];
    if (Array.isArray(rule)) return matchesAny(rule as Json[], value as Json | undefined);
    return isObject(rule) && isObject(value) && matchesPattern(rule, value);
  });
}

export function validatePattern(pattern: unknown): void {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) {
    throw new Error('Event pattern is not valid. Reason: Pattern must be a non-empty JSON object');
  }
}

function matchesAny(rules: Json[], value: Json | undefined): boolean {
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => values.some((v) => matchesOne(rule, v as Json | undefined)));
}

function matchesOne(rule: Json, value: Json | undefined): boolean {
  if (!isObject(rule)) return value !== undefined && rule === value;
  if ('exists' in rule) return rule.exists === (value !== undefined);
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    const list = Array.isArray(but) ? but : [but];
    return value !== undefined && !list.includes(value as Json);
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
