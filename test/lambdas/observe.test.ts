/**
 * Observe against LocalCloud: what a worker region shows (ASG, instances, tasks, failures), a region
 * whose calls fail is unknown (never empty), and the whole observation with the table and the market.
 */
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { names } from '../../core/naming.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';
import type { LocalCloud } from '../../emulator/local-cloud.ts';
import { observeAll, observeRegion } from '../../lambdas/observe/index.ts';
import { makeObservability } from '../../lambdas/shared/observability.ts';
import { createStateTableInput, StateTable } from '../../lambdas/shared/state-table.ts';

const config = parseConfig({
  prefix: 'sp',
  hubRegion: 'us-east-1',
  workerRegions: ['us-west-2', 'eu-west-1'],
});
const n = names('sp');
const obs = makeObservability('observe', { logLevel: 'SILENT' });
let cloud: LocalCloud | undefined;

async function world() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  cloud = createLocalCloud({
    clock,
    seed: 'observe',
    launchTiming: { bootMs: 60_000, containerStartMs: 20_000, healthyAfterMs: 10_000 },
    markets: {
      'us-west-2': { placementScore: 9, spotPrice: 0.3 },
      'eu-west-1': { placementScore: 7, spotPrice: 0.4 },
    },
  });
  for (const region of config.workerRegions) {
    const r = cloud.region(region);
    r.autoScaling.createGroup({
      name: n.autoScalingGroup,
      instanceTypes: config.instanceTypes,
      minSize: 0,
      maxSize: 2,
      desiredCapacity: 0,
    });
    r.ecs.createCluster({
      name: n.ecsCluster,
      autoScalingGroups: [n.autoScalingGroup],
      capacityProviders: [n.ecsCapacityProvider],
    });
    r.ecs.registerTaskDefinition({
      family: n.ecsTaskDefinition,
      containerName: 'sglang',
      image: 'x',
      healthCheck: true,
    });
  }
  await cloud.region('us-east-1').dynamodb.createTable(createStateTableInput(n.stateTable));
  const clients = cloud.clients();
  const target = (region: string) => ({ region, asgName: n.autoScalingGroup, clusterName: n.ecsCluster });
  return { clock, cloud, clients, target, deps: { clients, config, clock, observability: obs } };
}

afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

describe('observeRegion', () => {
  it('sees an empty region as empty, with the ASG it found', async () => {
    const { clients, target, clock } = await world();
    expect(await observeRegion(clients, target('us-west-2'), clock.now())).toEqual({
      region: 'us-west-2',
      ok: true,
      asg: { exists: true, desired: 0, on_demand_base: 0, intent: null, held: 0 },
      instances: [],
      tasks: [],
      failures: [],
    });
  });

  it('follows an instance from pending to a ready replica with its task', async () => {
    const { clients, target, clock } = await world();
    await clients
      .autoScaling('us-west-2')
      .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: n.autoScalingGroup, DesiredCapacity: 1 }));
    await clock.advance(1000);
    const pending = await observeRegion(clients, target('us-west-2'), clock.now());
    // Boot (60-90 s), then the ECS agent registers the instance (20-90 s): only then can a task be placed.
    await clock.advance(180_000);
    await clients
      .ecs('us-west-2')
      .send(
        new RunTaskCommand({ cluster: n.ecsCluster, taskDefinition: n.ecsTaskDefinition, launchType: 'EC2' }),
      );
    await clock.advance(60_000);
    const ready = await observeRegion(clients, target('us-west-2'), clock.now());
    expect(pending.ok && pending.instances).toMatchObject([
      { state: 'pending', ready: false, task_status: null, lifecycle: 'spot' },
    ]);
    expect(pending.ok && pending.asg.held).toBe(1);
    expect(ready.ok && ready.instances).toMatchObject([
      {
        state: 'running',
        lifecycle_state: 'InService',
        task_status: 'RUNNING',
        health: 'HEALTHY',
        ready: true,
      },
    ]);
    expect(ready.ok && ready.tasks[0]?.instance_id).toBe(ready.ok && ready.instances[0]?.instance_id);
  });

  it('reports the failed scaling activities of the last hour with their EC2 error', async () => {
    const { clients, target, clock, cloud: c } = await world();
    c.setMarket('us-west-2', { capacityAvailable: false });
    await clients
      .autoScaling('us-west-2')
      .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: n.autoScalingGroup, DesiredCapacity: 1 }));
    await clock.advance(30_000);
    const seen = await observeRegion(clients, target('us-west-2'), clock.now());
    expect(seen.ok && seen.failures[0]).toMatchObject({ code: 'InsufficientInstanceCapacity' });
    // The group holds nothing: its desired capacity counts the instance that never launched.
    expect(seen.ok && seen.asg).toMatchObject({ desired: 1, held: 0 });
  });

  it('makes a region whose calls fail unknown, never empty', async () => {
    const { clients, target, clock, cloud: c } = await world();
    c.injectFault({
      service: 'ecs',
      action: 'ListTasks',
      region: 'us-west-2',
      error: 'ThrottlingException',
      times: 1,
    });
    expect(await observeRegion(clients, target('us-west-2'), clock.now())).toMatchObject({
      region: 'us-west-2',
      ok: false,
      error: expect.stringContaining('ThrottlingException'),
    });
  });
});

describe('observeAll', () => {
  it('reads the table, every worker region and a fresh market, and stores the market', async () => {
    const { deps } = await world();
    const table = new StateTable(deps);
    await table.writeSpec((_, now) => ({
      enabled: true,
      teardown: false,
      generation: 1,
      updated_at: now.toISOString(),
    }));
    const observation = await observeAll(deps, obs);
    expect(observation).toMatchObject({
      at: '2026-11-24T10:00:00Z',
      spec: { enabled: true, generation: 1 },
      status: null,
      signals: [],
      wakes: 0,
      market: { scores: { 'us-west-2': 9, 'eu-west-1': 7 }, prices_at: '2026-11-24T10:00:00Z' },
    });
    expect(observation.regions.map((r) => [r.region, r.ok])).toEqual([
      ['us-west-2', true],
      ['eu-west-1', true],
    ]);
    expect((await table.snapshot()).market?.prices_at).toBe('2026-11-24T10:00:00Z');
  });

  it('reuses a market younger than 15 minutes, and keeps stored scores when the score call fails', async () => {
    const { deps, clock, cloud: c } = await world();
    await observeAll(deps, obs);
    c.injectFault({ service: 'ec2', action: 'GetSpotPlacementScores', error: 'MaxConfigLimitExceeded' });
    c.setMarket('us-west-2', { placementScore: 2 });
    await clock.advance(10 * 60_000);
    expect((await observeAll(deps, obs)).market.prices_at).toBe('2026-11-24T10:00:00Z');
    await clock.advance(6 * 60_000);
    const refreshed = (await observeAll(deps, obs)).market;
    expect(refreshed.prices_at).toBe('2026-11-24T10:16:00Z');
    expect(refreshed.scores).toEqual({ 'us-west-2': 9, 'eu-west-1': 7 });
  });

  it('reads a spec that was never written as disabled at generation 0', async () => {
    const { deps } = await world();
    expect((await observeAll(deps, obs)).spec).toMatchObject({ enabled: false, generation: 0 });
  });
});
