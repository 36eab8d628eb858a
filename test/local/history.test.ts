/**
 * The history behind the dashboard's charts: sampled from a real local deployment on a virtual clock,
 * bounded in memory, cost integrated per instance, moves with their reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { HistoryRecorder } from '../../local/history.ts';
import { apiGatewayEvent } from '../../local/http-server.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

describe('HistoryRecorder', () => {
  let clock: VirtualClock;
  let plane: LocalControlPlane;
  let history: HistoryRecorder;

  const post = (path: string, body: unknown) =>
    plane.handleApi(
      apiGatewayEvent(
        { headers: {} } as never,
        new URL(`http://local${path}`),
        'POST',
        JSON.stringify(body),
        clock.now(),
      ),
    );
  const apiRegion = async () =>
    JSON.parse(
      (
        await plane.handleApi(
          apiGatewayEvent(
            { headers: {} } as never,
            new URL('http://local/spot-instances'),
            'GET',
            null,
            clock.now(),
          ),
        )
      ).body as string,
    ) as { status: string; region: string | null };

  beforeAll(async () => {
    clock = virtualClock('2026-11-24T10:00:00Z');
    plane = await LocalControlPlane.create({
      config: parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-east-1', 'us-west-2'] }),
      clock,
      logLevel: 'SILENT',
    });
    history = new HistoryRecorder(plane, clock, { intervalMs: 30_000, maxSamples: 40 }).start();
    await clock.settle();
  });
  afterAll(() => history.stop());

  it("samples every region's score and price at the interval, in columns of equal length", async () => {
    await clock.advance(90_000);
    const view = history.view();
    expect(view.t).toEqual([0, 30, 60, 90].map((s) => Date.parse('2026-11-24T10:00:00Z') / 1000 + s));
    for (const region of ['us-east-1', 'us-west-2']) {
      const r = view.regions[region]!;
      expect(r.score).toHaveLength(4);
      expect(r.price).toHaveLength(4);
      expect(r.running).toEqual([0, 0, 0, 0]);
      expect(r.price.every((p) => p !== null && p > 0)).toBe(true);
    }
    expect(view.status).toEqual(['DISABLED', 'DISABLED', 'DISABLED', 'DISABLED']);
    expect(view.cost).toMatchObject({ usd: 0, on_demand_usd: 0, since: null });
  });

  it('counts where capacity runs and what it costs so far, below what on-demand would', async () => {
    await post('/spot-provisioning', { action: 'enable' });
    await clock.runUntil(() => history.view().status.at(-1) === 'RUNNING', 3_600_000);
    await clock.advance(3_600_000);
    const view = history.view();
    const running = Object.values(view.regions).map((r) => r.running.at(-1));
    expect(running.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(1);
    expect(view.cost.usd).toBeGreaterThan(0);
    expect(view.cost.on_demand_usd).toBeGreaterThan(view.cost.usd);
    expect(view.cost.instance_hours).toBeGreaterThan(0.9);
    expect(view.cost.usd_per_hour).toBeGreaterThan(0);
    expect(view.cost.since).not.toBeNull();
  });

  it('records a move with the reason the region was left', async () => {
    const before = (await apiRegion()).region!;
    const other = before === 'us-east-1' ? 'us-west-2' : 'us-east-1';
    expect(plane.cloud.interrupt(before).length).toBe(1);
    await clock.runUntil(() => history.view().moves.length > 0, 3_600_000);
    const [move] = history.view().moves;
    expect(move).toMatchObject({ from: before, to: other });
    expect(move?.reason).toMatch(/Interrupt/i);
  });

  it('keeps memory bounded: past maxSamples the older half thins out, the span stays', async () => {
    await clock.advance(40 * 30_000);
    const view = history.view();
    expect(view.t.length).toBeLessThanOrEqual(40);
    expect(view.t[0]).toBe(Date.parse('2026-11-24T10:00:00Z') / 1000);
    expect(view.t.at(-1)).toBe(clock.now().getTime() / 1000);
    expect([...view.t].sort((a, b) => a - b)).toEqual(view.t);
  });
});
