/**
 * Bundles Lambda handlers (`lambdas/<name>/handler.ts`) with esbuild into one ESM file each and zips
 * them. The handler list comes from the tree: a handler that does not exist yet is reported, not faked.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { LAMBDA_NAMES, type LambdaName } from '../core/naming.ts';
import { zipFiles } from './zip.ts';

/** The Lambda runtime and architecture every spotplane function uses (provider 5.100 knows nodejs22.x). */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LAMBDA_ARCHITECTURE = 'arm64';
/** The bundle is `index.mjs` exporting `handler`. */
export const LAMBDA_HANDLER = 'index.handler';

export interface LambdaBundle {
  name: LambdaName;
  zipPath: string;
  /** Base64 SHA-256 of the zip, as Lambda reports `CodeSha256` (Terraform's `source_code_hash`). */
  sha256: string;
  /** Project source files (relative to the root) that went into the bundle. */
  sources: string[];
}

export const handlerPath = (rootDir: string, name: LambdaName) =>
  join(rootDir, 'lambdas', name, 'handler.ts');

/** Splits the wanted handlers into the ones present in the tree and the ones not written yet. */
export function discoverHandlers(
  rootDir: string,
  wanted: readonly LambdaName[] = LAMBDA_NAMES,
): { present: LambdaName[]; missing: LambdaName[] } {
  const present = wanted.filter((n) => existsSync(handlerPath(rootDir, n)));
  return { present, missing: wanted.filter((n) => !present.includes(n)) };
}

/**
 * Builds every named handler in one esbuild run (they share most modules) and writes one
 * deterministic zip per handler under `workDir`.
 */
export function bundleLambdas(
  rootDir: string,
  lambdaNames: readonly LambdaName[],
  workDir: string,
): Map<LambdaName, LambdaBundle> {
  const bundles = new Map<LambdaName, LambdaBundle>();
  if (lambdaNames.length === 0) return bundles;
  const outdir = join(workDir, 'lambda-build');
  const result = buildSync({
    absWorkingDir: rootDir,
    entryPoints: Object.fromEntries(lambdaNames.map((n) => [`${n}/index`, handlerPath(rootDir, n)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    // ESM bundles of CommonJS dependencies (the AWS SDK) still call require() for Node built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  mkdirSync(workDir, { recursive: true });
  for (const name of lambdaNames) {
    const code = readFileSync(join(outdir, name, 'index.mjs'));
    const zip = zipFiles([{ name: 'index.mjs', data: code }]);
    const zipPath = join(workDir, `${name}.zip`);
    writeFileSync(zipPath, zip);
    const output = Object.entries(result.metafile.outputs).find(([file]) =>
      file.endsWith(`${name}/index.mjs`),
    );
    const sources = Object.keys(output?.[1].inputs ?? {})
      .filter((file) => !file.includes('node_modules'))
      .map((file) => relative(rootDir, join(rootDir, file)));
    bundles.set(name, {
      name,
      zipPath,
      sha256: createHash('sha256').update(zip).digest('base64'),
      sources,
    });
  }
  return bundles;
}
