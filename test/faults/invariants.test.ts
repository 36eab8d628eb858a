/**
 * The invariant checker itself, on a stub world whose observable state each test scripts: every
 * invariant must catch what it states, and only after its bound.
 */
import { describe, expect, it } from 'vitest';
import { type ConfigInput, parseConfig } from '../../core/config.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { boundsFor } from './bounds.ts';
import { InvariantChecker, type Observable } from './invariants.ts';
import type { ApiAnswer, Op } from './world.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

interface RegionState {
  desired: number;
  ready: boolean;
  capacity: boolean;
}

function stub(fleet: ConfigInput = {}) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const config = parseConfig({ hubRegion: 'us-east-1', workerRegions: REGIONS, ...fleet });
  const regions = new Map<string, RegionState>(
    REGIONS.map((r) => [r, { desired: 0, ready: false, capacity: true }]),
  );
  let api: Record<string, unknown> = {
    provisioning: 'disabled',
    status: 'DISABLED',
    region: null,
    instances: [],
  };
  let orchestrators = 0;
  const world = {
    clock,
    config,
    region: (name: string) => {
      const r = regions.get(name)!;
      const instances = Array.from({ length: r.desired }, (_, i) => ({
        instanceId: `i-${name}-${i}`,
        state: 'running',
        interruptionAt: null,
      }));
      return {
        desired: r.desired,
        instances,
        tasks: instances.map((i) => ({
          instanceId: i.instanceId,
          lastStatus: 'RUNNING',
          healthStatus: 'HEALTHY',
        })),
        ready: r.ready ? instances : [],
        holds: r.desired > 0,
        market: { placementScore: 8, spotPrice: 0.3 },
        capacity: r.capacity,
      };
    },
    orchestratorExecutions: () =>
      Array.from({ length: orchestrators }, (_, i) => ({ name: `run-${i}`, status: 'RUNNING' })),
    api: async (): Promise<ApiAnswer> => ({ statusCode: 200, body: api }),
  } as unknown as Observable;
  const checker = new InvariantChecker(world, boundsFor(config));
  const bounds = boundsFor(config);
  const set = (name: string, state: Partial<RegionState>) =>
    regions.set(name, { ...regions.get(name)!, ...state });
  /** `name` runs `replicas` ready replicas and the API says RUNNING there (with every region's instances). */
  const serve = (name: string, replicas = 1) => {
    set(name, { desired: replicas, ready: true });
    api = {
      provisioning: 'enabled',
      status: 'RUNNING',
      region: name,
      instances: [...regions].flatMap(([r, state]) =>
        Array.from({ length: state.desired }, (_, i) => ({ instance_id: `i-${r}-${i}` })),
      ),
    };
  };
  const toggle = (op: Op, body: Partial<typeof api> = {}) => {
    checker.noteOp(op, { statusCode: 200, body: {} });
    api = { ...api, provisioning: op.op === 'enable' ? 'enabled' : 'disabled', ...body };
  };
  /** Moves the clock by `ms` in one-minute checks; returns the invariants violated so far. */
  const run = async (ms: number) => {
    const end = clock.now().getTime() + ms;
    await checker.check();
    while (clock.now().getTime() < end) {
      await clock.advance(Math.min(60_000, end - clock.now().getTime()));
      await checker.check();
    }
    return checker.violations.map((v) => v.invariant);
  };
  /** Enabled, and serving from `name` (the usual start of a case). */
  const enableServing = (name: string, replicas = 1) => {
    toggle({ op: 'enable' });
    serve(name, replicas);
  };
  /** What was flagged a minute before `boundMs` has passed, and what a minute after. */
  const aroundBound = async (boundMs: number) => [await run(boundMs - 60_000), await run(120_000)];
  return {
    checker,
    bounds,
    aroundBound,
    enableServing,
    set,
    serve,
    toggle,
    run,
    setApi: (body: Partial<typeof api>) => {
      api = { ...api, ...body };
    },
    setOrchestrators: (n: number) => {
      orchestrators = n;
    },
  };
}

describe('the fault suite invariants', () => {
  it('allow two regions to hold capacity for a move, and flag it once it outlasts the move bound', async () => {
    const s = stub();
    s.enableServing('us-west-2');
    s.set('eu-west-1', { desired: 1 });
    expect(await s.aroundBound(s.bounds.moveMs)).toEqual([[], ['single-region']]);
  });

  it('flag capacity still running after disable + teardown once the teardown bound has passed', async () => {
    const s = stub();
    s.enableServing('us-west-2');
    s.toggle({ op: 'disable', teardown: true }, { status: 'TEARING_DOWN' });
    expect(await s.run(s.bounds.teardownMs - 60_000)).toEqual([]);
    expect(await s.run(120_000)).toContain('teardown-empties');
  });

  it('flag capacity that comes back after a teardown emptied every region', async () => {
    const s = stub();
    s.toggle({ op: 'disable', teardown: true }, { status: 'DISABLED' });
    expect(await s.run(60_000)).toEqual([]);
    s.set('us-west-2', { desired: 1 });
    expect(await s.run(60_000)).toEqual(['nothing-comes-back']);
  });

  it('do not hold a person changing an ASG after the teardown against spotplane', async () => {
    const s = stub();
    s.toggle({ op: 'disable', teardown: true }, { status: 'DISABLED' });
    await s.run(60_000);
    s.checker.noteOp({ op: 'asg', region: 'us-west-2', desired_capacity: 1 }, { statusCode: 200, body: {} });
    s.set('us-west-2', { desired: 1 });
    expect(await s.run(s.bounds.teardownMs + 60_000)).toEqual([]);
  });

  it('flag a region that held nothing at a plain disable and holds capacity past the teardown bound', async () => {
    const s = stub();
    s.toggle({ op: 'enable' }, { status: 'PROVISIONING' });
    s.toggle({ op: 'disable', teardown: false }, { status: 'DISABLED' });
    s.set('us-west-2', { desired: 1, ready: true });
    expect(await s.aroundBound(s.bounds.teardownMs)).toEqual([[], ['hands-off-starts-nothing']]);
  });

  it('leave running what ran at a plain disable (hands off)', async () => {
    const s = stub();
    s.enableServing('us-west-2');
    s.toggle({ op: 'disable', teardown: false }, { status: 'DISABLED' });
    expect(await s.run(2 * s.bounds.teardownMs)).toEqual([]);
  });

  it('flag RUNNING with region null at once', async () => {
    const s = stub();
    s.toggle({ op: 'enable' }, { status: 'RUNNING', region: null });
    expect(await s.run(0)).toEqual(['status-matches']);
  });

  it('count the teardown bound from the end of an outage of the worker that must tear down', async () => {
    const s = stub();
    s.enableServing('us-west-2');
    const minutes = (2 * s.bounds.teardownMs) / 60_000;
    s.checker.noteOp({ op: 'mute-worker', region: 'us-west-2', minutes }, { statusCode: 200, body: {} });
    s.toggle({ op: 'disable', teardown: true }, { status: 'TEARING_DOWN' });
    expect(await s.aroundBound(minutes * 60_000 + s.bounds.teardownMs)).toEqual([[], ['teardown-empties']]);
  });

  it('flag RUNNING with no ready replica only after the documented lag', async () => {
    const s = stub();
    s.enableServing('us-west-2');
    s.set('us-west-2', { ready: false });
    expect(await s.run(s.bounds.lagMs - 60_000)).toEqual([]);
    expect(await s.run(120_000)).toContain('status-matches');
  });

  it('flag TEARING_DOWN while nothing runs anywhere after the lag', async () => {
    const s = stub();
    s.toggle({ op: 'disable', teardown: true }, { status: 'TEARING_DOWN' });
    expect(await s.run(s.bounds.lagMs + 60_000)).toEqual(['status-matches']);
  });

  it('expect RUNNING within the bound while enabled and some region qualifies', async () => {
    const s = stub();
    s.toggle({ op: 'enable' }, { status: 'PROVISIONING' });
    expect(await s.aroundBound(s.bounds.runningMs)).toEqual([[], ['reaches-running']]);
  });

  it('do not expect RUNNING while no region has Spot capacity', async () => {
    const s = stub();
    for (const r of REGIONS) s.set(r, { capacity: false });
    s.toggle({ op: 'enable' }, { status: 'NOT_AVAILABLE' });
    expect(await s.run(2 * s.bounds.runningMs)).toEqual([]);
  });

  it('give a region spotplane may have excluded its exclusion time before expecting RUNNING there', async () => {
    const s = stub();
    s.set('us-east-1', { capacity: false });
    s.set('eu-west-1', { capacity: false });
    s.enableServing('us-west-2');
    s.checker.noteOp({ op: 'interrupt', region: 'us-west-2' }, { statusCode: 200, body: {} });
    s.set('us-west-2', { desired: 0, ready: false });
    s.setApi({ status: 'NOT_AVAILABLE', region: null, instances: [] });
    expect(await s.aroundBound(s.bounds.exclusionMs + s.bounds.runningMs)).toEqual([[], ['reaches-running']]);
  });

  it('flag a second Orchestrator that outlives a continue-as-new hand-over', async () => {
    const s = stub();
    s.setOrchestrators(2);
    expect(await s.run(0)).toEqual([]);
    expect(await s.run(60_000)).toEqual(['one-orchestrator']);
  });

  describe('for a fleet (2 ready + 1 spare, at most 2 per region)', () => {
    const FLEET = { targetCapacity: 2, spareCapacity: 1, maxPerRegion: 2 };

    it('allow a make-before-break surge over the fleet size, and flag it once it outlasts the move bound', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 2);
      s.serve('eu-west-1', 2);
      expect(await s.aroundBound(s.bounds.moveMs)).toEqual([[], ['fleet-bounded']]);
    });

    it('flag a region holding more than maxPerRegion past the move bound, even within the fleet size', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 3);
      expect(await s.aroundBound(s.bounds.moveMs)).toEqual([[], ['fleet-bounded']]);
    });

    it('let several regions hold replicas at once (no single-region rule)', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 2);
      s.serve('eu-west-1', 1);
      expect(await s.run(2 * s.bounds.moveMs)).toEqual([]);
    });

    it('expect the target ready, not one replica: RUNNING with one of two ready is flagged after the bound', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 1);
      expect(await s.aroundBound(s.bounds.runningMs)).toEqual([[], ['reaches-running']]);
    });

    it('do not expect the target while the eligible regions cannot hold it', async () => {
      const s = stub({ ...FLEET, maxPerRegion: 1 });
      s.set('us-east-1', { capacity: false });
      s.set('eu-west-1', { capacity: false });
      s.enableServing('us-west-2', 1);
      expect(await s.run(2 * s.bounds.runningMs)).toEqual([]);
    });

    it('flag a ready-replica count the API keeps wrong past the lag', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 2);
      s.setApi({ replicas: { target: 2, spare: 1, ready: 2 } });
      expect(await s.run(2 * s.bounds.lagMs)).toEqual([]);
      s.setApi({ replicas: { target: 2, spare: 1, ready: 1 } });
      expect(await s.aroundBound(s.bounds.lagMs)).toEqual([[], ['status-matches']]);
    });

    it('leave what a person set just before a plain disable as they set it', async () => {
      const s = stub(FLEET);
      s.enableServing('us-west-2', 2);
      s.checker.noteOp(
        { op: 'asg', region: 'us-west-2', desired_capacity: 3 },
        { statusCode: 200, body: {} },
      );
      s.set('us-west-2', { desired: 3 });
      s.toggle({ op: 'disable', teardown: false });
      expect(await s.run(2 * s.bounds.moveMs)).toEqual([]);
    });
  });
});
