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
    // Three pages of tasks to stop, then the final check that none is left.
    const lists = world.callsOf(':ecs:listTasks');
    expect(lists).toHaveLength(4);
    expect(lists.map((c) => (c.input as { NextToken?: string }).NextToken !== undefined)).toEqual([
      false,
      true,
      true,
      false,
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
        'CheckTasks',
        'ReportCompleted',
        'Completed',
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

  it('retries a Teardown Completed that EventBridge answers with a failed entry until it is delivered', async () => {
    const world = new WorkerWorld(REGION);
    world.failEntries = 2;
    const execution = await world.finish(teardown(world));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.eventsOfType('Teardown Completed')).toHaveLength(1);
    expect(eventsOf(execution, 'TaskFailed', 'ReportCompleted').map((e) => e.error)).toEqual([
      'EventBridge.FailedEntry',
      'EventBridge.FailedEntry',
    ]);
  });

  it('never gives up quietly: a group it cannot scale to 0 ends in Teardown Failed and a FAILED execution', async () => {
    const world = new WorkerWorld(REGION);
    world.asgName = 'someone-elses-group';
    const execution = await world.finish(teardown(world));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'AutoScaling.ValidationErrorException' });
    expect(world.eventsOfType('Teardown Completed')).toEqual([]);
    expect(world.eventsOfType('Teardown Failed')[0]!.detail).toMatchObject({
      prefix: 'spotplane',
      region: REGION,
      error: 'AutoScaling.ValidationErrorException',
    });
  });

  it('reports Teardown Failed, not Completed, when instances are still there after the bounded wait', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: 60,
      terminateSeconds: 3600,
    });
    world.addRunningInstance();
    const execution = await world.finish(teardown(world));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TeardownTimeout' });
    expect(world.eventsOfType('Teardown Completed')).toEqual([]);
    expect(world.eventsOfType('Teardown Failed')[0]!.detail).toMatchObject({ error: 'TeardownTimeout' });
  });

  it('leaves a region a newer request (higher intent) took: no task stopped, the group untouched', async () => {
    const world = new WorkerWorld(REGION);
    world.addRunningInstance();
    const task = world.addRunningTask();
    world.asg.tags.set('spotplane:intent', '12');
    const execution = await world.finish(teardown(world, { intent: 11, desired: { spot: 0, on_demand: 0 } }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Superseded');
    expect(world.tasks.get(task)?.desiredStatus).toBe('RUNNING');
    expect(world.asg.desired).toBe(1);
    expect(world.events).toEqual([]);
  });

  it('carries its intent in Teardown Completed and tags the group with it', async () => {
    const world = new WorkerWorld(REGION);
    world.asg.tags.set('spotplane:intent', '4');
    const execution = await world.finish(teardown(world, { intent: 5, desired: { spot: 0, on_demand: 0 } }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.asg.tags.get('spotplane:intent')).toBe('5');
    expect(world.eventsOfType('Teardown Completed')[0]!.detail).toEqual({
      prefix: 'spotplane',
      region: REGION,
      intent: 5,
    });
  });

  it('ignores a request addressed to another region', async () => {
    const world = new WorkerWorld(REGION);
    world.addRunningInstance();
    const execution = await world.finish(teardown(world, { target_region: 'eu-west-1' }));
    expect(statesEntered(execution)).toEqual(['CheckRegion', 'NotForThisRegion']);
    expect(world.asg.desired).toBe(1);
  });
});
