import { describe, expect, it } from 'vitest';
import {
  ENDPOINT_DRAIN_SECONDS,
  endpointActions,
  type ObservedEndpoint,
  routedRegions,
} from '../../core/plan/endpoints.ts';
import type { ObservedInstance, RegionObservation } from '../../core/plan/types.ts';

const NOW = new Date('2026-11-24T10:00:00Z');
const instance = (id: string, over: Partial<ObservedInstance> = {}): ObservedInstance => ({
  instance_id: id,
  instance_type: 'g6.xlarge',
  availability_zone: 'us-west-2a',
  lifecycle: 'spot',
  state: 'running',
  lifecycle_state: 'InService',
  public_ip: null,
  private_ip: null,
  launch_time: '2026-11-24T09:00:00Z',
  termination_reason: null,
  task_status: 'RUNNING',
  health: 'HEALTHY',
  ready: true,
  ...over,
});
const seen = (region: string, instances: ObservedInstance[]): RegionObservation => ({
  region,
  ok: true,
  asg: { exists: true, desired: instances.length, on_demand_base: 0, intent: 1 },
  instances,
  tasks: [],
  failures: [],
});
const group = (region: string, endpoints: ObservedEndpoint[]) => ({
  region,
  arn: `arn:group/${region}`,
  endpoints,
});
const ep = (id: string, weight = 128, health: ObservedEndpoint['health'] = 'HEALTHY'): ObservedEndpoint => ({
  id,
  weight,
  health,
});
const run = (o: {
  groups: ReturnType<typeof group>[] | null;
  regions: RegionObservation[];
  wanted: string[];
  doomed?: string[];
  drainedAt?: Record<string, string>;
  now?: Date;
}) =>
  endpointActions({
    groups: o.groups,
    regions: new Map(o.regions.map((r) => [r.region, r])),
    wanted: new Set(o.wanted),
    doomed: new Set(o.doomed ?? []),
    drainedAt: o.drainedAt ?? {},
    now: o.now ?? NOW,
  });

describe('endpointActions (the endpoint as plan actions)', () => {
  it('registers a ready replica of a wanted region, and nothing that is not ready', () => {
    const { actions } = run({
      groups: [group('us-west-2', [])],
      regions: [seen('us-west-2', [instance('i-1'), instance('i-2', { ready: false, health: 'UNKNOWN' })])],
      wanted: ['us-west-2'],
    });
    expect(actions).toEqual([
      {
        kind: 'endpoint-add',
        region: 'us-west-2',
        group_arn: 'arn:group/us-west-2',
        instance_ids: ['i-1'],
        why: 'ready replica',
      },
    ]);
  });

  it('keeps a doomed replica serving until its replacement is HEALTHY behind the accelerator (make-before-break)', () => {
    const regions = [seen('us-east-1', [instance('i-old')]), seen('us-west-2', [instance('i-new')])];
    const before = run({
      groups: [group('us-east-1', [ep('i-old')]), group('us-west-2', [ep('i-new', 128, 'INITIAL')])],
      regions,
      wanted: ['us-east-1', 'us-west-2'],
      doomed: ['i-old'],
    });
    expect(before.actions).toEqual([]);
    const after = run({
      groups: [group('us-east-1', [ep('i-old')]), group('us-west-2', [ep('i-new')])],
      regions,
      wanted: ['us-west-2'],
      doomed: ['i-old'],
    });
    expect(after.actions).toEqual([
      {
        kind: 'endpoint-weight',
        region: 'us-east-1',
        group_arn: 'arn:group/us-east-1',
        endpoints: [{ id: 'i-old', weight: 0 }],
        why: 'drain before removal',
      },
    ]);
    expect(after.drainedAt).toEqual({ 'i-old': NOW.toISOString() });
  });

  it('removes a drained endpoint after the drain period, or at once when its instance is gone', () => {
    const groups = [group('us-east-1', [ep('i-old', 0)]), group('us-west-2', [ep('i-new')])];
    const regions = [seen('us-east-1', [instance('i-old')]), seen('us-west-2', [instance('i-new')])];
    const early = run({ groups, regions, wanted: ['us-west-2'], drainedAt: { 'i-old': NOW.toISOString() } });
    expect(early.actions).toEqual([]);
    expect(early.drainedAt).toEqual({ 'i-old': NOW.toISOString() });
    const later = new Date(NOW.getTime() + ENDPOINT_DRAIN_SECONDS * 1000);
    const due = run({
      groups,
      regions,
      wanted: ['us-west-2'],
      drainedAt: { 'i-old': NOW.toISOString() },
      now: later,
    });
    expect(due.actions).toEqual([
      {
        kind: 'endpoint-remove',
        region: 'us-east-1',
        group_arn: 'arn:group/us-east-1',
        instance_ids: ['i-old'],
        why: 'drained',
      },
    ]);
    const gone = run({
      groups,
      regions: [
        seen('us-east-1', [instance('i-old', { state: 'terminated', ready: false })]),
        regions[1] as RegionObservation,
      ],
      wanted: ['us-west-2'],
    });
    expect(gone.actions.map((a) => a.kind)).toEqual(['endpoint-remove']);
  });

  it('drains an endpoint whose instance is gone even with nothing else serving, and corrects a hand-drained one', () => {
    const dead = run({
      groups: [group('us-west-2', [ep('i-dead')])],
      regions: [seen('us-west-2', [])],
      wanted: ['us-west-2'],
    });
    expect(dead.actions).toMatchObject([
      { kind: 'endpoint-weight', endpoints: [{ id: 'i-dead', weight: 0 }] },
    ]);
    const drift = run({
      groups: [group('us-west-2', [ep('i-1', 0)])],
      regions: [seen('us-west-2', [instance('i-1')])],
      wanted: ['us-west-2'],
    });
    expect(drift.actions).toEqual([
      {
        kind: 'endpoint-weight',
        region: 'us-west-2',
        group_arn: 'arn:group/us-west-2',
        endpoints: [{ id: 'i-1', weight: 128 }],
        why: 'serving replica drained by hand',
      },
    ]);
  });

  it('does nothing where the region or the accelerator could not be observed this cycle', () => {
    expect(
      run({ groups: null, regions: [seen('us-west-2', [instance('i-1')])], wanted: ['us-west-2'] }).actions,
    ).toEqual([]);
    const unknown = run({
      groups: [group('us-west-2', [ep('i-1', 0)])],
      regions: [{ region: 'us-west-2', ok: false, error: 'ThrottlingException' }],
      wanted: [],
      drainedAt: { 'i-1': '2026-11-24T09:00:00Z' },
    });
    expect(unknown.actions).toEqual([]);
    expect(unknown.drainedAt).toEqual({ 'i-1': '2026-11-24T09:00:00Z' });
  });

  it('counts a replica as ready for placement only once the accelerator routes to it', () => {
    const regions = new Map([['us-west-2', seen('us-west-2', [instance('i-a'), instance('i-b')])]]);
    const routed = routedRegions(regions, {
      ok: true,
      groups: [group('us-west-2', [ep('i-a'), ep('i-b', 128, 'INITIAL')])],
    });
    const got = routed.get('us-west-2');
    expect(got?.ok && got.instances.map((i) => [i.instance_id, i.ready])).toEqual([
      ['i-a', true],
      ['i-b', false],
    ]);
    expect(routedRegions(regions, { ok: false, error: 'ThrottlingException' })).toBe(regions);
  });
});

describe('a full endpoint group (10 endpoints, the Global Accelerator quota)', () => {
  const ten = Array.from({ length: 10 }, (_, i) => `i-${i}`);

  it('registers only what the group has room for, never a call AWS would refuse', () => {
    const regions = [
      seen(
        'us-west-2',
        [...ten, 'i-new', 'i-newer'].map((id) => instance(id)),
      ),
    ];
    const nine = run({
      groups: [
        group(
          'us-west-2',
          ten.slice(0, 9).map((id) => ep(id)),
        ),
      ],
      regions,
      wanted: ['us-west-2'],
    });
    expect(nine.actions).toEqual([expect.objectContaining({ kind: 'endpoint-add', instance_ids: ['i-9'] })]);
    const full = run({
      groups: [
        group(
          'us-west-2',
          ten.map((id) => ep(id)),
        ),
      ],
      regions,
      wanted: ['us-west-2'],
    });
    expect(full.actions).toEqual([]);
  });

  it('counts a serving replica it cannot register as ready, so the one it replaces can go (no deadlock)', () => {
    // Ten on-demand replicas behind the accelerator; a Spot replacement for one of them is ready.
    const replicas = [...ten.map((id) => instance(id, { lifecycle: 'on-demand' })), instance('i-spot')];
    const regions = new Map([['us-west-2', seen('us-west-2', replicas)]]);
    const readyOf = (groups: ReturnType<typeof group>[]) => {
      const got = routedRegions(regions, { ok: true, groups }).get('us-west-2');
      return got?.ok ? got.instances.find((i) => i.instance_id === 'i-spot')?.ready : undefined;
    };
    expect(
      readyOf([
        group(
          'us-west-2',
          ten.map((id) => ep(id)),
        ),
      ]),
    ).toBe(true);
    // With room left it waits for the route, as everywhere else.
    expect(
      readyOf([
        group(
          'us-west-2',
          ten.slice(1).map((id) => ep(id)),
        ),
      ]),
    ).toBe(false);
  });
});
