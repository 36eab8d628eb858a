import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../sim/chart.ts';
import { SimRunError } from '../../sim/errors.ts';
import { type ControlPlaneFactory, simulate } from '../../sim/simulate.ts';
import { formatSummary } from '../../sim/summary.ts';

const unavailable: ControlPlaneFactory = async () => {
  throw new SimRunError('no control plane in this test');
};

const OPTIONS = { seed: 3, days: 5, regions: ['us-east-1', 'us-west-2', 'eu-west-1'] };

describe('simulate', () => {
  it('gives the same result for the same options and seed', async () => {
    const a = await simulate(OPTIONS, unavailable);
    const b = await simulate(OPTIONS, unavailable);
    expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
    expect(a.result.trace).toMatchObject({ source: 'synthetic', seed: 3, days: 5 });
  });

  it('reports a control plane that cannot run instead of modelling it', async () => {
    const { result } = await simulate(OPTIONS, unavailable);
    expect(result.spotplane).toBeNull();
    expect(result.spotplaneError).toBe('SimRunError: no control plane in this test');
    expect(result.baseline.availability).toBeGreaterThan(0);
  });

  it('reads a price-history export as the trace', async () => {
    const text = [
      'SPOTPRICEHISTORY\tus-east-1a\tg6.xlarge\tLinux/UNIX\t0.35\t2026-11-20T00:00:00Z',
      'SPOTPRICEHISTORY\tus-west-2b\tg6.xlarge\tLinux/UNIX\t0.30\t2026-11-20T00:00:00Z',
      'SPOTPRICEHISTORY\tus-west-2b\tg6.xlarge\tLinux/UNIX\t0.31\t2026-11-23T00:00:00Z',
    ].join('\n');
    const { result } = await simulate({ seed: 1, priceHistory: text, days: 2 }, unavailable);
    expect(result.trace).toMatchObject({ source: 'csv', regions: ['us-east-1', 'us-west-2'], days: 2 });
  });

  it('reports the contract keys for spotplane and every comparison policy, on an availability trace', async () => {
    const rows = ['timestamp,region,zone,available_instances'];
    for (let m = 0; m < 6 * 60; m += 5) {
      const stamp = new Date(Date.parse('2026-11-01T00:00:00Z') + m * 60_000).toISOString();
      rows.push(
        `${stamp},us-east-2,us-east-2a,${m >= 120 && m < 180 ? 0 : 1}`,
        `${stamp},us-east-2,us-east-2b,2`,
      );
    }
    const { result } = await simulate(
      {
        seed: 1,
        availabilityTrace: rows.join('\n'),
        flatSpotRatio: 1 / 3,
        warningSeconds: 0,
        launchSeconds: 120,
        instanceTypes: ['g6.xlarge'],
      },
      unavailable,
    );
    expect(result.trace).toMatchObject({ source: 'availability', regions: ['us-east-2'] });
    expect(result.availability).toBeNull();
    expect(result.target_capacity).toBe(1);
    for (const name of ['baseline', 'round_robin', 'spothedge'] as const) {
      expect(Object.keys(result.policies[name]).sort()).toEqual(
        [
          'availability',
          'cost_vs_on_demand',
          'failovers',
          'max_gap_s',
          'spot_share',
          'target_capacity',
        ].sort(),
      );
    }
    // One replica, a zone that dies once: SpotHedge moves it and covers the cold start with on-demand.
    expect(result.policies.spothedge.failovers).toBe(1);
    expect(result.policies.spothedge.max_gap_s).toBe(120);
    expect(result.policies.spothedge.cost_vs_on_demand).toBeGreaterThan(1 / 3);
  });

  it('refuses a fleet that does not fit the regions, naming the flags', async () => {
    await expect(simulate({ ...OPTIONS, targetCapacity: 5, maxPerRegion: 1 }, unavailable)).rejects.toThrow(
      /--max-per-region: targetCapacity \+ spareCapacity \(5\) cannot fit: maxPerRegion \(1\) x 3/,
    );
  });

  it('refuses the one-region policy for more than one replica, naming the flag', async () => {
    await expect(
      simulate({ ...OPTIONS, targetCapacity: 3, placementPolicy: 'one-region' }, unavailable),
    ).rejects.toThrow(
      /--placement-policy: "one-region" runs one replica; targetCapacity \+ spareCapacity is 3/,
    );
  });
});

describe('formatSummary and renderHtml', () => {
  it('prints every figure with its unit and says why spotplane did not run', async () => {
    const { result } = await simulate(OPTIONS, unavailable);
    const text = formatSummary(result, 1);
    expect(text).toMatch(/availability\s+not run\s+\d+\.\d{3} %/);
    expect(text).toMatch(/cost of the run\s+not run\s+\$\d+\.\d{2}/);
    expect(text).toMatch(/serving gap per failover, mean\s+not run\s+[\d.]+ (s|min|h)/);
    expect(text).toContain('spotplane was not run: SimRunError: no control plane in this test');
    expect(text).not.toContain('wall time');
    expect(text.split('\n')[0]).toMatch(
      /^spotplane was not run; break-before-make alone: \d+\.\d{2,} % available at \d\.\d+x on-demand$/,
    );
    expect(text).toMatch(/\(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC to /);
    expect(text).toMatch(/glossary:\n {2}availability {2,}/);
    expect(text).toMatch(/^ {2}oracle {2,}a hindsight lower bound/m);
  });

  it('renders a self-contained page: inline SVG, no scripts, no external references', async () => {
    const run = await simulate(OPTIONS, unavailable);
    const html = renderHtml(run);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
    expect(html.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:/);
    for (const region of OPTIONS.regions) expect(html).toContain(`>${region}</text>`);
    // One price line per region, one lane for the baseline.
    expect(html.match(/<path /g)).toHaveLength(3);
    expect(html).toContain('>baseline</text>');
  });

  it('leads with the verdict, shows every CLI figure, dated axis, nice price ticks and a glossary', async () => {
    const run = await simulate(OPTIONS, unavailable);
    const html = renderHtml(run);
    expect(html).toMatch(/<p class="verdict">spotplane was not run; break-before-make alone: /);
    for (const label of [
      'downtime (after first healthy)',
      'same instance-hours on-demand',
      'serving gap per failover, max',
    ])
      expect(html).toContain(`<th>${label}</th>`);
    expect(html).toMatch(/text-anchor="middle">Nov \d+<\/text>/);
    const ticks = [...html.matchAll(/text-anchor="end">\$(\d+\.\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const steps = new Set(ticks.slice(1).map((t, i) => Math.round((t - ticks[i]!) * 1e6)));
    expect(steps.size).toBe(1);
    const step = [...steps][0]! / 1e6;
    // A step of 1, 2 or 5 times a power of ten: $0.20, $0.25, $0.30, never $0.203.
    expect(Math.round((step / 10 ** Math.floor(Math.log10(step))) * 1000) / 1000).toBeOneOf([1, 2, 5]);
    expect(html).toContain('<dt>oracle</dt>');
  });
});
