import { describe, expect, it } from 'vitest';
import { eventsOf, ranInOrder, statesEntered } from './support/history.ts';
import { WorkerWorld } from './support/worker-world.ts';

const REGION = 'us-west-2';
const TOKEN = 'AQ-hub-launch-token';

const request = (overrides: Record<string, unknown> = {}) => ({
  prefix: 'spotplane',
  target_region: REGION,
  task_token: TOKEN,
  capacity: 1,
  lifecycle: 'spot',
  ...overrides,
});

const launch = (world: WorkerWorld, overrides: Record<string, unknown> = {}) =>
  world.start('launch', 'spotplane.hub', 'Launch Requested', request(overrides));

describe('LaunchInstance', () => {
  it('raises the group, waits for InService and a healthy container, then reports the instances', async () => {
    const world = new WorkerWorld(REGION);
    const execution = await world.finish(launch(world));

    expect(execution.status).toBe('SUCCEEDED');
    const [succeeded] = world.eventsOfType('Launch Succeeded');
    expect(succeeded!.detail).toEqual({
      prefix: 'spotplane',
      region: REGION,
      task_token: TOKEN,
      instances: [
        expect.objectContaining({
          instance_id: world.asg.instances[0]!.id,
          lifecycle: 'spot',
          availability_zone: 'us-west-2a',
        }),
      ],
    });
    expect(world.asg).toMatchObject({
      desired: 1,
      distribution: {
        OnDemandPercentageAboveBaseCapacity: 0,
        SpotAllocationStrategy: 'price-capacity-optimized',
      },
    });
    expect(
      ranInOrder(execution, [
        'RaiseCapacity',
        'LaunchStatus',
        'InstancesWait',
        'LaunchStatus',
        'RunTask',
        'DescribeTasks',
        'ClassifyTasks',
        'HealthWait',
        'DescribeTasks',
        'GetInstances',
        'ReportLaunched',
        'Launched',
      ]),
    ).toBe(true);
    // Healthy means the health check passed, not merely RUNNING: success came after boot (90 s) + start (10 s) + health (60 s).
    expect(succeeded!.at.getTime() - execution.startDate.getTime()).toBeGreaterThanOrEqual(160_000);
    // The hub heard progress at least every poll while it waited.
    const beats = world.eventsOfType('Launch Heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(8);
    expect(beats.every((b) => b.detail.task_token === TOKEN && b.detail.region === REGION)).toBe(true);
    const gaps = [
      execution.startDate.getTime(),
      ...beats.map((b) => b.at.getTime()),
      succeeded!.at.getTime(),
    ].map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
  });

  it('reports a capacity error as soon as the scaling activity fails, never running the task, and scales back to 0', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: false,
      bootSeconds: 90,
      healthySeconds: 60,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InsufficientInstanceCapacity' });
    const [failed] = world.eventsOfType('Launch Failed');
    expect(failed!.detail).toMatchObject({
      prefix: 'spotplane',
      region: REGION,
      task_token: TOKEN,
      error: 'InsufficientInstanceCapacity',
    });
    expect(failed!.detail.cause).toContain('There is no Spot capacity available');
    // Within a poll or two, not after the 10-minute bound.
    expect(failed!.at.getTime() - execution.startDate.getTime()).toBeLessThanOrEqual(30_000);
    expect(world.callsOf(':ecs:runTask')).toEqual([]);
    expect(statesEntered(execution)).not.toContain('RunTask');
    expect(
      ranInOrder(execution, [
        'LaunchStatus',
        'InstancesReady',
        'CapacityFailed',
        'CleanUp',
        'ScaleDown',
        'ReportFailure',
        'LaunchFailed',
      ]),
    ).toBe(true);
    expect(world.asg.desired).toBe(0);
  });

  it('switches the group to on-demand for an on-demand request', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: false,
      bootSeconds: 60,
      healthySeconds: 30,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world, { lifecycle: 'on-demand' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.asg.distribution).toEqual({
      OnDemandBaseCapacity: 0,
      OnDemandPercentageAboveBaseCapacity: 100,
    });
    expect(world.eventsOfType('Launch Succeeded')[0]!.detail.instances).toEqual([
      expect.objectContaining({ lifecycle: 'on-demand' }),
    ]);
  });

  it('gives up on a container that never becomes healthy, stopping the task and scaling to 0', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: null,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'HealthCheckTimeout' });
    expect(world.eventsOfType('Launch Failed')[0]!.detail).toMatchObject({ error: 'HealthCheckTimeout' });
    expect(eventsOf(execution, 'TaskStateEntered', 'DescribeTasks')).toHaveLength(61);
    expect(world.callsOf(':ecs:stopTask').map((c) => (c.input as { Task: string }).Task)).toEqual([
      ...world.tasks.keys(),
    ]);
    expect(world.asg.desired).toBe(0);
    await world.clock.advance(60_000);
    expect(world.asg.instances).toEqual([]);
  });

  it('reports a container that exits before it is healthy', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: 120,
      stopsAfterSeconds: 20,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TaskStopped' });
    expect(world.eventsOfType('Launch Failed')).toHaveLength(1);
    expect(world.asg.desired).toBe(0);
  });

  it('reports an aws-sdk error by its Step Functions name and cleans up', async () => {
    const broken = new WorkerWorld(REGION);
    broken.asgName = 'someone-elses-group';
    const execution = await broken.finish(launch(broken));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'AutoScaling.ValidationErrorException' });
    expect(broken.eventsOfType('Launch Failed')[0]!.detail).toMatchObject({
      error: 'AutoScaling.ValidationErrorException',
    });
    expect(statesEntered(execution)).not.toContain('LaunchStatus');
  });

  it('ignores a request addressed to another region', async () => {
    const world = new WorkerWorld(REGION);
    const execution = await world.finish(launch(world, { target_region: 'eu-west-1' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['CheckRegion', 'NotForThisRegion']);
    expect(world.calls).toEqual([]);
  });
});
