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
import { FLEET_WORLD } from './scenarios.ts';
import { HUB, type Op, WORKERS, type WorldOptions } from './world.ts';

const PROPERTY_NAME = 'random sequences of operations keep every invariant';
/** Runs per `npm test`: about a second each (a few simulated hours), so the suite stays well under a minute. */
const RUNS = 12;
const SEED = 20261124;

const worker = fc.constantFrom(...WORKERS);
const anyRegion = fc.constantFrom(HUB, ...WORKERS.filter((r) => r !== HUB));
const used = usedActions();

/** One operation; a person's ASG change sets up to `maxDesired` (the most the deployment runs in a region). */
const operation = (maxDesired: number): fc.Arbitrary<Op> =>
  fc.oneof(
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
        .record({
          action: fc.constantFrom(...used),
          region: anyRegion,
          count: fc.integer({ min: 1, max: 3 }),
        })
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
        .record({ region: worker, desired_capacity: fc.integer({ min: 0, max: maxDesired }) })
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
const steps = (maxDesired: number): fc.Arbitrary<Step[]> =>
  fc
    .array(fc.record({ gap: fc.constantFrom(0, 1, 30, 120, 600, 1800), op: operation(maxDesired) }), {
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

/** The property over one deployment: a single replica (one region at a time) or a fleet over regions. */
function property(name: string, world: WorldOptions | undefined, maxDesired: number): void {
  const defect = KNOWN_DEFECTS[name];
  (defect ? it.fails : it)(
    defect ? `${name} [known defect: ${defect}]` : name,
    async () => {
      await fc.assert(
        fc.asyncProperty(steps(maxDesired), async (s) => {
          const outcome = await runScenario({ world, steps: s });
          if (outcome.violations.length > 0) throw new Error(explain(outcome));
        }),
        // While a known defect makes it fail, skip shrinking (minutes of reruns for a failure we expect).
        { seed: SEED, numRuns: RUNS, endOnFailure: defect !== undefined },
      );
    },
    600_000,
  );
}

describe('fault suite: property', () => {
  property(PROPERTY_NAME, undefined, 1);
  property(`${PROPERTY_NAME} (a fleet: 2 ready + 1 spare, one per region)`, FLEET_WORLD, 2);
});
