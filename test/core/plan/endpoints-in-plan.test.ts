/**
 * The endpoint as actions of the hub's plan (issue 14): `plan` registers a ready replica of the home
 * region, keeps a move (and the old region's capacity) until the new replica is HEALTHY behind Global
 * Accelerator, then drains the old endpoint in the same cycle it releases the old region; it looks again
 * soon while endpoints settle, and does nothing to the endpoint when the groups could not be read.
 */
import { describe, expect, it } from 'vitest';
import { type EndpointsObservation, type Observation, plan, requestsOf } from '../../../core/plan/index.ts';
import { at, config, instance, memory, observation, region, request } from './fixtures.ts';

const groups = (
  byRegion: Record<string, { id: string; weight?: number; health?: 'INITIAL' | 'HEALTHY' | 'UNHEALTHY' }[]>,
): EndpointsObservation => ({
  ok: true,
  groups: config.workerRegions.map((r) => ({
    region: r,
    arn: `arn:group/${r}`,
    endpoints: (byRegion[r] ?? []).map((e) => ({
      id: e.id,
      weight: e.weight ?? 128,
      health: e.health ?? 'HEALTHY',
    })),
  })),
});

/** A move from eu-west-1 to us-west-2, whose new replica is ready in ECS. */
function moving(endpoints: EndpointsObservation | undefined): Observation {
  const m = memory({
    home: { region: 'us-west-2', lifecycle: 'spot' },
    move: { from: 'eu-west-1', to: 'us-west-2', reason: 'SpotInterruption', started_at: at(-200) },
    next_intent: 3,
    regions: { 'eu-west-1': request({ intent: 1 }), 'us-west-2': request({ intent: 2, since: at(-200) }) },
  });
  return observation({
    seen: [
      region('eu-west-1', { instances: [instance({ instance_id: 'i-old' })], asg: { intent: 1 } }),
      region('us-west-2', { instances: [instance({ instance_id: 'i-new' })], asg: { intent: 2 } }),
    ],
    status: {
      version: 5,
      generation: 1,
      orchestrator: null,
      view: plan(observation(), config).view,
      memory: m,
      observed_at: at(-20),
    },
    ...(endpoints && { endpoints }),
  });
}

describe('endpoint actions in the plan', () => {
  it('registers the new replica and keeps the move (old region untouched) while it is not HEALTHY behind GA', () => {
    const decision = plan(moving(groups({ 'eu-west-1': [{ id: 'i-old' }] })), config);
    expect(decision.actions).toEqual([
      {
        kind: 'endpoint-add',
        region: 'us-west-2',
        group_arn: 'arn:group/us-west-2',
        instance_ids: ['i-new'],
        why: 'ready replica',
      },
    ]);
    expect(decision.memory.move).toMatchObject({ from: 'eu-west-1', to: 'us-west-2' });
    const initial = plan(
      moving(groups({ 'eu-west-1': [{ id: 'i-old' }], 'us-west-2': [{ id: 'i-new', health: 'INITIAL' }] })),
      config,
    );
    expect(initial.actions).toEqual([]);
    expect(initial.memory.move).not.toBeNull();
    // Settling endpoints keep the loop looking soon.
    expect(initial.next_look_seconds).toBe(20);
  });

  it('once the new replica is HEALTHY: the move completes and the old endpoint is drained; the old region is torn down only after the drain', () => {
    const decision = plan(
      moving(groups({ 'eu-west-1': [{ id: 'i-old' }], 'us-west-2': [{ id: 'i-new' }] })),
      config,
    );
    expect(decision.memory.move).toBeNull();
    expect(decision.memory.last_move).toMatchObject({ from: 'eu-west-1', to: 'us-west-2' });
    // Requests in flight on the old replica get the drain: no teardown yet.
    expect(requestsOf(decision.actions)).toEqual([]);
    expect(decision.actions.filter((a) => a.kind !== 'request')).toEqual([
      {
        kind: 'endpoint-weight',
        region: 'eu-west-1',
        group_arn: 'arn:group/eu-west-1',
        endpoints: [{ id: 'i-old', weight: 0 }],
        why: 'drain before removal',
      },
    ]);
    expect(decision.memory.endpoint_drains).toEqual({
      'i-old': new Date(decision.view.updated_at).toISOString(),
    });
  });

  it('tears the old region down once its endpoint has been drained for 60 s, or at once when its instance is doomed', () => {
    const teardownsAfter = (drainedSecondsAgo: number, doomed: boolean) => {
      const o = moving(groups({ 'eu-west-1': [{ id: 'i-old', weight: 0 }], 'us-west-2': [{ id: 'i-new' }] }));
      const m = o.status?.memory;
      if (!o.status || !m) throw new Error('fixture has a status');
      const status = {
        ...o.status,
        memory: {
          ...m,
          move: null,
          endpoint_drains: { 'i-old': at(-drainedSecondsAgo) },
          doomed: doomed
            ? [{ instance_id: 'i-old', region: 'eu-west-1', reason: 'SpotInterruption', at: at(-30) }]
            : [],
        },
      };
      return requestsOf(plan({ ...o, status }, config).actions).map((a) => [a.region, a.desired]);
    };
    expect(teardownsAfter(30, false)).toEqual([]);
    expect(teardownsAfter(61, false)).toEqual([['eu-west-1', { spot: 0, on_demand: 0 }]]);
    expect(teardownsAfter(0, true)).toEqual([['eu-west-1', { spot: 0, on_demand: 0 }]]);
  });

  it('changes nothing about the endpoint when its groups could not be read, nor without an endpoint', () => {
    const unknown = plan(moving({ ok: false, error: 'ThrottlingException' }), config);
    expect(unknown.actions.filter((a) => a.kind !== 'request')).toEqual([]);
    const none = plan(moving(undefined), config);
    expect(none.actions.filter((a) => a.kind !== 'request')).toEqual([]);
    expect(none.memory.endpoint_drains).toBeUndefined();
  });
});
