import { describe, expect, it } from 'vitest';
import { matchTemplate } from './template-match.ts';

const template = {
  StartAt: 'A',
  States: {
    A: {
      Type: 'Task',
      Parameters: { FunctionName: '${Fn}', Bus: '${Prefix}-hub', Capacity: '${TargetCapacity}' },
      Next: 'B',
    },
    B: { Type: 'Task', Parameters: { FunctionName: '${Fn}' }, End: true },
  },
};
const deployed = (over: Record<string, unknown> = {}) => ({
  StartAt: 'A',
  States: {
    A: { Type: 'Task', Parameters: { FunctionName: 'arn:fn', Bus: 'demo-hub', Capacity: 2 }, Next: 'B' },
    B: { Type: 'Task', Parameters: { FunctionName: 'arn:fn' }, End: true },
    ...over,
  },
});

describe('matchTemplate', () => {
  it('binds whole and embedded placeholders, typed values included', () => {
    const { bindings, mismatches } = matchTemplate(template, deployed());
    expect(mismatches).toEqual([]);
    expect(Object.fromEntries(bindings)).toEqual({ Fn: 'arn:fn', Prefix: 'demo', TargetCapacity: 2 });
  });

  it('reports a changed literal', () => {
    const changed = deployed({ B: { Type: 'Task', Parameters: { FunctionName: 'arn:fn' }, Next: 'C' } });
    expect(matchTemplate(template, changed).mismatches.join('\n')).toMatch(
      /\$\.States\.B: keys .* != End,Parameters,Type/,
    );
  });

  it('reports one placeholder standing for two values', () => {
    const split = deployed({ B: { Type: 'Task', Parameters: { FunctionName: 'arn:other' }, End: true } });
    expect(matchTemplate(template, split).mismatches.join('\n')).toMatch(
      /\$\{Fn\} is "arn:other" here but "arn:fn" elsewhere/,
    );
  });

  it('reports a string that does not fit its template', () => {
    const a = deployed();
    (a.States.A.Parameters as Record<string, unknown>).Bus = 'demo-worker';
    expect(matchTemplate(template, a).mismatches.join('\n')).toMatch(
      /"demo-worker" does not fit "\$\{Prefix\}-hub"/,
    );
  });
});
