import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function ecsContract(name: string, makeTarget: TargetFactory): void {
  describe(`ECS contract (${name})`, () => {
    let t: ContractTarget;
    const ecs = () => t.clients.ecs(t.region);
    const scaleTo = (n: number) =>
      t.clients
        .autoScaling(t.region)
        .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: t.asgName, DesiredCapacity: n }));
    /** Instances booted and registered by their ECS agent (which starts a while after boot). */
    const withInstances = async (n: number) => {
      await scaleTo(n);
      await t.advance(300_000);
    };
    const listed = async () =>
      (await ecs().send(new ListContainerInstancesCommand({ cluster: t.clusterName })))
        .containerInstanceArns ?? [];
    const run = () =>
      ecs().send(
        new RunTaskCommand({ cluster: t.clusterName, taskDefinition: t.taskDefinition, launchType: 'EC2' }),
      );
    const describe1 = async (arn: string) =>
      (await ecs().send(new DescribeTasksCommand({ cluster: t.clusterName, tasks: [arn] }))).tasks?.[0];

    beforeEach(async () => {
      t = await makeTarget();
    });

    it('runs a task that becomes RUNNING and then HEALTHY', async () => {
      await withInstances(1);
      const out = await run();
      const arn = out.tasks?.[0]?.taskArn ?? '';
      const pending = await describe1(arn);
      await t.advance(45_000);
      const started = await describe1(arn);
      await t.advance(30_000);
      const healthy = await describe1(arn);
      expect(out.failures).toEqual([]);
      expect(pending).toMatchObject({
        lastStatus: 'PENDING',
        desiredStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
      });
      expect(started?.lastStatus).toBe('RUNNING');
      expect(healthy).toMatchObject({ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    });

    it('names the EC2 instance behind the container instance a task runs on', async () => {
      await withInstances(1);
      const task = (await run()).tasks?.[0];
      const out = await ecs().send(
        new DescribeContainerInstancesCommand({
          cluster: t.clusterName,
          containerInstances: [task?.containerInstanceArn ?? '', 'arn:aws:ecs:x:1:container-instance/c/gone'],
        }),
      );
      expect(out.containerInstances?.[0]).toMatchObject({
        containerInstanceArn: task?.containerInstanceArn,
        ec2InstanceId: expect.stringMatching(/^i-/),
        status: 'ACTIVE',
      });
      expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:x:1:container-instance/c/gone', reason: 'MISSING' }]);
      const empty = await ecs()
        .send(new DescribeContainerInstancesCommand({ cluster: t.clusterName, containerInstances: [] }))
        .catch((e) => e);
      expect(empty.name).toBe('InvalidParameterException');
    });

    it('has no container instance while an instance is InService but its agent has not registered yet', async () => {
      await scaleTo(1);
      let inService = false;
      for (let waited = 0; waited < 300_000 && !inService; waited += 5_000) {
        await t.advance(5_000);
        const g = await t.clients
          .autoScaling(t.region)
          .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.asgName] }));
        inService = g.AutoScalingGroups?.[0]?.Instances?.[0]?.LifecycleState === 'InService';
      }
      const atInService = await listed();
      const tooEarly = await run().catch((e) => e);
      await t.advance(300_000);
      expect(inService).toBe(true);
      expect(atInService).toEqual([]);
      expect(tooEarly.name).toBe('InvalidParameterException');
      expect(tooEarly.message).toMatch(/No Container Instances/);
      expect(await listed()).toHaveLength(1);
      expect((await run()).failures).toEqual([]);
    });

    it('describes a container instance with its connected agent and its GPUs, registered and remaining', async () => {
      await withInstances(1);
      const [arn] = await listed();
      const before = await ecs().send(
        new DescribeContainerInstancesCommand({ cluster: t.clusterName, containerInstances: [arn!] }),
      );
      await run();
      const after = await ecs().send(
        new DescribeContainerInstancesCommand({ cluster: t.clusterName, containerInstances: [arn!] }),
      );
      const gpus = (
        ci: typeof before.containerInstances,
        which: 'registeredResources' | 'remainingResources',
      ) => ci?.[0]?.[which]?.find((r) => r.name === 'GPU')?.stringSetValue ?? [];
      expect(before.containerInstances?.[0]).toMatchObject({
        containerInstanceArn: arn,
        status: 'ACTIVE',
        agentConnected: true,
        runningTasksCount: 0,
        pendingTasksCount: 0,
      });
      expect(gpus(before.containerInstances, 'registeredResources')).toHaveLength(1);
      expect(gpus(before.containerInstances, 'remainingResources')).toHaveLength(1);
      expect(gpus(after.containerInstances, 'remainingResources')).toEqual([]);
      expect(after.containerInstances?.[0]?.pendingTasksCount).toBe(1);
    });

    it('deregisters the container instance of a terminated instance: not listed, described INACTIVE', async () => {
      await withInstances(1);
      const [arn] = await listed();
      await scaleTo(0);
      await t.advance(120_000);
      const described = await ecs().send(
        new DescribeContainerInstancesCommand({ cluster: t.clusterName, containerInstances: [arn!] }),
      );
      expect(await listed()).toEqual([]);
      expect(described.containerInstances?.[0]).toMatchObject({ status: 'INACTIVE', agentConnected: false });
    });

    it('refuses to run a task in a cluster without container instances', async () => {
      const error = await run().catch((e) => e);
      expect(error.name).toBe('InvalidParameterException');
    });

    it('reports a placement failure when every instance is taken', async () => {
      await withInstances(1);
      await run();
      const second = await run();
      expect(second.tasks).toEqual([]);
      expect(second.failures?.[0]?.reason).toBe('RESOURCE:GPU');
    });

    it('with a managed-scaling capacity provider, waits in PROVISIONING for an instance instead of failing', async () => {
      const out = await ecs().send(
        new RunTaskCommand({
          cluster: t.clusterName,
          taskDefinition: t.taskDefinition,
          capacityProviderStrategy: [{ capacityProvider: t.capacityProvider, weight: 1 }],
        }),
      );
      const arn = out.tasks?.[0]?.taskArn ?? '';
      const waiting = await describe1(arn);
      await withInstances(1);
      await t.advance(90_000);
      expect(waiting?.lastStatus).toBe('PROVISIONING');
      expect((await describe1(arn))?.lastStatus).toBe('RUNNING');
    });

    it('rejects a capacity provider that is not associated with the cluster', async () => {
      const error = await ecs()
        .send(
          new RunTaskCommand({
            cluster: t.clusterName,
            taskDefinition: t.taskDefinition,
            capacityProviderStrategy: [{ capacityProvider: t.unique('nope'), weight: 1 }],
          }),
        )
        .catch((e) => e);
      expect(error.name).toBe('InvalidParameterException');
    });

    it('throws ClusterNotFoundException for an unknown cluster', async () => {
      const error = await ecs()
        .send(new ListTasksCommand({ cluster: t.unique('no-cluster') }))
        .catch((e) => e);
      expect(error.name).toBe('ClusterNotFoundException');
    });

    it('stops a task: desiredStatus STOPPED at once, lastStatus STOPPED soon after, gone from the RUNNING list', async () => {
      await withInstances(1);
      const arn = (await run()).tasks?.[0]?.taskArn ?? '';
      await t.advance(90_000);
      const stopping = await ecs().send(
        new StopTaskCommand({ cluster: t.clusterName, task: arn, reason: 'teardown' }),
      );
      await t.advance(60_000);
      const stopped = await describe1(arn);
      const running = await ecs().send(new ListTasksCommand({ cluster: t.clusterName }));
      const stoppedList = await ecs().send(
        new ListTasksCommand({ cluster: t.clusterName, desiredStatus: 'STOPPED' }),
      );
      expect(stopping.task?.desiredStatus).toBe('STOPPED');
      expect(stopped).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: 'teardown',
      });
      expect(running.taskArns).toEqual([]);
      expect(stoppedList.taskArns).toEqual([arn]);
    });

    it('throws InvalidParameterException when stopping an unknown task', async () => {
      const error = await ecs()
        .send(new StopTaskCommand({ cluster: t.clusterName, task: 'arn:aws:ecs:x:1:task/none/0' }))
        .catch((e) => e);
      expect(error.name).toBe('InvalidParameterException');
    });

    it('pages ListTasks with nextToken', async () => {
      await withInstances(3);
      const arns = [];
      for (let i = 0; i < 3; i++) arns.push((await run()).tasks?.[0]?.taskArn);
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs().send(
          new ListTasksCommand({ cluster: t.clusterName, maxResults: 2, nextToken }),
        );
        expect(page.taskArns?.length).toBeLessThanOrEqual(2);
        seen.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen.sort()).toEqual([...arns].sort());
    });

    it('describes unknown task ARNs as MISSING failures', async () => {
      const out = await ecs().send(
        new DescribeTasksCommand({ cluster: t.clusterName, tasks: ['arn:aws:ecs:x:1:task/none/0'] }),
      );
      expect(out.tasks).toEqual([]);
      expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:x:1:task/none/0', reason: 'MISSING' }]);
    });

    it('stops a task whose instance is interrupted', async () => {
      await withInstances(1);
      const arn = (await run()).tasks?.[0]?.taskArn ?? '';
      await t.advance(90_000);
      t.interrupt();
      await t.advance(3 * 60_000);
      expect((await describe1(arn))?.lastStatus).toBe('STOPPED');
    });
  });
}
