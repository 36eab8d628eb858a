/**
 * Tests that need a tool from outside npm (Chromium, Terraform) skip without it on a developer's
 * machine, but never in CI: under `CI=true` a missing tool fails the file, naming what to install, so a
 * green CI cannot hide skipped tests (`.ci/run` installs what they need).
 */

/**
 * Whether the tests needing `tool` should skip here.
 *
 * @returns true when the tool is missing and this is not CI.
 * @throws {Error} when the tool is missing and `CI=true`.
 */
export function skipWithout(tool: string, available: boolean, install: string): boolean {
  if (available) return false;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and ${tool} is missing: ${install} (.ci/run installs it)`);
  }
  return true;
}
