/**
 * Builds the dashboard's browser code (`client/main.ts` and what it imports, uPlot included) and its
 * stylesheet with esbuild, in memory, once per process: `npm start` needs no separate build step.
 */
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export interface DashboardAssets {
  script: string;
  css: string;
}

const CLIENT = join(import.meta.dirname, 'client');

let built: DashboardAssets | undefined;

/** The bundled script and stylesheet (built on the first call, ~0.1 s). */
export function dashboardAssets(): DashboardAssets {
  if (built) return built;
  const result = buildSync({
    entryPoints: { main: join(CLIENT, 'main.ts'), styles: join(CLIENT, 'styles.css') },
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'iife',
    target: 'es2020',
    minify: false,
    legalComments: 'inline',
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  built = { script: text('.js'), css: text('.css') };
  return built;
}
