/**
 * The fault suite's property test: random sequences of the operations the scenarios use (toggles,
 * interruptions, capacity, throttles of the actions spotplane uses, failed entries, crashes, silent
 * workers, hands in the console, a stopped Orchestrator), held to the same invariants. Seeded, with a
 * bounded number of runs; a failure shrinks to the shortest sequence that still breaks an invariant.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { throttlingError, usedActions } from './actions.ts';
import { KNOWN_DEFECTS } from './known-defects.ts';
import { explain, runScenario, type Step } from './run.ts';
import { HUB, type Op, WORKERS } from './world.ts';

const PROPERTY_NAME = 'random sequences of operations keep every invariant';
/** Runs per `npm test`: about a second each (a few simulated hours), so the suite stays well under a minute. */
const RUNS = 12;
const SEED = 20261124;

const worker = fc.constantFrom(...WORKERS);
const anyRegion = fc.constantFrom(HUB, ...WORKERS.filter((r) => r !== HUB));
const used = usedActions();

const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ op: 'enable' }) },
  { weight: 3, arbitrary: fc.boolean().map<Op>((teardown) => ({ op: 'disable', teardown })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(worker, fc.constant('serving' as const))
      .map<Op>((region) => ({ op: 'interrupt', region })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ region: worker, available: fc.boolean() })
      .map<Op>((c) => ({ op: 'capacity', ...c })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ action: fc.constantFrom(...used), region: anyRegion, count: fc.integer({ min: 1, max: 3 }) })
      .map<Op>(({ action, region, count }) => ({
        op: 'fault',
        region,
        service: action.service,
        action: action.action,
        error: throttlingError(action.service, action.action),
        count,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ region: anyRegion, count: fc.integer({ min: 1, max: 3 }) }).map<Op>((f) => ({
      op: 'fault',
      service: 'eventbridge',
      action: 'PutEvents',
      error: 'FailedEntry',
      ...f,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ region: anyRegion, count: fc.integer({ min: 1, max: 3 }) }).map<Op>((f) => ({
      op: 'fault',
      service: 'lambda',
      action: 'Invoke',
      error: 'Runtime.ExitError',
      ...f,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ region: worker, desired_capacity: fc.integer({ min: 0, max: 1 }) })
      .map<Op>((a) => ({ op: 'asg', ...a })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'stop-orchestrator' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'restart-orchestrator' }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ region: worker, minutes: fc.integer({ min: 5, max: 30 }) })
      .map<Op>((m) => ({ op: 'mute-worker', ...m })),
  },
);

/** Operations with the seconds since the previous one: together, at once, or minutes apart. */
const steps: fc.Arbitrary<Step[]> = fc
  .array(fc.record({ gap: fc.constantFrom(0, 1, 30, 120, 600, 1800), op: operation }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((list) => {
    let at = 0;
    return list.map(({ gap, op }) => {
      at += gap;
      return { at, op };
    });
  });

describe('fault suite: property', () => {
  const defect = KNOWN_DEFECTS[PROPERTY_NAME];
  (defect ? it.fails : it)(
    defect ? `${PROPERTY_NAME} [known defect: ${defect}]` : PROPERTY_NAME,
    async () => {
      await fc.assert(
        fc.asyncProperty(steps, async (s) => {
          const outcome = await runScenario({ steps: s });
          if (outcome.violations.length > 0) throw new Error(explain(outcome));
        }),
        // While a known defect makes it fail, skip shrinking (minutes of reruns for a failure we expect).
        { seed: SEED, numRuns: RUNS, endOnFailure: defect !== undefined },
      );
    },
    600_000,
  );
});
