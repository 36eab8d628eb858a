/**
 * `npm run bench [-- --json] [-- --only name,name]`: runs every module in bench/metrics/ and prints
 * the figures. With --json, stdout carries exactly one JSON object {metric: value}; progress goes to stderr.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark, Figure } from './types.ts';

const usage = `Usage: npm run bench -- [--json] [--only <name>[,<name>...]]

Runs spotplane's benchmarks (bench/metrics/*.ts) and prints their figures.
  --json        print one JSON object {metric: value} on stdout (progress goes to stderr)
  --only LIST   run only the named benchmarks
  --help        show this help`;

async function main(): Promise<number> {
  let values: { json?: boolean; only?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { json: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'metrics');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { benchmark: Benchmark };
    benchmarks.push(mod.benchmark);
  }
  const only = values.only?.split(',').map((s) => s.trim());
  if (only) {
    const unknown = only.filter((n) => !benchmarks.some((b) => b.name === n));
    if (unknown.length > 0) {
      console.error(
        `--only: unknown benchmark(s) ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
      );
      return 2;
    }
  }
  const figures: Figure[] = [];
  for (const b of benchmarks.filter((b) => !only || only.includes(b.name))) {
    console.error(`bench: running ${b.name} ...`);
    figures.push(...(await b.measure()));
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(figures.map((f) => [f.key, f.value])))}\n`);
  } else {
    for (const f of figures) {
      const target = f.target ? `  (target ${f.target})` : '';
      console.log(
        `${f.key.padEnd(28)} ${String(Number(f.value.toPrecision(6))).padStart(12)} ${f.unit}${target}`,
      );
    }
  }
  return 0;
}

process.exitCode = await main();
