/** Turns scenarios into vitest tests: `it`, or `it.fails` for a known defect (known-defects.ts). */
import { expect, it } from 'vitest';
import { KNOWN_DEFECTS } from './known-defects.ts';
import { explain, runScenario } from './run.ts';
import type { NamedScenario } from './scenarios.ts';

/** A scenario runs a few simulated hours in about a second; a loaded machine may take ten times that. */
export const SCENARIO_TIMEOUT_MS = 180_000;

export function scenarioTests(scenarios: readonly NamedScenario[]): void {
  for (const scenario of scenarios) {
    const defect = KNOWN_DEFECTS[scenario.name];
    // A known defect: the scenario must fail today (it.fails), and the test's name says which defect.
    const test = defect ? it.fails : it;
    test(
      defect ? `${scenario.name} [known defect: ${defect}]` : scenario.name,
      async () => {
        const outcome = await runScenario(scenario);
        expect(outcome.violations, explain(outcome)).toEqual([]);
      },
      SCENARIO_TIMEOUT_MS,
    );
  }
}
