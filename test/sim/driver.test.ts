import { describe, expect, it } from 'vitest';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { runSpotplane } from '../../sim/driver.ts';
import { SimRunError } from '../../sim/errors.ts';
import { TimelineRecorder } from '../../sim/recorder.ts';
import type { ObservedInstance, SimulatedControlPlane } from '../../sim/simulated-plane.ts';
import type { MarketState } from '../../sim/trace.ts';
import { HOUR, handTrace, T0 } from './fixtures.ts';

const instance = (over: Partial<ObservedInstance>): ObservedInstance => ({
  id: 'i-1',
  region: 'us-east-1',
  instanceType: 'g6.xlarge',
  lifecycle: 'spot',
  state: 'pending',
  launchMs: T0,
  healthy: false,
  ...over,
});

describe('TimelineRecorder', () => {
  it('records an instance from launch to shutting-down and its healthy stretch', () => {
    const r = new TimelineRecorder('p', T0, 1);
    r.observe(T0, [instance({})], { 'us-east-1': 1 });
    r.observe(T0 + 90_000, [instance({ state: 'running', healthy: true })], { 'us-east-1': 1 });
    r.observe(T0 + 5 * HOUR, [instance({ state: 'shutting-down' })], { 'us-east-1': 0 });
    const t = r.finish(T0 + 6 * HOUR);
    expect(t.instances).toEqual([
      {
        id: 'i-1',
        region: 'us-east-1',
        instanceType: 'g6.xlarge',
        lifecycle: 'spot',
        startMs: T0,
        endMs: T0 + 5 * HOUR,
      },
    ]);
    expect(t.healthy).toEqual([{ region: 'us-east-1', startMs: T0 + 90_000, endMs: T0 + 5 * HOUR }]);
    expect(t.launchRequests).toEqual([{ atMs: T0, region: 'us-east-1' }]);
  });

  it('counts a launch request each time desired capacity goes up, not when it holds or falls', () => {
    const r = new TimelineRecorder('p', T0, 1);
    r.observe(T0, [], { 'us-east-1': 1, 'us-west-2': 0 });
    r.observe(T0 + 1, [], { 'us-east-1': 1, 'us-west-2': 1 });
    r.observe(T0 + 2, [], { 'us-east-1': 0, 'us-west-2': 1 });
    r.observe(T0 + 3, [], { 'us-east-1': 1, 'us-west-2': 1 });
    expect(r.finish(T0 + 4).launchRequests).toEqual([
      { atMs: T0, region: 'us-east-1' },
      { atMs: T0 + 1, region: 'us-west-2' },
      { atMs: T0 + 3, region: 'us-east-1' },
    ]);
  });

  it('ends an instance that disappears from the listing, and closes open stretches at the end', () => {
    const r = new TimelineRecorder('p', T0, 1);
    r.observe(
      T0,
      [
        instance({ state: 'running', healthy: true }),
        instance({ id: 'i-2', state: 'running', healthy: true }),
      ],
      {},
    );
    r.observe(T0 + 1000, [instance({ state: 'running', healthy: true })], {});
    const t = r.finish(T0 + 2000);
    expect(t.instances.map((s) => [s.id, s.endMs])).toEqual([
      ['i-1', T0 + 2000],
      ['i-2', T0 + 1000],
    ]);
    expect(t.healthy).toEqual([
      { region: 'us-east-1', startMs: T0, endMs: T0 + 1000 },
      { region: 'us-east-1', startMs: T0, endMs: T0 + 2000 },
    ]);
  });

  it('records a loss only when an interruption warned a live instance', () => {
    const r = new TimelineRecorder('p', T0, 1);
    r.interrupted(T0 + 5, 'us-west-2', []);
    r.interrupted(T0 + 9, 'us-east-1', ['i-1']);
    expect(r.finish(T0 + 10).losses).toEqual([{ atMs: T0 + 9, region: 'us-east-1' }]);
  });
});

/**
 * A scripted stand-in for the control plane, only to check the driver's own bookkeeping: it launches
 * in the region named first, serves 90 s later, and on an interruption relaunches in the other region.
 */
class ScriptedPlane implements SimulatedControlPlane {
  readonly marketLog: { at: number; region: string; market: MarketState }[] = [];
  private list: ObservedInstance[] = [];
  private desired: Record<string, number> = { 'us-east-1': 0, 'us-west-2': 0 };
  private serial = 0;

  constructor(readonly clock: VirtualClock) {}

  setMarket(region: string, market: MarketState): string[] {
    this.marketLog.push({ at: this.clock.now().getTime(), region, market });
    return [];
  }

  interrupt(region: string): string[] {
    const warned = this.list.filter((i) => i.region === region && i.state === 'running');
    if (warned.length === 0) return [];
    const other = region === 'us-east-1' ? 'us-west-2' : 'us-east-1';
    this.clock.setTimer(1000, () => this.launch(other));
    this.clock.setTimer(120_000, () => {
      for (const i of warned) i.state = 'shutting-down';
      this.desired[region] = 0;
    });
    return warned.map((i) => i.id);
  }

  async enableProvisioning(): Promise<void> {
    this.launch('us-east-1');
  }

  instances(): ObservedInstance[] {
    return this.list.map((i) => ({ ...i }));
  }

  desiredCapacity(): Record<string, number> {
    return { ...this.desired };
  }

  shutDown = false;

  async shutdown(): Promise<void> {
    this.shutDown = true;
  }

  usage() {
    return { stateTransitions: 42, lambdaInvocations: 7, customEvents: 3, ssmApiCalls: 5, apiRequests: 1 };
  }

  private launch(region: string): void {
    this.desired[region] = 1;
    const i: ObservedInstance = {
      id: `i-${this.serial++}`,
      region,
      instanceType: 'g6.xlarge',
      lifecycle: 'spot',
      state: 'pending',
      launchMs: this.clock.now().getTime(),
      healthy: false,
    };
    this.list.push(i);
    this.clock.setTimer(90_000, () => {
      i.state = 'running';
      i.healthy = true;
    });
  }
}

describe('runSpotplane (driver bookkeeping)', () => {
  it('replays market changes and interruptions at their times and records the failover', async () => {
    const warning = T0 + 2 * HOUR;
    const trace = handTrace(0.25, {
      'us-east-1': {
        price: [
          { at: T0, value: 0.3 },
          { at: T0 + HOUR, value: 0.35 },
        ],
        interruptions: [warning],
      },
      'us-west-2': { price: 0.4 },
    });
    const plane = new ScriptedPlane(virtualClock(new Date(T0)));
    const timeline = await runSpotplane(trace, plane);

    expect(plane.marketLog.map((m) => [m.at - T0, m.region, m.market.spotPrice])).toEqual([
      [0, 'us-east-1', 0.3],
      [0, 'us-west-2', 0.4],
      [HOUR, 'us-east-1', 0.35],
    ]);
    expect(timeline.losses).toEqual([{ atMs: warning, region: 'us-east-1' }]);
    expect(timeline.launchRequests).toEqual([
      { atMs: T0, region: 'us-east-1' },
      { atMs: warning + 1000, region: 'us-west-2' },
    ]);
    expect(timeline.healthy).toEqual([
      { region: 'us-east-1', startMs: T0 + 90_000, endMs: warning + 120_000 },
      { region: 'us-west-2', startMs: warning + 91_000, endMs: trace.endMs },
    ]);
    expect(timeline.usage?.stateTransitions).toBe(42);
    expect(plane.clock.now().getTime()).toBe(trace.endMs);
    expect(plane.shutDown).toBe(true);
  });

  it('refuses a control plane whose clock is not at the trace start', async () => {
    const trace = handTrace(1, { 'us-east-1': { price: 0.3 } });
    await expect(runSpotplane(trace, new ScriptedPlane(virtualClock(new Date(T0 + 1))))).rejects.toThrow(
      SimRunError,
    );
  });
});
