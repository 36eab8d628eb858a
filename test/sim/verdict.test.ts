import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../sim/report.ts';
import type { SimulationResult } from '../../sim/simulate.ts';
import { availabilityText, GLOSSARY, ratioText, verdict } from '../../sim/verdict.ts';

/** A report with only the figures the verdict reads set; the rest are never read by it. */
const report = (r: Pick<RunReport, 'availability' | 'costVsOnDemand' | 'costUsd' | 'downtimeS'>) =>
  r as RunReport;

const result = (spotplane: RunReport | null, baseline: RunReport) =>
  ({ spotplane, baseline, spotplaneError: spotplane ? null : 'no plane' }) as SimulationResult;

describe('verdict', () => {
  it.each([
    {
      name: 'cheaper and less downtime',
      s: { availability: 0.99993, costVsOnDemand: 0.3214, costUsd: 97.5, downtimeS: 180 },
      b: { availability: 0.9993, costVsOnDemand: 0.33, costUsd: 100, downtimeS: 2580 },
      line: '99.99 % available at 0.32x on-demand; 2.5 % cheaper and 40 min 0 s less downtime than break-before-make',
    },
    {
      name: 'dearer and more downtime',
      s: { availability: 0.99, costVsOnDemand: 0.5, costUsd: 110, downtimeS: 600 },
      b: { availability: 0.999, costVsOnDemand: 0.45, costUsd: 100, downtimeS: 30 },
      line: '99.00 % available at 0.50x on-demand; 10.0 % dearer and 9 min 30 s more downtime than break-before-make',
    },
    {
      name: 'the same on both',
      s: { availability: 1, costVsOnDemand: 0.3, costUsd: 100, downtimeS: 0 },
      b: { availability: 1, costVsOnDemand: 0.3, costUsd: 100, downtimeS: 0 },
      line: '100.00 % available at 0.30x on-demand; the same cost and the same downtime than break-before-make',
    },
  ])('compares spotplane with break-before-make: $name', ({ s, b, line }) => {
    expect(verdict(result(report(s), report(b)))).toBe(line);
  });

  it("gives the baseline's own figures when spotplane did not run", () => {
    const b = report({ availability: 0.995, costVsOnDemand: 0.41, costUsd: 50, downtimeS: 100 });
    expect(verdict(result(null, b))).toBe(
      'spotplane was not run; break-before-make alone: 99.50 % available at 0.41x on-demand',
    );
  });

  it.each([
    [0.9999, '99.99 %'],
    [0.999996, '99.9996 %'],
    [1, '100.00 %'],
    [0.5, '50.00 %'],
  ])('never rounds a shortfall up to 100 %%: %s -> %s', (fraction, text) => {
    expect(availabilityText(fraction)).toBe(text);
  });

  it('keeps small ratios readable', () => {
    expect(ratioText(0.3214)).toBe('0.32x');
    expect(ratioText(0.0456)).toBe('0.046x');
  });

  it('explains the oracle and the baseline', () => {
    const terms = new Map(GLOSSARY);
    expect(terms.get('oracle')).toMatch(/cheapest region/);
    expect(terms.get('baseline')).toMatch(/break-before-make/);
  });
});
