import { describe, expect, it } from 'vitest';
import {
  type ContainerInstanceView,
  decideLaunchProgress,
  type LaunchObservation,
  type TaskView,
} from '../../core/launch-progress.ts';

const since = new Date('2026-11-24T10:00:00Z');
const later = new Date('2026-11-24T10:05:00Z');
const inService = { lifecycleState: 'InService', healthStatus: 'Healthy' };
const pending = { lifecycleState: 'Pending', healthStatus: 'Healthy' };
const free: ContainerInstanceView = { status: 'ACTIVE', agentConnected: true, freeGpus: 1, tasks: 0 };
const busy: ContainerInstanceView = { status: 'ACTIVE', agentConnected: true, freeGpus: 0, tasks: 1 };
const task = (over: Partial<TaskView> = {}): TaskView => ({
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  healthStatus: 'UNKNOWN',
  createdAt: later,
  ...over,
});
const capacityError = {
  statusCode: 'Failed',
  statusMessage:
    'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
  description: '',
  startTime: later,
};

const observe = (over: Partial<LaunchObservation>): LaunchObservation => ({
  want: 1,
  gpusPerTask: 1,
  asg: { desiredCapacity: 1, instances: [] },
  activities: [],
  since,
  containerInstances: [],
  tasks: [],
  ...over,
});

describe('decideLaunchProgress', () => {
  it.each<[string, Partial<LaunchObservation>, string, string]>([
    ['nothing launched yet', {}, 'WAIT', 'instances'],
    ['an instance still pending', { asg: { desiredCapacity: 1, instances: [pending] } }, 'WAIT', 'instances'],
    [
      'InService but its agent has not registered the container instance yet',
      { asg: { desiredCapacity: 1, instances: [inService] } },
      'WAIT',
      'registration',
    ],
    [
      'a registered container instance whose agent is disconnected',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [{ ...free, agentConnected: false }],
      },
      'WAIT',
      'registration',
    ],
    [
      'a draining container instance (interruption warning)',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [{ ...free, status: 'DRAINING' }],
      },
      'WAIT',
      'registration',
    ],
    [
      'a registered instance with its GPU free',
      { asg: { desiredCapacity: 1, instances: [inService] }, containerInstances: [free] },
      'PLACE',
      'placement',
    ],
    [
      'the task started, not healthy yet',
      { asg: { desiredCapacity: 1, instances: [inService] }, containerInstances: [busy], tasks: [task()] },
      'WAIT',
      'health',
    ],
    [
      'the task healthy',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [busy],
        tasks: [task({ healthStatus: 'HEALTHY' })],
      },
      'READY',
      'ready',
    ],
    [
      'a capacity error while the instance is missing',
      { activities: [capacityError] },
      'FAILED',
      'instances',
    ],
    [
      'a capacity error from before this launch is history',
      { activities: [{ ...capacityError, startTime: new Date('2026-11-24T09:00:00Z') }] },
      'WAIT',
      'instances',
    ],
    [
      'a capacity error in one zone while another zone filled the group is no failure',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        activities: [capacityError],
        containerInstances: [free],
      },
      'PLACE',
      'placement',
    ],
    [
      'a task of this launch that exited before it was healthy',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [free],
        tasks: [
          task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited' }),
        ],
      },
      'FAILED',
      'health',
    ],
    [
      'a task stopped by spotplane (UserInitiated) is no workload failure',
      {
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [free],
        tasks: [task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'UserInitiated' })],
      },
      'PLACE',
      'placement',
    ],
  ])('%s -> %s (%s)', (_, over, state, phase) => {
    const out = decideLaunchProgress(observe(over));
    expect(out.state).toBe(state);
    expect(out.progress.phase).toBe(phase);
  });

  it('starts only the tasks still missing, on free registered instances only (a repeated request starts none)', () => {
    const two = { desiredCapacity: 3, instances: [inService, inService, inService] };
    const partial = decideLaunchProgress(
      observe({ want: 3, asg: two, containerInstances: [busy, free, free], tasks: [task()] }),
    );
    const again = decideLaunchProgress(
      observe({ want: 3, asg: two, containerInstances: [busy, busy, busy], tasks: [task(), task(), task()] }),
    );
    const oneFree = decideLaunchProgress(
      observe({ want: 3, asg: two, containerInstances: [free], tasks: [] }),
    );
    expect(partial).toMatchObject({ state: 'PLACE', run_count: 2 });
    expect(again).toMatchObject({ state: 'WAIT', progress: { phase: 'health', tasks: 3 } });
    expect(oneFree).toMatchObject({ state: 'PLACE', run_count: 1 });
  });

  it('needs no free GPU for a Neuron task (gpusPerTask 0) and counts progress for the heartbeat', () => {
    const out = decideLaunchProgress(
      observe({
        gpusPerTask: 0,
        asg: { desiredCapacity: 1, instances: [inService] },
        containerInstances: [{ ...free, freeGpus: 0 }],
      }),
    );
    expect(out).toEqual({
      state: 'PLACE',
      run_count: 1,
      // The instance has no id in this observation: it cannot be named.
      idle: [],
      surplus: [],
      progress: {
        phase: 'placement',
        wanted: 1,
        in_service: 1,
        registered: 1,
        free: 1,
        tasks: 0,
        healthy: 0,
      },
    });
  });

  it('names the error and cause of a capacity failure and of an exited task', () => {
    const capacity = decideLaunchProgress(observe({ activities: [capacityError] }));
    const exited = decideLaunchProgress(
      observe({
        tasks: [
          task({
            lastStatus: 'STOPPED',
            desiredStatus: 'STOPPED',
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
          }),
        ],
      }),
    );
    expect(capacity).toMatchObject({ error: 'InsufficientInstanceCapacity' });
    expect(exited).toMatchObject({
      error: 'TaskStopped',
      cause:
        'The task stopped before it became healthy: EssentialContainerExited (Essential container in task exited)',
    });
  });

  it.each<[string, Partial<LaunchObservation>, number]>([
    ['nothing launched', { want: 3, activities: [capacityError] }, 0],
    [
      '2 of 3 launched (one InService, one pending in a lifecycle hook)',
      {
        want: 3,
        asg: {
          desiredCapacity: 3,
          instances: [inService, { ...pending, lifecycleState: 'Pending:Wait' }],
        },
        activities: [capacityError],
      },
      2,
    ],
    [
      '2 of 3 launched, a third leaving',
      {
        want: 3,
        asg: {
          desiredCapacity: 3,
          instances: [inService, pending, { lifecycleState: 'Terminating', healthStatus: 'Unhealthy' }],
        },
        activities: [capacityError],
      },
      2,
    ],
    [
      'more held than wanted: never above the request',
      { want: 1, asg: { desiredCapacity: 1, instances: [pending, pending] }, activities: [capacityError] },
      1,
    ],
  ])('a failed scaling activity keeps the instances that launched (%s)', (_, over, keep) => {
    expect(decideLaunchProgress(observe(over))).toMatchObject({ state: 'FAILED', keep });
  });

  it('a task that exited keeps the replicas that serve, and nothing when none does', () => {
    const stopped = task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
    });
    const alone = decideLaunchProgress(
      observe({ asg: { desiredCapacity: 1, instances: [inService] }, tasks: [stopped] }),
    );
    const beside = decideLaunchProgress(
      observe({
        want: 2,
        asg: { desiredCapacity: 2, instances: [inService, inService] },
        tasks: [task({ healthStatus: 'HEALTHY', createdAt: since }), stopped],
      }),
    );
    expect(alone).toMatchObject({ state: 'FAILED', error: 'TaskStopped', keep: 0 });
    expect(beside).toMatchObject({ state: 'FAILED', error: 'TaskStopped', keep: 1 });
  });

  describe('idle instances: what a launch given up on terminates by name', () => {
    const member = (instanceId: string, lifecycleState = 'InService') => ({
      instanceId,
      lifecycleState,
      healthStatus: 'Healthy',
    });
    const on = (instanceId: string | undefined, over: Partial<TaskView> = {}) =>
      task({ instanceId, ...over });
    const exited = { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited' };

    it('names the held instances without a healthy task: not the serving ones, not those leaving', () => {
      const status = decideLaunchProgress(
        observe({
          want: 3,
          asg: {
            desiredCapacity: 4,
            instances: [
              member('i-serving'),
              member('i-starting'),
              member('i-booting', 'Pending:Wait'),
              member('i-leaving', 'Terminating'),
            ],
          },
          containerInstances: [busy, busy],
          tasks: [on('i-serving', { healthStatus: 'HEALTHY' }), on('i-starting')],
        }),
      );
      expect(status).toMatchObject({ state: 'WAIT', idle: ['i-starting', 'i-booting'] });
    });

    it('a task that exited takes the idle instances (its host among them); a capacity failure takes none', () => {
      const taskStopped = decideLaunchProgress(
        observe({
          want: 2,
          asg: { desiredCapacity: 2, instances: [member('i-bad'), member('i-good')] },
          tasks: [on('i-bad', exited), on('i-good', { healthStatus: 'HEALTHY', createdAt: since })],
        }),
      );
      expect(taskStopped).toMatchObject({ state: 'FAILED', keep: 1, take: ['i-bad'] });
      const capacity = decideLaunchProgress(
        observe({
          want: 2,
          asg: { desiredCapacity: 2, instances: [member('i-launched', 'Pending')] },
          activities: [capacityError],
        }),
      );
      expect(capacity).toMatchObject({ state: 'FAILED', keep: 1, take: [], idle: ['i-launched'] });
    });

    it('names none while a serving task runs on an instance it cannot tell', () => {
      const status = decideLaunchProgress(
        observe({
          want: 2,
          asg: { desiredCapacity: 2, instances: [member('i-a'), member('i-b')] },
          tasks: [on(undefined, { healthStatus: 'HEALTHY' })],
        }),
      );
      expect(status).toMatchObject({ idle: [] });
    });

    it('names as surplus, per purchase option, the InService instances without any task, at most the excess', () => {
      const lifecycles = new Map<string, 'spot' | 'on-demand'>([
        ['i-empty', 'spot'],
        ['i-serving', 'spot'],
        ['i-starting', 'spot'],
        ['i-booting', 'spot'],
        ['i-od-empty', 'on-demand'],
      ]);
      const observation = (spot: number, onDemand: number, kinds = true) =>
        observe({
          want: spot + onDemand,
          asg: {
            desiredCapacity: 5,
            instances: ['i-empty', 'i-serving', 'i-starting', 'i-od-empty']
              .map((id) => member(id))
              .concat(member('i-booting', 'Pending')),
          },
          tasks: [on('i-serving', { healthStatus: 'HEALTHY' }), on('i-starting'), on('i-empty', exited)],
          ...(kinds ? { kinds: { spot, onDemand, lifecycles } } : {}),
        });
      // Four Spot held, three wanted: the empty Spot host goes; the on-demand one is wanted.
      expect(decideLaunchProgress(observation(3, 1))).toMatchObject({ surplus: ['i-empty'] });
      // Giving back an on-demand replica takes the empty on-demand host, never the empty Spot one.
      expect(decideLaunchProgress(observation(4, 0))).toMatchObject({ surplus: ['i-od-empty'] });
      // Spot 1 wanted of 4: only the empty host can go by name (not a task's, not a booting one).
      expect(decideLaunchProgress(observation(1, 1))).toMatchObject({ surplus: ['i-empty'] });
      expect(decideLaunchProgress(observation(4, 1))).toMatchObject({ surplus: [] });
      // Without the purchase options nothing is named.
      expect(decideLaunchProgress(observation(1, 0, false))).toMatchObject({ surplus: [] });
    });
  });
});
