/**
 * The four machines together: the Orchestrator on the hub and LaunchInstance / CapacityMonitor /
 * TeardownInstance in two worker regions, joined by stand-ins for the EventBridge rules and
 * SpotCapacityHandler. Checks that the files agree with each other on events, tokens and order.
 */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { HubWorld } from './support/hub-world.ts';
import { WorkerWorld } from './support/worker-world.ts';

const REGIONS = ['us-west-2', 'eu-west-1'];

function plane(spotCapacity: Record<string, boolean> = {}) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const workers = new Map<string, WorkerWorld>();
  const hub = new HubWorld(
    { workerRegions: REGIONS },
    {
      clock,
      // The hub -> worker rules: one per region, filtered on detail.target_region.
      route: (detailType, detail) => {
        const worker = workers.get(detail.target_region as string);
        if (!worker) return;
        const machine = detailType === 'Launch Requested' ? 'launch' : 'teardown';
        worker.start(machine, 'spotplane.hub', detailType, detail);
      },
    },
  );
  for (const region of REGIONS) {
    const behaviour = {
      spotCapacity: spotCapacity[region] ?? true,
      bootSeconds: 90,
      healthySeconds: 60,
      terminateSeconds: 45,
    };
    // The forwarding rule and the hub's worker-events rule, into SpotCapacityHandler.
    workers.set(
      region,
      new WorkerWorld(region, behaviour, {
        clock,
        route: (type, detail) => hub.workerReported(type, detail),
      }),
    );
  }
  const executionsOf = (region: string, machine: 'launch' | 'teardown' | 'capacityMonitor') => {
    const worker = workers.get(region)!;
    return worker.sfn.executions().filter((e) => e.stateMachineArn === worker.machines[machine]);
  };
  return { clock, hub, workers, executionsOf };
}

const running = (hub: HubWorld, region: string) =>
  hub.state.status === 'RUNNING' && hub.state.region === region && hub.state.loss_token !== null;

describe('hub and worker machines together', () => {
  it('launches in the best region through LaunchInstance and records the worker instances', async () => {
    const { hub, workers, executionsOf } = plane();
    hub.start();
    expect(await hub.runUntil(() => running(hub, 'us-west-2'), 3600)).toBe(true);
    const [launch] = executionsOf('us-west-2', 'launch');
    expect(launch!.status).toBe('SUCCEEDED');
    const asgInstance = workers.get('us-west-2')!.asg.instances[0]!;
    expect(hub.state.instances.map((i) => i.instance_id)).toEqual([asgInstance.id]);
    expect(executionsOf('eu-west-1', 'launch')).toEqual([]);
    hub.sfn.close();
  });

  it('skips a region without Spot capacity: its launch fails fast, it is excluded and cleaned up', async () => {
    const { hub, workers, executionsOf } = plane({ 'us-west-2': false });
    hub.start();
    expect(await hub.runUntil(() => running(hub, 'eu-west-1'), 3600)).toBe(true);
    expect(executionsOf('us-west-2', 'launch')[0]).toMatchObject({
      status: 'FAILED',
      error: 'InsufficientInstanceCapacity',
    });
    expect(hub.state.excluded_regions.map((e) => [e.region, e.reason])).toEqual([
      ['us-west-2', 'InsufficientInstanceCapacity'],
    ]);
    expect(workers.get('us-west-2')!.asg.desired).toBe(0);
    expect(workers.get('us-west-2')!.callsOf(':ecs:runTask')).toEqual([]);
    hub.sfn.close();
  });

  it('fails over on an interruption warning, make-before-break, and tears the old region down', async () => {
    const { hub, workers, executionsOf } = plane();
    hub.start();
    await hub.runUntil(() => running(hub, 'us-west-2'), 3600);
    const west = workers.get('us-west-2')!;
    const instanceId = west.asg.instances[0]!.id;

    west.start('capacityMonitor', 'aws.ec2', 'EC2 Spot Instance Interruption Warning', {
      'instance-id': instanceId,
      'instance-action': 'terminate',
    });
    expect(await hub.runUntil(() => running(hub, 'eu-west-1'), 3600)).toBe(true);
    await hub.runUntil(() => executionsOf('us-west-2', 'teardown')[0]?.status === 'SUCCEEDED', 3600);

    const replacement = executionsOf('eu-west-1', 'launch')[0]!;
    const teardown = executionsOf('us-west-2', 'teardown')[0]!;
    expect(replacement.status).toBe('SUCCEEDED');
    expect(teardown.status).toBe('SUCCEEDED');
    // Make-before-break: the old region's teardown started only after the replacement was up.
    expect(teardown.startDate.getTime()).toBeGreaterThanOrEqual(replacement.stopDate!.getTime());
    expect(west.asg.desired).toBe(0);
    expect(west.asg.instances).toEqual([]);
    expect([...west.tasks.values()].every((t) => t.desiredStatus === 'STOPPED')).toBe(true);
    expect(hub.state.excluded_regions.map((e) => [e.region, e.reason])).toEqual([
      ['us-west-2', 'SpotInterruption'],
    ]);
    expect(hub.state.instances.map((i) => i.instance_id)).toEqual([
      workers.get('eu-west-1')!.asg.instances[0]!.id,
    ]);
    hub.sfn.close();
  });
});
