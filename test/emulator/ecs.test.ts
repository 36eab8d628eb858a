/**
 * LocalCloud's ECS beyond the contract, as spotplane meets it on AWS: a capacity provider without managed
 * scaling, container instances that register late, drain on an interruption warning and lose their agent.
 */
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { gpusOf } from '../../emulator/ecs.ts';
import { createLocalCloud } from '../../emulator/index.ts';

async function cluster(opts: { registrationMs?: number } = {}) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({
    clock,
    seed: 'ecs',
    markets: { 'us-west-2': {} },
    launchTiming: { bootMs: 60_000, agentRegistrationMs: opts.registrationMs ?? 45_000 },
  });
  const r = cloud.region('us-west-2');
  r.autoScaling.createGroup({ name: 'gpu', instanceTypes: ['g6.xlarge'], maxSize: 4 });
  // As spotplane deploys it: the provider exists, managed scaling is DISABLED.
  r.ecs.createCluster({ name: 'c', autoScalingGroups: ['gpu'], capacityProviders: ['gpu'] });
  const taskDefinition = r.ecs.registerTaskDefinition({
    family: 'serve',
    containerName: 'serve',
    image: 'img',
    healthCheck: true,
  });
  const run = (count = 1) =>
    r.ecs.runTask({
      cluster: 'c',
      taskDefinition,
      count,
      capacityProviderStrategy: [{ capacityProvider: 'gpu', weight: 1 }],
      placementConstraints: [{ type: 'distinctInstance' }],
    });
  const scale = (n: number) =>
    r.autoScaling.setDesiredCapacity({ AutoScalingGroupName: 'gpu', DesiredCapacity: n });
  const listed = async () => (await r.ecs.listContainerInstances({ cluster: 'c' })).containerInstanceArns!;
  return { clock, cloud, r, run, scale, listed };
}

describe('ECS placement with spotplane capacity provider (managed scaling disabled)', () => {
  it('registers a container instance only after the agent starts, some time after InService', async () => {
    const { clock, run, scale, listed } = await cluster({ registrationMs: 45_000 });
    await scale(1);
    await clock.advance(60_000); // booted: InService
    expect(await listed()).toEqual([]);
    expect((await run().catch((e) => e)).name).toBe('InvalidParameterException');
    await clock.advance(45_000);
    expect(await listed()).toHaveLength(1);
    expect((await run()).tasks).toHaveLength(1);
  });

  it('answers a task it cannot place with a RESOURCE:GPU failure, not a PROVISIONING task', async () => {
    const { clock, run, scale } = await cluster();
    await scale(1);
    await clock.advance(300_000);
    const out = await run(2);
    expect(out.tasks).toHaveLength(1);
    expect(out.failures).toEqual([
      expect.objectContaining({
        reason: 'RESOURCE:GPU',
        arn: expect.stringContaining(':container-instance/c/'),
      }),
    ]);
  });

  it('drains a container instance on the Spot interruption warning: no new task goes there', async () => {
    const { clock, cloud, r, run, scale, listed } = await cluster();
    await scale(1);
    await clock.advance(300_000);
    cloud.interrupt('us-west-2');
    const [arn] = await listed();
    const described = await r.ecs.describeContainerInstances({ cluster: 'c', containerInstances: [arn!] });
    expect(described.containerInstances?.[0]?.status).toBe('DRAINING');
    expect((await run()).failures?.[0]?.reason).toBe('RESOURCE:GPU');
  });

  it('reports AGENT when the only container instance lost its agent (its instance is shutting down)', async () => {
    const { clock, r, run, scale } = await cluster();
    await scale(1);
    await clock.advance(300_000);
    const [instance] = r.ec2.all();
    r.ec2.terminate(instance!.instanceId);
    const out = await run();
    expect(out.tasks).toEqual([]);
    expect(out.failures?.[0]?.reason).toBe('AGENT');
  });

  it('counts GPUs per instance type as EC2 documents them', () => {
    expect([
      gpusOf('g6.xlarge'),
      gpusOf('g5.12xlarge'),
      gpusOf('p5.48xlarge'),
      gpusOf('inf2.xlarge'),
    ]).toEqual([1, 4, 8, 0]);
  });
});

describe('a faulty GPU host (LocalCloud fault)', () => {
  it('stops the task running there and every task placed there later as it starts, the host still healthy', async () => {
    const { clock, cloud, r, run, scale } = await cluster();
    await scale(1);
    await clock.advance(300_000);
    const first = (await run()).tasks![0]!;
    await clock.advance(120_000);
    const host = first.containerInstanceArn!;
    const [instanceId] = (
      await r.ecs.describeContainerInstances({ cluster: 'c', containerInstances: [host] })
    ).containerInstances!.map((ci) => ci.ec2InstanceId!);

    expect(cloud.breakHost('us-west-2', instanceId!)).toEqual([first.taskArn]);
    const stopped = async (arn: string) =>
      (await r.ecs.describeTasks({ cluster: 'c', tasks: [arn] })).tasks![0]!;
    expect(await stopped(first.taskArn!)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
    });

    const again = (await run()).tasks![0]!;
    await clock.advance(120_000);
    expect(await stopped(again.taskArn!)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
    });
    // EC2 and the ECS agent still call the instance healthy: only the workload knows.
    expect(r.ec2.get(instanceId!)?.state).toBe('running');
  });
});

describe('what EC2 and ECS forget', () => {
  it('lists a terminated instance and a stopped task for an hour, then forgets both, as AWS does', async () => {
    const { clock, r, run, scale } = await cluster();
    await scale(1);
    await clock.advance(300_000);
    const taskArn = (await run()).tasks![0]!.taskArn!;
    const [instance] = r.ec2.all();
    const id = instance!.instanceId;
    r.ec2.terminate(id);
    await r.ecs.stopTask({ cluster: 'c', task: taskArn });
    await clock.advance(59 * 60_000);
    const described = await r.ec2.describeInstances({ InstanceIds: [id] });
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated');
    expect((await r.ecs.listTasks({ cluster: 'c', desiredStatus: 'STOPPED' })).taskArns).toEqual([taskArn]);
    expect((await r.ecs.describeTasks({ cluster: 'c', tasks: [taskArn] })).tasks?.[0]?.lastStatus).toBe(
      'STOPPED',
    );

    await clock.advance(2 * 60_000);
    const gone = await r.ec2.describeInstances({ InstanceIds: [id] }).catch((e: Error) => e);
    expect((gone as Error).name).toBe('InvalidInstanceID.NotFound');
    expect(r.ec2.all().map((i) => i.instanceId)).not.toContain(id);
    expect((await r.ecs.listTasks({ cluster: 'c', desiredStatus: 'STOPPED' })).taskArns).toEqual([]);
    expect((await r.ecs.describeTasks({ cluster: 'c', tasks: [taskArn] })).failures).toEqual([
      { arn: taskArn, reason: 'MISSING' },
    ]);
  });
});
