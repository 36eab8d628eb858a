import { describe, expect, it } from 'vitest';
import { TaskError } from '../../emulator/sfn/runtime.ts';
import { eventsOf, ranInOrder, statesEntered, waitDurations } from './support/history.ts';
import { WorkerWorld } from './support/worker-world.ts';

const REGION = 'us-west-2';
const TOKEN = 'AQ-hub-launch-token';

/** A request of the edge-triggered hub (task token, capacity + lifecycle, no fence). */
const legacy = (overrides: Record<string, unknown> = {}) => ({
  prefix: 'spotplane',
  target_region: REGION,
  task_token: TOKEN,
  capacity: 1,
  lifecycle: 'spot',
  ...overrides,
});

/** A request of the level-triggered hub: intent + absolute desired state. */
const fenced = (
  intent: number,
  desired = { spot: 1, on_demand: 0 },
  overrides: Record<string, unknown> = {},
) => ({
  prefix: 'spotplane',
  target_region: REGION,
  intent,
  desired,
  ...overrides,
});

/** A region whose Spot capacity holds two instances. */
const ROOM_FOR_TWO = { spotCapacity: 2, bootSeconds: 90, healthySeconds: 60, terminateSeconds: 45 };

/** A region serving two replicas launched by the request with `intent`: the world and their tasks. */
async function servingTwo(intent: number, behaviour?: typeof ROOM_FOR_TWO) {
  const world = new WorkerWorld(REGION, behaviour);
  expect((await world.finish(launch(world, fenced(intent, { spot: 2, on_demand: 0 })))).status).toBe(
    'SUCCEEDED',
  );
  return { world, serving: world.liveTasks().map((t) => t.arn) };
}

/** Nothing stopped: the group holds two again and the tasks that served run on. */
function expectServingKept(world: WorkerWorld, serving: readonly string[]) {
  expect(world.callsOf(':ecs:stopTask')).toEqual([]);
  expect(world.asg.desired).toBe(2);
  expect(world.liveTasks().map((t) => t.arn)).toEqual(serving);
}

const launch = (world: WorkerWorld, detail: Record<string, unknown> = legacy()) =>
  world.start('launch', 'spotplane.hub', 'Launch Requested', detail);

describe('LaunchInstance', () => {
  it('raises the group, waits for a registered container instance, runs the task, waits until healthy, reports', async () => {
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
        OnDemandBaseCapacity: 0,
        OnDemandPercentageAboveBaseCapacity: 0,
        SpotAllocationStrategy: 'price-capacity-optimized',
      },
    });
    expect(
      ranInOrder(execution, [
        'RaiseCapacity',
        'Progress',
        'Heartbeat',
        'Place',
        'RunTask',
        'Progress',
        'GetInstances',
        'ReportLaunched',
        'Launched',
      ]),
    ).toBe(true);
    // Healthy means the health check passed, not merely RUNNING: boot (90 s) + registration (30 s) + start
    // (10 s) + health (60 s).
    expect(succeeded!.at.getTime() - execution.startDate.getTime()).toBeGreaterThanOrEqual(190_000);
    // The hub heard progress, with the phase it was in, at least every poll while it waited.
    const beats = world.eventsOfType('Launch Heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(8);
    expect(beats.every((b) => b.detail.task_token === TOKEN && b.detail.region === REGION)).toBe(true);
    expect(new Set(beats.map((b) => b.detail.phase))).toEqual(
      new Set(['instances', 'registration', 'placement', 'health']),
    );
    const gaps = [
      execution.startDate.getTime(),
      ...beats.map((b) => b.at.getTime()),
      succeeded!.at.getTime(),
    ].map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
  });

  it('runs no task until the ECS agent has registered the instance, so ECS never answers with failures', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      registrationSeconds: 75,
      healthySeconds: 30,
      terminateSeconds: 45,
    });
    const start = world.clock.now().getTime();
    let firstRunTaskAt: number | null = null;
    world.beforeCall = (call) => {
      if (firstRunTaskAt === null && call.resource.endsWith(':ecs:runTask'))
        firstRunTaskAt = world.clock.now().getTime();
    };
    const execution = await world.finish(launch(world));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.callsOf(':ecs:runTask')).toHaveLength(1);
    expect(firstRunTaskAt! - start).toBeGreaterThanOrEqual((90 + 75) * 1000);
    expect(statesEntered(execution)).not.toContain('PlacementFailures');
  });

  it('retries placement failures (AGENT) with backoff 5 s, 10 s, then places the task', async () => {
    const world = new WorkerWorld(REGION);
    world.agentFailures = 2;
    const execution = await world.finish(launch(world));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.callsOf(':ecs:runTask')).toHaveLength(3);
    expect(waitDurations(execution, 'PlacementWait')).toEqual([5, 10]);
    expect(world.liveTasks()).toHaveLength(1);
  });

  it('gives up on placement after 5 backoffs (the budget), reporting RunTaskFailed and cleaning up', async () => {
    const world = new WorkerWorld(REGION);
    world.agentFailures = 99;
    const execution = await world.finish(launch(world));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'RunTaskFailed' });
    expect(waitDurations(execution, 'PlacementWait')).toEqual([5, 10, 20, 40, 45]);
    expect(world.eventsOfType('Launch Failed')[0]!.detail).toMatchObject({ error: 'RunTaskFailed' });
    expect(world.asg.desired).toBe(0);
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
    // Within a poll or two, not after the launch budget.
    expect(failed!.at.getTime() - execution.startDate.getTime()).toBeLessThanOrEqual(30_000);
    expect(world.callsOf(':ecs:runTask')).toEqual([]);
    expect(
      ranInOrder(execution, [
        'Progress',
        'NextStep',
        'ProgressFailed',
        'CleanUp',
        'ScaleDown',
        'ReportFailure',
        'LaunchFailed',
      ]),
    ).toBe(true);
    expect(world.asg.desired).toBe(0);
  });

  it('keeps what launched when Spot holds only part of the request: no task stopped, the group down to what it holds', async () => {
    const world = new WorkerWorld(REGION, ROOM_FOR_TWO);
    const execution = await world.finish(launch(world, fenced(5, { spot: 3, on_demand: 0 })));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InsufficientInstanceCapacity' });
    expect(world.eventsOfType('Launch Failed')[0]!.detail).toMatchObject({
      intent: 5,
      error: 'InsufficientInstanceCapacity',
    });
    expect(
      ranInOrder(execution, ['ProgressFailed', 'KeepLaunched', 'ShrinkToLaunched', 'ReportFailure']),
    ).toBe(true);
    expect(statesEntered(execution)).not.toContain('StopTasks');
    expect(statesEntered(execution)).not.toContain('ScaleDown');
    expect(world.asg.desired).toBe(2);
    expect(world.asg.instances.filter((i) => i.lifecycleState !== 'Terminating')).toHaveLength(2);
  });

  it('a region that fails to grow keeps the replicas it served: their tasks run on', async () => {
    const { world, serving } = await servingTwo(6, ROOM_FOR_TWO);
    expect(serving).toHaveLength(2);

    const execution = await world.finish(launch(world, fenced(7, { spot: 3, on_demand: 0 })));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InsufficientInstanceCapacity' });
    expectServingKept(world, serving);
  });

  it('a new replica that never gets healthy goes alone: the replicas serving in the region stay', async () => {
    const { world, serving } = await servingTwo(8);
    world.behaviour.healthySeconds = null;

    const execution = await world.finish(launch(world, fenced(9, { spot: 3, on_demand: 0 })));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'HealthCheckTimeout' });
    expect(ranInOrder(execution, ['HealthTimedOut', 'KeepServing', 'KeepHealthy', 'ShrinkToLaunched'])).toBe(
      true,
    );
    await world.clock.advance(60_000);
    expectServingKept(world, serving);
  });

  it('a progress Lambda that keeps failing leaves the replicas that served at its last answer', async () => {
    const { world, serving } = await servingTwo(8);
    let answered = 0;
    world.beforeCall = (call) => {
      if (call.stateName === 'Progress' && ++answered > 2) {
        throw new TaskError('Lambda.ServiceException', 'Lambda was unable to run the function.');
      }
    };

    const execution = await world.finish(launch(world, fenced(9, { spot: 3, on_demand: 0 })));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
    expect(ranInOrder(execution, ['KeepServing', 'KeepHealthy', 'ShrinkToLaunched', 'ReportFailure'])).toBe(
      true,
    );
    expectServingKept(world, serving);
  });

  it('a task that exits on a bad host takes that host by name, not a serving one, and the next request succeeds', async () => {
    const { world, serving } = await servingTwo(6);
    // The older replica's host goes bad (a GPU fault): its task exits, and every task placed there will.
    const [badTask, goodTask] = serving.map((arn) => world.tasks.get(arn)!);
    const bad = badTask!.instanceId!;
    Object.assign(badTask!, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
    });
    world.brokenHosts.add(bad);

    const failed = await world.finish(launch(world, fenced(7, { spot: 2, on_demand: 0 })));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'TaskStopped' });
    expect(
      ranInOrder(failed, ['KeepLaunched', 'KeepFailed', 'TakeInstances', 'AfterTake', 'ShrinkToLaunched']),
    ).toBe(true);
    expect(world.callsOf(':autoscaling:terminateInstanceInAutoScalingGroup').map((c) => c.input)).toEqual([
      { InstanceId: bad, ShouldDecrementDesiredCapacity: true },
    ]);
    await world.clock.advance(60_000);
    expect(world.asg.desired).toBe(1);
    expect(world.asg.instances.map((i) => i.id)).toEqual([goodTask!.instanceId]);
    expect(world.liveTasks().map((t) => t.arn)).toEqual([goodTask!.arn]);

    // The hub asks again: a new instance, not the bad host, takes the second replica.
    expect((await world.finish(launch(world, fenced(8, { spot: 2, on_demand: 0 })))).status).toBe(
      'SUCCEEDED',
    );
    expect(world.liveTasks()).toHaveLength(2);
  });

  it('a request that shrinks the region gives back the host without a task by name, not a serving replica', async () => {
    const { world, serving } = await servingTwo(6);
    // The older replica's task exited: its host is empty (and broken), the other serves.
    const [emptyTask, servingTask] = serving.map((arn) => world.tasks.get(arn)!);
    Object.assign(emptyTask!, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
    });
    world.brokenHosts.add(emptyTask!.instanceId!);

    const execution = await world.finish(launch(world, fenced(7, { spot: 1, on_demand: 0 })));
    expect(execution.status).toBe('SUCCEEDED');
    expect(
      ranInOrder(execution, [
        'ReadGroup',
        'ShrinksGroup',
        'ReadSurplus',
        'Shrinks',
        'GiveBackSurplus',
        'TakeInstances',
        'AfterTake',
        'RaiseCapacity',
      ]),
    ).toBe(true);
    expect(world.callsOf(':autoscaling:terminateInstanceInAutoScalingGroup').map((c) => c.input)).toEqual([
      { InstanceId: emptyTask!.instanceId, ShouldDecrementDesiredCapacity: true },
    ]);
    expect(world.asg.desired).toBe(1);
    expect(world.liveTasks().map((t) => t.arn)).toEqual([servingTask!.arn]);
  });

  it('a request that does not shrink the region names nothing', async () => {
    const { world } = await servingTwo(6);
    const execution = await world.finish(launch(world, fenced(7, { spot: 2, on_demand: 0 })));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('ShrinksGroup');
    expect(statesEntered(execution)).not.toContain('ReadSurplus');
    expect(world.callsOf(':autoscaling:terminateInstanceInAutoScalingGroup')).toEqual([]);
  });

  it('a timed-out launch takes the instances without a healthy task by name and keeps the serving ones', async () => {
    const { world, serving } = await servingTwo(8);
    world.behaviour.healthySeconds = null;

    const execution = await world.finish(launch(world, fenced(9, { spot: 3, on_demand: 0 })));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'HealthCheckTimeout' });
    const hosts = serving.map((arn) => world.tasks.get(arn)!.instanceId);
    const taken = world
      .callsOf(':autoscaling:terminateInstanceInAutoScalingGroup')
      .map((c) => (c.input as { InstanceId: string }).InstanceId);
    expect(taken).toHaveLength(1);
    expect(hosts).not.toContain(taken[0]);
  });

  it('launches on-demand for an on-demand request: the whole capacity as OnDemandBaseCapacity', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: false,
      bootSeconds: 60,
      healthySeconds: 30,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world, legacy({ lifecycle: 'on-demand' })));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.asg.distribution).toEqual({
      OnDemandBaseCapacity: 1,
      OnDemandPercentageAboveBaseCapacity: 0,
      SpotAllocationStrategy: 'price-capacity-optimized',
    });
    expect(world.eventsOfType('Launch Succeeded')[0]!.detail.instances).toEqual([
      expect.objectContaining({ lifecycle: 'on-demand' }),
    ]);
  });

  it('brings the region to an absolute desired state: spot and on-demand together, one task per instance', async () => {
    const world = new WorkerWorld(REGION);
    const execution = await world.finish(launch(world, fenced(3, { spot: 1, on_demand: 1 })));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.asg.desired).toBe(2);
    expect(world.asg.instances.map((i) => i.lifecycle).sort()).toEqual(['on-demand', 'spot']);
    expect(new Set(world.liveTasks().map((t) => t.instanceId)).size).toBe(2);
    expect(world.eventsOfType('Launch Succeeded')[0]!.detail).toMatchObject({ region: REGION, intent: 3 });
    expect(world.eventsOfType('Launch Succeeded')[0]!.detail).not.toHaveProperty('task_token');
  });

  it('a repeated request changes nothing: the running, healthy task is found and no second one started', async () => {
    const world = new WorkerWorld(REGION);
    await world.finish(launch(world, fenced(4)));
    const tasksBefore = world.liveTasks().map((t) => t.arn);
    const again = await world.finish(launch(world, fenced(4)));
    expect(again.status).toBe('SUCCEEDED');
    expect(world.liveTasks().map((t) => t.arn)).toEqual(tasksBefore);
    expect(world.callsOf(':ecs:runTask')).toHaveLength(1);
    expect(world.asg.desired).toBe(1);
  });

  it('gives up on a container that never becomes healthy within the launch budget, stopping it and scaling to 0', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: null,
      terminateSeconds: 45,
    });
    const execution = await world.finish(launch(world));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'HealthCheckTimeout' });
    expect(world.eventsOfType('Launch Failed')[0]!.detail).toMatchObject({ error: 'HealthCheckTimeout' });
    // The default launch budget (1470 s) bounds it: 270 polls of LAUNCH_POLL_SECONDS (5 s) plus placement.
    expect(eventsOf(execution, 'PassStateEntered', 'CountPoll')).toHaveLength(270);
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
    expect(statesEntered(execution)).not.toContain('Progress');
  });

  it('ignores a request addressed to another region', async () => {
    const world = new WorkerWorld(REGION);
    const execution = await world.finish(launch(world, legacy({ target_region: 'eu-west-1' })));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['CheckRegion', 'NotForThisRegion']);
    expect(world.calls).toEqual([]);
  });
});

describe('LaunchInstance reports through EventBridge failures', () => {
  it('retries a PutEvents answered with a failed entry (EventBridge.FailedEntry) until Launch Succeeded is delivered', async () => {
    const world = new WorkerWorld(REGION);
    world.failEntries = 3;
    world.failEntriesOf = 'Launch Succeeded';
    const execution = await world.finish(launch(world));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.eventsOfType('Launch Succeeded')).toHaveLength(1);
    expect(eventsOf(execution, 'TaskFailed', 'ReportLaunched').map((e) => e.error)).toEqual([
      'EventBridge.FailedEntry',
      'EventBridge.FailedEntry',
      'EventBridge.FailedEntry',
    ]);
  });

  it('ends FAILED (never quietly SUCCEEDED) and keeps the capacity when Launch Succeeded cannot be put at all', async () => {
    const world = new WorkerWorld(REGION);
    world.failEntries = 99;
    world.failEntriesOf = 'Launch Succeeded';
    const execution = await world.finish(launch(world, fenced(2)));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ReportFailed' });
    expect(world.asg.desired).toBe(1);
    expect(world.liveTasks()).toHaveLength(1);
  });
});

describe('LaunchInstance fence (intent)', () => {
  it('drops a request older than the group tag at once: no change, no event', async () => {
    const world = new WorkerWorld(REGION);
    world.asg.tags.set('spotplane:intent', '7');
    const execution = await world.finish(launch(world, fenced(5)));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Superseded');
    expect(world.callsOf(':autoscaling:updateAutoScalingGroup')).toEqual([]);
    expect(world.events).toEqual([]);
  });

  it('tags the group with its intent before it changes anything', async () => {
    const world = new WorkerWorld(REGION);
    world.asg.tags.set('spotplane:intent', '3');
    const execution = await world.finish(launch(world, fenced(4)));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.asg.tags.get('spotplane:intent')).toBe('4');
    expect(ranInOrder(execution, ['ReadFence', 'WriteFence', 'RaiseCapacity'])).toBe(true);
  });

  it('stops before RunTask when a newer request took the region meanwhile', async () => {
    const world = new WorkerWorld(REGION);
    world.beforeCall = (call) => {
      // A newer request (intent 9) arrives while this launch waits for its instance.
      if (call.stateName === 'Progress') world.asg.tags.set('spotplane:intent', '9');
    };
    const execution = await world.finish(launch(world, fenced(8)));
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Superseded');
    expect(world.callsOf(':ecs:runTask')).toEqual([]);
    expect(world.events.filter((e) => e.detailType !== 'Launch Heartbeat')).toEqual([]);
  });

  it('an old launch that fails never scales down what a newer request launched (issue 11, defect 4)', async () => {
    const world = new WorkerWorld(REGION, {
      spotCapacity: true,
      bootSeconds: 90,
      healthySeconds: null,
      terminateSeconds: 45,
    });
    const old = launch(world, fenced(10));
    await world.clock.advance(200_000);
    // The hub moved on: intent 11 wants two replicas here; its worker set the group (and the tag).
    world.asg.tags.set('spotplane:intent', '11');
    world.asg.desired = 2;
    const execution = await world.finish(old);
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Superseded');
    expect(world.callsOf(':autoscaling:updateAutoScalingGroup')).toHaveLength(1);
    expect(world.asg.desired).toBe(2);
    expect(world.eventsOfType('Launch Failed')).toEqual([]);
  });

  it('a request without intent (the edge-triggered hub) is not fenced: no tag read or written', async () => {
    const world = new WorkerWorld(REGION);
    world.asg.tags.set('spotplane:intent', '99');
    const execution = await world.finish(launch(world));
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.callsOf(':autoscaling:createOrUpdateTags')).toEqual([]);
    expect(statesEntered(execution)).not.toContain('ReadFence');
  });
});
