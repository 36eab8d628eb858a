/** The on-instance agent's single-file bundle, built with the agent's own packager. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_BUNDLE_NAME, buildBundle } from '../agent/packaging.ts';

export const AGENT_ENTRY = join('agent', 'cli.ts');

/** Returns the bundle, or undefined while the agent's CLI does not exist. */
export async function bundleAgent(
  rootDir: string,
  workDir: string,
): Promise<{ path: string; sha256Hex: string } | undefined> {
  const entry = join(rootDir, AGENT_ENTRY);
  if (!existsSync(entry)) return undefined;
  mkdirSync(workDir, { recursive: true });
  const path = join(workDir, AGENT_BUNDLE_NAME);
  await buildBundle(entry, path);
  return { path, sha256Hex: createHash('sha256').update(readFileSync(path)).digest('hex') };
}
