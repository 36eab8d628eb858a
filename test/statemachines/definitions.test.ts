// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ASL placeholders are literal `${Name}` text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { LAUNCH_POLL_SECONDS } from '../../core/launch-budget.ts';
import {
  DefinitionError,
  loadDefinition,
  placeholdersIn,
  STATE_MACHINE_FILES,
  substituteDefinition,
} from '../../statemachines/load.ts';
import { orchestratorSettings } from '../../statemachines/settings.ts';
import { loadOrchestrator, loadWorkerMachine } from './support/substitutions.ts';

type State = Record<string, unknown>;
type Machine = { States: Record<string, State> };

const machines = {
  orchestrator: () => loadOrchestrator(),
  launch: () => loadWorkerMachine('launch', 'us-west-2'),
  capacityMonitor: () => loadWorkerMachine('capacityMonitor', 'us-west-2'),
  teardown: () => loadWorkerMachine('teardown', 'us-west-2'),
};

/** Every state, including those inside Map processors and Parallel branches. */
function allStates(machine: Machine): [string, State][] {
  const found: [string, State][] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    found.push([name, state]);
    const processor = (state.ItemProcessor ?? state.Iterator) as Machine | undefined;
    if (processor) found.push(...allStates(processor));
    for (const branch of (state.Branches as Machine[] | undefined) ?? []) found.push(...allStates(branch));
  }
  return found;
}

/** Where a state can go next (Next, Default, Choices, Catch). */
function successors(state: State): string[] {
  const rules = (state.Choices as { Next: string }[] | undefined) ?? [];
  const catchers = (state.Catch as { Next: string }[] | undefined) ?? [];
  return [state.Next, state.Default, ...rules.map((r) => r.Next), ...catchers.map((c) => c.Next)].filter(
    (next): next is string => typeof next === 'string',
  );
}

const hasNumericBound = (rule: unknown): boolean =>
  typeof rule === 'object' &&
  rule !== null &&
  Object.entries(rule).some(([key, value]) =>
    key.startsWith('Numeric')
      ? true
      : Array.isArray(value)
        ? value.some(hasNumericBound)
        : hasNumericBound(value),
  );

/**
 * A state that makes a loop through it slow or finite: a Wait, a task waiting for a callback (bounded by
 * its TimeoutSeconds), or a Choice comparing a counter.
 */
function pausesOrBounds(state: State): boolean {
  if (state.Type === 'Wait') return true;
  if (state.Type === 'Task') return String(state.Resource).endsWith('.waitForTaskToken');
  return state.Type === 'Choice' && hasNumericBound(state.Choices);
}

/** The return-address pattern of the worker machines: a Pass sets `$.resume` = { to: <state> }. */
const RESUME_PATH = '$.resume';
const setsResume = (state: State): string | undefined =>
  state.Type === 'Pass' && state.ResultPath === RESUME_PATH
    ? ((state.Result as { to?: string } | undefined)?.to ?? undefined)
    : undefined;
const dispatchesOnResume = (state: State): boolean =>
  state.Type === 'Choice' &&
  ((state.Choices as { Variable?: string }[] | undefined) ?? []).every(
    (r) => r.Variable === `${RESUME_PATH}.to`,
  );

/**
 * Where a state can go next given the resume target it carries: a Choice dispatching on `$.resume.to` goes
 * only where the last Pass that set `$.resume` said (a subroutine's return), not to every target it lists.
 */
function successorsIn(state: State, resumeTo: string | undefined): [string, string | undefined][] {
  const next = setsResume(state) ?? resumeTo;
  if (dispatchesOnResume(state) && resumeTo !== undefined) {
    const rule = (state.Choices as { StringEquals: string; Next: string }[]).find(
      (r) => r.StringEquals === resumeTo,
    );
    return [[rule?.Next ?? (state.Default as string), next]];
  }
  return successors(state).map((s) => [s, next]);
}

/**
 * The states of a cycle that avoids every state in `cut`, or null when there is none (DFS colouring over
 * state x resume target, so a shared subroutine returning to different callers is no cycle by itself).
 */
function cycleAvoiding(states: Record<string, State>, cut: Set<string>): string[] | null {
  const colour = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string, resumeTo: string | undefined): string[] | null => {
    const key = `${name}|${resumeTo ?? ''}`;
    if (cut.has(name) || colour.get(key) === 'done') return null;
    if (colour.get(key) === 'open') return path.slice(path.indexOf(key)).map((k) => k.split('|')[0]!);
    colour.set(key, 'open');
    path.push(key);
    for (const [next, carried] of successorsIn(states[name]!, resumeTo)) {
      const found = visit(next, carried);
      if (found) return found;
    }
    path.pop();
    colour.set(key, 'done');
    return null;
  };
  for (const name of Object.keys(states)) {
    const found = visit(name, undefined);
    if (found) return found;
  }
  return null;
}

describe('state machine files', () => {
  for (const [key, load] of Object.entries(machines)) {
    describe(key, () => {
      it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
        const definition = load();
        const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
        expect(result.errorsText('\n')).toBe('');
        expect(result.isValid).toBe(true);
      });

      it('gives every Task a TimeoutSeconds (a number, or a TimeoutSecondsPath the plan fills)', () => {
        const tasks = allStates(load() as Machine).filter(([, s]) => s.Type === 'Task');
        expect(tasks.length).toBeGreaterThan(0);
        for (const [name, task] of tasks) {
          const bounded =
            typeof task.TimeoutSeconds === 'number' || typeof task.TimeoutSecondsPath === 'string';
          expect(bounded, `${name} TimeoutSeconds`).toBe(true);
        }
      });

      it('has no loop that neither pauses nor counts (continuing as a new execution is no bound)', () => {
        const { States: states } = load() as Machine;
        const cut = new Set(
          Object.entries(states)
            // Loop's cycle count only hands the loop on to the next execution: it bounds nothing.
            .filter(([name, state]) => name !== 'Loop' && pausesOrBounds(state))
            .map(([name]) => name),
        );
        expect(cycleAvoiding(states, cut)).toBeNull();
      });

      it('uses JSONPath only and PascalCase aws-sdk parameters', () => {
        const definition = load() as Machine & { QueryLanguage?: string };
        expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
        for (const [name, state] of allStates(definition)) {
          expect(state.QueryLanguage ?? 'JSONPath', name).toBe('JSONPath');
          if (typeof state.Resource === 'string' && state.Resource.includes(':aws-sdk:')) {
            for (const key of Object.keys(state.Parameters as object))
              expect(key, `${name}.${key}`).toMatch(/^[A-Z]/);
          }
        }
      });
    });
  }

  it('finds a retry loop without a pause or a bound (the loop check itself)', () => {
    const states: Record<string, State> = {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Next: 'Ok',
        Catch: [{ Next: 'Again' }],
      },
      Again: { Type: 'Pass', Next: 'Call' },
      Ok: { Type: 'Succeed' },
    };
    expect(cycleAvoiding(states, new Set())).toEqual(['Call', 'Again']);
    states.Again = { Type: 'Wait', Seconds: 30, Next: 'Call' };
    expect(cycleAvoiding(states, new Set(['Again']))).toBeNull();
  });

  it('follows a subroutine back to its caller only (the fence), and still finds a loop through it', () => {
    const states: Record<string, State> = {
      First: { Type: 'Pass', Result: { to: 'A' }, ResultPath: '$.resume', Next: 'Sub' },
      Sub: { Type: 'Pass', Next: 'Return' },
      Return: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.resume.to', StringEquals: 'A', Next: 'A' },
          { Variable: '$.resume.to', StringEquals: 'B', Next: 'B' },
        ],
        Default: 'A',
      },
      A: { Type: 'Pass', Result: { to: 'B' }, ResultPath: '$.resume', Next: 'Sub' },
      B: { Type: 'Succeed' },
    };
    expect(cycleAvoiding(states, new Set())).toBeNull();
    states.B = { Type: 'Pass', Next: 'First' };
    expect(cycleAvoiding(states, new Set())).not.toBeNull();
  });

  it('waits in Act for a wake or the next look the plan chose; a timeout is simply the next cycle', () => {
    const { States: states } = machines.orchestrator() as Machine;
    expect(states.Act).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.step.plan.next_look_seconds',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Loop' },
        { ErrorEquals: ['Superseded'], Next: 'Superseded' },
        { ErrorEquals: ['States.ALL'], Next: 'Pause' },
      ],
    });
    expect(states.Superseded).toMatchObject({ Type: 'Succeed' });
  });

  it('polls a worker launch every LAUNCH_POLL_SECONDS, the interval its poll bound is computed with', () => {
    const { States: states } = loadWorkerMachine('launch', 'us-west-2') as Machine;
    expect(states.PollWait).toMatchObject({ Type: 'Wait', Seconds: LAUNCH_POLL_SECONDS, Next: 'CountPoll' });
  });

  it('derives the Orchestrator settings from the configuration, as strings a stack can pass', () => {
    const settings = orchestratorSettings(parseConfig({ workerRegions: ['us-west-2'] }));
    expect(settings).toEqual({ MaxCycles: '500', ErrorPauseSeconds: '30' });
    const definition = loadDefinition(STATE_MACHINE_FILES.orchestrator, {
      ...settings,
      ObserveArn: 'arn:aws:lambda:us-east-1:123456789012:function:spotplane-observe',
      PlanArn: 'arn:aws:lambda:us-east-1:123456789012:function:spotplane-plan',
      ActArn: 'arn:aws:lambda:us-east-1:123456789012:function:spotplane-act',
    }) as Machine;
    expect(definition.States.Pause).toMatchObject({ Type: 'Wait', Seconds: 30 });
    expect((definition.States.Loop!.Choices as object[])[1]).toMatchObject({ NumericGreaterThanEquals: 500 });
  });
});

describe('loadDefinition', () => {
  const text = JSON.stringify({
    StartAt: 'W',
    States: { W: { Type: 'Wait', Seconds: 60, Comment: 'in ${Region} for ${Prefix}', End: true } },
  });

  it('substitutes a whole-string placeholder with its typed value and interpolates the others', () => {
    const definition = substituteDefinition(
      JSON.stringify({
        a: '${MaxCycles}',
        b: '${OnDemandFallback}',
        c: '${WorkerRegions}',
        d: 'x-${Prefix}-y',
        e: '${Prefix}',
      }),
      { MaxCycles: '7', OnDemandFallback: 'false', WorkerRegions: 'us-west-2, eu-west-1', Prefix: 'p' },
    );
    expect(definition).toEqual({ a: 7, b: false, c: ['us-west-2', 'eu-west-1'], d: 'x-p-y', e: 'p' });
  });

  it('reports every missing, unknown and ill-typed placeholder at once', () => {
    let error: unknown;
    try {
      substituteDefinition(
        JSON.stringify({ a: '${MaxCycles}', b: '${Region}' }),
        { MaxCycles: 'many', Typo: 'x' },
        'test.asl.json',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toEqual([
      'Region: missing (used by test.asl.json)',
      'Typo: unknown (test.asl.json does not use it)',
      'MaxCycles: must be an integer (got "many")',
    ]);
  });

  it('accepts unused substitutions when asked to', () => {
    expect(() =>
      substituteDefinition('{"a":"${Prefix}"}', { Prefix: 'p', Region: 'r' }, 'x', { allowUnused: true }),
    ).not.toThrow();
  });

  it('loads a file by path or by its name in statemachines/, and says which file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spotplane-asl-'));
    const file = join(dir, 'wait.asl.json');
    writeFileSync(file, text);
    expect(placeholdersIn(text)).toEqual(['Prefix', 'Region']);
    expect(loadDefinition(file, { Prefix: 'p', Region: 'r' })).toMatchObject({
      States: { W: { Comment: 'in r for p' } },
    });
    expect(() => loadDefinition(join(dir, 'nope.asl.json'), {})).toThrow(/nope\.asl\.json/);
    expect(() => substituteDefinition('{not json', {}, 'bad.asl.json')).toThrow(DefinitionError);
  });
});
