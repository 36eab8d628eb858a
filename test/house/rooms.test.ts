/**
 * The house keeps its rooms (docs/DESIGN.md, "Rooms"): each top-level folder imports only the folders its
 * row allows, no two folders import each other (directly or round a loop), every error class sits in its
 * module's `errors.ts`, and there is one `UsageError`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', 'cdktf.out', 'coverage', '.git', '.spotplane', '.sim-out', 'dist']);

/** What each room may import (mirrors DESIGN.md's table); `*` is anything. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  lambdas: ['core'],
  statemachines: ['core'],
  agent: [],
  infra: ['core', 'lambdas', 'statemachines', 'agent'],
  hub: ['core', 'lambdas', 'statemachines', 'agent', 'infra'],
  worker: ['core', 'lambdas', 'statemachines', 'agent', 'infra'],
  deploy: ['core', 'lambdas', 'statemachines', 'agent', 'infra', 'hub', 'worker'],
  cli: ['core', 'deploy'],
  emulator: ['core'],
  dashboard: ['core'],
  local: ['core', 'lambdas', 'statemachines', 'emulator', 'dashboard'],
  sim: ['core', 'emulator', 'local'],
  bench: ['*'],
  test: ['*'],
  '.': ['*'],
};

/** Imports a room's row does not list but DESIGN.md names: `file -> target file`. */
const NAMED_EXCEPTIONS: Record<string, readonly string[]> = {
  // LocalCloud implements the client factory handlers take: it needs the type, not the code.
  'emulator/*': ['lambdas/shared/clients.ts (type)'],
  // The contract path of `npx tsx local/cli.ts simulate`; nothing imports it.
  'local/cli.ts': ['sim/cli.ts'],
};

function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT =
  /(import\s+type|import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({
    from: file,
    to: normalize(join(dirname(file), m[2] ?? m[3] ?? '')),
    typeOnly: m[1] !== undefined && /^import\s+type$/.test(m[1]),
  }));
}

const roomOf = (file: string) => (file.includes('/') ? (file.split('/')[0] as string) : '.');
const FILES = sourceFiles();
const IMPORTS = FILES.flatMap(importsOf);
const crossRoom = IMPORTS.filter((i) => roomOf(i.from) !== roomOf(i.to));

const isNamedException = (i: Import) =>
  Object.entries(NAMED_EXCEPTIONS).some(
    ([from, targets]) =>
      (from === i.from || (from.endsWith('/*') && roomOf(i.from) === from.slice(0, -2))) &&
      targets.some((t) => t === i.to || (t === `${i.to} (type)` && i.typeOnly)),
  );

describe('rooms (docs/DESIGN.md)', () => {
  it('has a row for every top-level folder with code', () => {
    expect([...new Set(FILES.map(roomOf))].filter((room) => !(room in MAY_IMPORT))).toEqual([]);
  });

  it('imports only what each room may import', () => {
    const refused = crossRoom
      .filter((i) => {
        const allowed = MAY_IMPORT[roomOf(i.from)] ?? [];
        return !allowed.includes('*') && !allowed.includes(roomOf(i.to)) && !isNamedException(i);
      })
      .map((i) => `${i.from} -> ${i.to}`);
    expect(refused).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of crossRoom.filter((i) => !isNamedException(i))) {
      edges.set(roomOf(i.from), (edges.get(roomOf(i.from)) ?? new Set()).add(roomOf(i.to)));
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(edges.get(from) ?? [])].some((next) => {
        if (next === to) return true;
        if (seen.has(next)) return false;
        seen.add(next);
        return reaches(next, to, seen);
      });
    const cycles = [...edges.keys()].filter((room) => reaches(room, room));
    expect(cycles).toEqual([]);
  });
});

describe('errors', () => {
  const classes = FILES.flatMap((file) =>
    [
      ...readFileSync(join(ROOT, file), 'utf8').matchAll(
        /^export class (\w+) extends (\w*(?:Error|Exception))\b/gm,
      ),
    ].map((m) => ({ file, name: m[1] as string })),
  );

  it('declares every error class in its module errors.ts', () => {
    const outside = classes.filter((c) => !c.file.endsWith('errors.ts') && !c.file.startsWith('test/'));
    expect(outside.map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });

  it('has one UsageError, in core/errors.ts', () => {
    expect(classes.filter((c) => c.name === 'UsageError').map((c) => c.file)).toEqual(['core/errors.ts']);
  });
});
