import { describe, expect, it } from 'vitest';
import { eventsOf, ranInOrder, statesEntered } from './support/history.ts';
import { WorkerWorld } from './support/worker-world.ts';

const REGION = 'us-west-2';

const teardown = (world: WorkerWorld, detail: Record<string, unknown> = {}) =>
  world.start('teardown', 'spotplane.hub', 'Teardown Requested', {
    prefix: 'spotplane',
    target_region: REGION,
    ...detail,
  });

describe('TeardownInstance', () => {
  it('stops every task across several pages, scales to 0, waits for the instances and reports completion', async () => {
    const world = new WorkerWorld(REGION);
    world.addRunningInstance();
    world.addRunningInstance();
    const tasks = Array.from({ length: 250 }, () => world.addRunningTask());
    const execution = await world.finish(teardown(world, { task_token: 'AQ-toggle-token' }));

    expect(execution.status).toBe('SUCCEEDED');
    const lists = world.callsOf(':ecs:listTasks');
    expect(lists).toHaveLength(3);
    expect(lists.map((c) => (c.input as { NextToken?: string }).NextToken !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
    expect(new Set(world.callsOf(':ecs:stopTask').map((c) => (c.input as { Task: string }).Task))).toEqual(
      new Set(tasks),
    );
    expect([...world.tasks.values()].every((t) => t.desiredStatus === 'STOPPED')).toBe(true);
    expect(world.asg.desired).toBe(0);
    expect(world.asg.instances).toEqual([]);
    const [completed] = world.eventsOfType('Teardown Completed');
    expect(completed!.detail).toEqual({ prefix: 'spotplane', region: REGION, task_token: 'AQ-toggle-token' });
    // Completion is reported only once the instances are gone (45 s to terminate).
    const scaledToZero = eventsOf(execution, 'TaskSucceeded', 'ScaleToZero')[0]!.timestamp.getTime();
    expect(completed!.at.getTime() - scaledToZero).toBeGreaterThanOrEqual(45_000);
    expect(
      ranInOrder(execution, [
        'ListFirstPage',
        'StopPage',
        'ListNextPage',
        'StopPage',
        'ListNextPage',
        'StopPage',
        'ScaleToZero',
        'DescribeGroup',
        'DrainWait',
        'DescribeGroup',
        'ReportCompleted',
        'ReportCompletedWithToken',
      ]),
    ).toBe(true);
    expect(eventsOf(execution, 'MapIterationSucceeded')).toHaveLength(250);
  });

  it('is safe to run when nothing runs, and to run twice', async () => {
    const world = new WorkerWorld(REGION);
    const first = await world.finish(teardown(world));
    const second = await world.finish(teardown(world));
    for (const execution of [first, second]) {
      expect(execution.status).toBe('SUCCEEDED');
      expect(statesEntered(execution)).not.toContain('DrainWait');
    }
    expect(world.eventsOfType('Teardown Completed').map((e) => e.detail)).toEqual([
      { prefix: 'spotplane', region: REGION },
      { prefix: 'spotplane', region: REGION },
    ]);
    expect(world.callsOf(':ecs:stopTask')).toEqual([]);
  });

  it('ignores a request addressed to another region', async () => {
    const world = new WorkerWorld(REGION);
    world.addRunningInstance();
    const execution = await world.finish(teardown(world, { target_region: 'eu-west-1' }));
    expect(statesEntered(execution)).toEqual(['CheckRegion', 'NotForThisRegion']);
    expect(world.asg.desired).toBe(1);
  });
});
