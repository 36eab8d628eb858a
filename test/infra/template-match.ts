/**
 * Matches a deployed state machine definition against its `statemachines/` file: everything but the
 * `${Placeholder}`s must be identical, and each placeholder must stand for one value everywhere.
 * Returns the values found, so a test can check them and re-load the file with them.
 */

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;
const WHOLE = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface MatchResult {
  bindings: Map<string, unknown>;
  mismatches: string[];
}

export function matchTemplate(template: unknown, actual: unknown): MatchResult {
  const bindings = new Map<string, unknown>();
  const mismatches: string[] = [];
  const bind = (name: string, value: unknown, path: string) => {
    if (!bindings.has(name)) bindings.set(name, value);
    else if (JSON.stringify(bindings.get(name)) !== JSON.stringify(value)) {
      mismatches.push(
        `${path}: \${${name}} is ${JSON.stringify(value)} here but ${JSON.stringify(bindings.get(name))} elsewhere`,
      );
    }
  };
  const visit = (t: unknown, a: unknown, path: string) => {
    if (typeof t === 'string') {
      const whole = WHOLE.exec(t);
      if (whole) {
        bind(whole[1] as string, a, path);
        return;
      }
      const names = [...t.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
      if (names.length === 0) {
        if (t !== a) mismatches.push(`${path}: expected ${JSON.stringify(t)}, got ${JSON.stringify(a)}`);
        return;
      }
      const pattern = new RegExp(
        `^${t
          .split(PLACEHOLDER)
          .map((part, i) => (i % 2 === 1 ? '(.*?)' : escapeRegExp(part)))
          .join('')}$`,
      );
      const m = typeof a === 'string' ? pattern.exec(a) : null;
      if (!m) {
        mismatches.push(`${path}: ${JSON.stringify(a)} does not fit ${JSON.stringify(t)}`);
        return;
      }
      names.forEach((name, i) => {
        bind(name, m[i + 1], path);
      });
      return;
    }
    if (Array.isArray(t)) {
      if (!Array.isArray(a) || a.length !== t.length) {
        mismatches.push(`${path}: expected an array of ${t.length}`);
        return;
      }
      t.forEach((item, i) => {
        visit(item, a[i], `${path}[${i}]`);
      });
      return;
    }
    if (typeof t === 'object' && t !== null) {
      if (typeof a !== 'object' || a === null || Array.isArray(a)) {
        mismatches.push(`${path}: expected an object`);
        return;
      }
      const tk = Object.keys(t).sort();
      const ak = Object.keys(a).sort();
      if (JSON.stringify(tk) !== JSON.stringify(ak))
        mismatches.push(`${path}: keys ${ak.join(',')} != ${tk.join(',')}`);
      for (const k of tk)
        visit((t as Record<string, unknown>)[k], (a as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    if (t !== a) mismatches.push(`${path}: expected ${JSON.stringify(t)}, got ${JSON.stringify(a)}`);
  };
  visit(template, actual, '$');
  return { bindings, mismatches };
}
