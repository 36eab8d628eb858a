/**
 * The hub's Global Accelerator calls against LocalCloud: Observe reads each endpoint group (weights and
 * health; unknown, never empty, when a call fails) and Act's AddEndpoints / UpdateEndpointGroup /
 * RemoveEndpoints change the group, a failed call logged and counted rather than thrown.
 */
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointGroupSettings } from '../../core/endpoint.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';
import type { LocalCloud } from '../../emulator/local-cloud.ts';
import { applyEndpointUpdates } from '../../lambdas/act/endpoints.ts';
import { observeEndpoints } from '../../lambdas/observe/endpoints.ts';
import { makeObservability } from '../../lambdas/shared/observability.ts';

const obs = makeObservability('act', { logLevel: 'SILENT' });
let cloud: LocalCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function world() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  cloud = createLocalCloud({
    clock,
    seed: 'endpoint-calls',
    launchTiming: { bootMs: 30_000, containerStartMs: 10_000, healthyAfterMs: 10_000 },
  });
  const region = cloud.region('us-west-2');
  region.autoScaling.createGroup({
    name: 'asg',
    instanceTypes: ['g6.xlarge'],
    minSize: 0,
    maxSize: 2,
    desiredCapacity: 0,
  });
  const clients = cloud.clients();
  await clients
    .autoScaling('us-west-2')
    .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 2 }));
  await clock.advance(60_000);
  const ids = region.ec2.all().map((i) => i.instanceId);
  const ga = cloud.globalAccelerator;
  const { Accelerator } = await ga.createAccelerator({ Name: 'sp-endpoint' });
  const { Listener } = await ga.createListener({
    AcceleratorArn: Accelerator?.AcceleratorArn,
    Protocol: 'TCP',
    PortRanges: [{ FromPort: 30000, ToPort: 30000 }],
  });
  const { EndpointGroup } = await ga.createEndpointGroup({
    ListenerArn: Listener?.ListenerArn,
    EndpointGroupRegion: 'us-west-2',
    ...endpointGroupSettings({ port: 30000, healthCheckPath: '/health' }),
  });
  const arn = EndpointGroup?.EndpointGroupArn ?? '';
  return { clock, clients, ids, arn, ref: { url: 'http://x/', groups: { 'us-west-2': arn } } };
}

describe('Global Accelerator calls of the hub', () => {
  it('Act adds, drains and removes endpoints; Observe sees each step', async () => {
    const w = await world();
    expect(w.ids).toHaveLength(2);
    const [a = '', b = ''] = w.ids;
    expect(await observeEndpoints(w.clients, w.ref)).toEqual({
      ok: true,
      groups: [{ region: 'us-west-2', arn: w.arn, endpoints: [] }],
    });
    const add = { kind: 'endpoint-add', region: 'us-west-2', group_arn: w.arn, why: 't' } as const;
    expect(await applyEndpointUpdates(w.clients, obs, [{ ...add, instance_ids: [a, b] }])).toBe(0);
    const added = await observeEndpoints(w.clients, w.ref);
    expect(added.ok && added.groups[0]?.endpoints).toEqual([
      { id: a, weight: 128, health: 'INITIAL' },
      { id: b, weight: 128, health: 'INITIAL' },
    ]);
    const weights = [
      { id: a, weight: 128 },
      { id: b, weight: 0 },
    ];
    expect(
      await applyEndpointUpdates(w.clients, obs, [
        { kind: 'endpoint-weight', region: 'us-west-2', group_arn: w.arn, endpoints: weights, why: 'drain' },
      ]),
    ).toBe(0);
    const drained = await observeEndpoints(w.clients, w.ref);
    expect(drained.ok && drained.groups[0]?.endpoints.map((e) => [e.id, e.weight])).toEqual([
      [a, 128],
      [b, 0],
    ]);
    expect(
      await applyEndpointUpdates(w.clients, obs, [
        { kind: 'endpoint-remove', region: 'us-west-2', group_arn: w.arn, instance_ids: [b], why: 'drained' },
      ]),
    ).toBe(0);
    const removed = await observeEndpoints(w.clients, w.ref);
    expect(removed.ok && removed.groups[0]?.endpoints.map((e) => e.id)).toEqual([a]);
  });

  it('counts a refused call (an endpoint not in the group) and goes on with the next update', async () => {
    const w = await world();
    const [a = ''] = w.ids;
    const failed = await applyEndpointUpdates(w.clients, obs, [
      { kind: 'endpoint-remove', region: 'us-west-2', group_arn: w.arn, instance_ids: ['i-0gone'], why: 'x' },
      { kind: 'endpoint-add', region: 'us-west-2', group_arn: w.arn, instance_ids: [a], why: 'y' },
    ]);
    expect(failed).toBe(1);
    const seen = await observeEndpoints(w.clients, w.ref);
    expect(seen.ok && seen.groups[0]?.endpoints.map((e) => e.id)).toEqual([a]);
  });

  it('reports the endpoint unknown (not empty) when a group cannot be read', async () => {
    const w = await world();
    const unknown = await observeEndpoints(w.clients, {
      url: 'http://x/',
      groups: { 'us-west-2': `${w.arn}-missing` },
    });
    expect(unknown).toMatchObject({
      ok: false,
      error: expect.stringMatching(/EndpointGroupNotFoundException/),
    });
  });
});
