import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import {
  AddEndpointsCommand,
  CreateAcceleratorCommand,
  CreateEndpointGroupCommand,
  CreateListenerCommand,
  DeleteAcceleratorCommand,
  DeleteEndpointGroupCommand,
  DeleteListenerCommand,
  DescribeAcceleratorCommand,
  DescribeEndpointGroupCommand,
  ListAcceleratorsCommand,
  ListEndpointGroupsCommand,
  RemoveEndpointsCommand,
  UpdateAcceleratorCommand,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

/** Global Accelerator's API answers in this region only. */
const API_REGION = 'us-west-2';
const PORT = 30_000;

export function globalAcceleratorContract(name: string, makeTarget: TargetFactory): void {
  describe(`Global Accelerator contract (${name})`, () => {
    let t: ContractTarget;
    const ga = () => t.clients.globalAccelerator(API_REGION);
    const accelerator = async () =>
      (await ga().send(new CreateAcceleratorCommand({ Name: t.unique('contract-ga') }))).Accelerator
        ?.AcceleratorArn as string;
    const listener = async (acceleratorArn: string, from = PORT, to = PORT) =>
      (
        await ga().send(
          new CreateListenerCommand({
            AcceleratorArn: acceleratorArn,
            Protocol: 'TCP',
            PortRanges: [{ FromPort: from, ToPort: to }],
          }),
        )
      ).Listener?.ListenerArn as string;
    const group = async (listenerArn: string) =>
      (
        await ga().send(
          new CreateEndpointGroupCommand({
            ListenerArn: listenerArn,
            EndpointGroupRegion: t.region,
            HealthCheckProtocol: 'HTTP',
            HealthCheckPath: '/health',
            HealthCheckIntervalSeconds: 10,
            ThresholdCount: 3,
          }),
        )
      ).EndpointGroup?.EndpointGroupArn as string;
    const endpoints = async (groupArn: string) =>
      (await ga().send(new DescribeEndpointGroupCommand({ EndpointGroupArn: groupArn }))).EndpointGroup
        ?.EndpointDescriptions ?? [];
    /** An instance of the target's group with a task of the target's task definition running on it. */
    const servingInstance = async (): Promise<string> => {
      await t.clients.ecs(t.region).send(
        new RunTaskCommand({
          cluster: t.clusterName,
          taskDefinition: t.taskDefinition,
          capacityProviderStrategy: [{ capacityProvider: t.capacityProvider, weight: 1 }],
        }),
      );
      await t.clients
        .autoScaling(t.region)
        .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: t.asgName, DesiredCapacity: 1 }));
      await t.advance(120_000);
      const groups = await t.clients
        .autoScaling(t.region)
        .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.asgName] }));
      return groups.AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId as string;
    };

    beforeEach(async () => {
      t = await makeTarget();
    });

    it('creates an accelerator with two static IPv4 addresses and a DNS name, deployed after a while', async () => {
      const created = (await ga().send(new CreateAcceleratorCommand({ Name: t.unique('contract-ga') })))
        .Accelerator;
      expect(created).toMatchObject({ Enabled: true, IpAddressType: 'IPV4', Status: 'IN_PROGRESS' });
      expect(created?.IpSets?.[0]?.IpAddresses).toHaveLength(2);
      expect(created?.DnsName).toMatch(/^a[0-9a-f]{16}\.awsglobalaccelerator\.com$/);
      expect(created?.AcceleratorArn).toMatch(
        /^arn:aws:globalaccelerator::\d{12}:accelerator\/[0-9a-f-]{36}$/,
      );
      await t.advance(10 * 60_000);
      const later = await ga().send(
        new DescribeAcceleratorCommand({ AcceleratorArn: created?.AcceleratorArn }),
      );
      expect(later.Accelerator?.Status).toBe('DEPLOYED');
      const listed = await ga().send(new ListAcceleratorsCommand({}));
      expect(listed.Accelerators?.map((a) => a.AcceleratorArn)).toContain(created?.AcceleratorArn);
    });

    it('answers only through its API region', async () => {
      const elsewhere = await t.clients
        .globalAccelerator(t.region)
        .send(new ListAcceleratorsCommand({}))
        .catch((e) => e);
      expect(elsewhere).toBeInstanceOf(Error);
      expect(elsewhere.code).toBe('ENOTFOUND');
    });

    it('refuses a listener whose ports overlap another listener of the accelerator', async () => {
      const arn = await accelerator();
      await listener(arn, 30_000, 30_010);
      const overlap = await listener(arn, 30_005, 30_005).catch((e) => e);
      expect(overlap.name).toBe('InvalidPortRangeException');
      const udp = await ga()
        .send(
          new CreateListenerCommand({
            AcceleratorArn: arn,
            Protocol: 'HTTP' as never,
            PortRanges: [{ FromPort: 1, ToPort: 1 }],
          }),
        )
        .catch((e) => e);
      expect(udp.name).toBe('InvalidArgumentException');
    });

    it('keeps one endpoint group per region and listener, with the documented defaults', async () => {
      const listenerArn = await listener(await accelerator());
      const created = await ga().send(
        new CreateEndpointGroupCommand({ ListenerArn: listenerArn, EndpointGroupRegion: t.region }),
      );
      expect(created.EndpointGroup).toMatchObject({
        EndpointGroupRegion: t.region,
        TrafficDialPercentage: 100,
        HealthCheckProtocol: 'TCP',
        HealthCheckPort: PORT,
        HealthCheckIntervalSeconds: 30,
        ThresholdCount: 3,
        EndpointDescriptions: [],
      });
      const again = await ga()
        .send(new CreateEndpointGroupCommand({ ListenerArn: listenerArn, EndpointGroupRegion: t.region }))
        .catch((e) => e);
      expect(again.name).toBe('EndpointGroupAlreadyExistsException');
      const listed = await ga().send(new ListEndpointGroupsCommand({ ListenerArn: listenerArn }));
      expect(listed.EndpointGroups).toHaveLength(1);
    });

    it('validates health check settings and names unknown resources', async () => {
      const listenerArn = await listener(await accelerator());
      const badInterval = await ga()
        .send(
          new CreateEndpointGroupCommand({
            ListenerArn: listenerArn,
            EndpointGroupRegion: t.otherRegion,
            HealthCheckIntervalSeconds: 20,
          }),
        )
        .catch((e) => e);
      expect(badInterval.name).toBe('InvalidArgumentException');
      const noListener = await ga()
        .send(
          new CreateEndpointGroupCommand({ ListenerArn: `${listenerArn}x`, EndpointGroupRegion: t.region }),
        )
        .catch((e) => e);
      expect(noListener.name).toBe('ListenerNotFoundException');
      const noGroup = await ga()
        .send(
          new DescribeEndpointGroupCommand({
            EndpointGroupArn: `${listenerArn}/endpoint-group/000000000000`,
          }),
        )
        .catch((e) => e);
      expect(noGroup.name).toBe('EndpointGroupNotFoundException');
      const noAccelerator = await ga()
        .send(new DescribeAcceleratorCommand({ AcceleratorArn: `${listenerArn.split('/listener/')[0]}0` }))
        .catch((e) => e);
      expect(noAccelerator.name).toBe('AcceleratorNotFoundException');
    });

    it('adds a running instance as INITIAL, weight 128, and turns it HEALTHY once its health path answers', async () => {
      const groupArn = await group(await listener(await accelerator()));
      const instanceId = await servingInstance();
      const added = await ga().send(
        new AddEndpointsCommand({
          EndpointGroupArn: groupArn,
          EndpointConfigurations: [{ EndpointId: instanceId }],
        }),
      );
      expect(added.EndpointDescriptions).toEqual([
        { EndpointId: instanceId, Weight: 128, HealthState: 'INITIAL', ClientIPPreservationEnabled: true },
      ]);
      await t.advance(5 * 60_000);
      expect((await endpoints(groupArn))[0]).toMatchObject({
        EndpointId: instanceId,
        HealthState: 'HEALTHY',
      });
    });

    it('refuses endpoints that are not running instances, twice the same, or more than 10 at once', async () => {
      const groupArn = await group(await listener(await accelerator()));
      const add = (ids: string[]) =>
        ga()
          .send(
            new AddEndpointsCommand({
              EndpointGroupArn: groupArn,
              EndpointConfigurations: ids.map((EndpointId) => ({ EndpointId })),
            }),
          )
          .catch((e) => e);
      expect((await add(['i-0123456789abcdef0'])).name).toBe('InvalidArgumentException');
      const instanceId = await servingInstance();
      await add([instanceId]);
      expect((await add([instanceId])).name).toBe('InvalidArgumentException');
      expect((await add(Array.from({ length: 11 }, (_, i) => `i-0000000000000000${i}`))).name).toBe(
        'InvalidArgumentException',
      );
      const weight = await ga()
        .send(
          new UpdateEndpointGroupCommand({
            EndpointGroupArn: groupArn,
            EndpointConfigurations: [{ EndpointId: instanceId, Weight: 256 }],
          }),
        )
        .catch((e) => e);
      expect(weight.name).toBe('InvalidArgumentException');
    });

    it('drains an endpoint with weight 0, keeping its health, and removes it', async () => {
      const groupArn = await group(await listener(await accelerator()));
      const instanceId = await servingInstance();
      await ga().send(
        new AddEndpointsCommand({
          EndpointGroupArn: groupArn,
          EndpointConfigurations: [{ EndpointId: instanceId }],
        }),
      );
      await t.advance(5 * 60_000);
      const drained = await ga().send(
        new UpdateEndpointGroupCommand({
          EndpointGroupArn: groupArn,
          EndpointConfigurations: [{ EndpointId: instanceId, Weight: 0 }],
        }),
      );
      expect(drained.EndpointGroup?.EndpointDescriptions?.[0]).toMatchObject({
        Weight: 0,
        HealthState: 'HEALTHY',
      });
      expect(drained.EndpointGroup).toMatchObject({
        HealthCheckIntervalSeconds: 10,
        HealthCheckPath: '/health',
      });
      await ga().send(
        new RemoveEndpointsCommand({
          EndpointGroupArn: groupArn,
          EndpointIdentifiers: [{ EndpointId: instanceId }],
        }),
      );
      expect(await endpoints(groupArn)).toEqual([]);
      const gone = await ga()
        .send(
          new RemoveEndpointsCommand({
            EndpointGroupArn: groupArn,
            EndpointIdentifiers: [{ EndpointId: instanceId }],
          }),
        )
        .catch((e) => e);
      expect(gone.name).toBe('InvalidArgumentException');
    });

    it('marks an endpoint UNHEALTHY once its instance is interrupted and gone', async () => {
      const groupArn = await group(await listener(await accelerator()));
      const instanceId = await servingInstance();
      await ga().send(
        new AddEndpointsCommand({
          EndpointGroupArn: groupArn,
          EndpointConfigurations: [{ EndpointId: instanceId }],
        }),
      );
      await t.advance(5 * 60_000);
      // A Spot interruption: the instance is terminated two minutes after the warning.
      t.interrupt();
      await t.advance(5 * 60_000);
      expect((await endpoints(groupArn))[0]).toMatchObject({
        EndpointId: instanceId,
        HealthState: 'UNHEALTHY',
      });
    });

    it('deletes only what has nothing under it, and an accelerator only once disabled', async () => {
      const acceleratorArn = await accelerator();
      const listenerArn = await listener(acceleratorArn);
      const groupArn = await group(listenerArn);
      const listenerInUse = await ga()
        .send(new DeleteListenerCommand({ ListenerArn: listenerArn }))
        .catch((e) => e);
      expect(listenerInUse.name).toBe('AssociatedEndpointGroupFoundException');
      const enabled = await ga()
        .send(new DeleteAcceleratorCommand({ AcceleratorArn: acceleratorArn }))
        .catch((e) => e);
      expect(enabled.name).toBe('AcceleratorNotDisabledException');
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: acceleratorArn, Enabled: false }));
      const withListener = await ga()
        .send(new DeleteAcceleratorCommand({ AcceleratorArn: acceleratorArn }))
        .catch((e) => e);
      expect(withListener.name).toBe('AssociatedListenerFoundException');
      await ga().send(new DeleteEndpointGroupCommand({ EndpointGroupArn: groupArn }));
      await ga().send(new DeleteListenerCommand({ ListenerArn: listenerArn }));
      await ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: acceleratorArn }));
      const gone = await ga()
        .send(new DescribeAcceleratorCommand({ AcceleratorArn: acceleratorArn }))
        .catch((e) => e);
      expect(gone.name).toBe('AcceleratorNotFoundException');
    });
  });
}
