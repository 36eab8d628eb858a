/** aws-sdk-client-mock wiring for RegionFinder tests: one mocked EC2 client per region, SSM in the hub. */
import { EC2Client, type SpotPrice } from '@aws-sdk/client-ec2';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { manualClock } from '../../core/clock.ts';
import { type ConfigInput, parseConfig } from '../../core/config.ts';
import { type Exclusion, type HubState, initialHubState } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import type { AwsClients } from '../../lambdas/shared/clients.ts';

export const NOW = '2026-11-24T10:00:00.000Z';

export function finderFixture(configInput: ConfigInput = {}) {
  const config = parseConfig({
    hubRegion: 'us-east-1',
    workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    instanceTypes: ['g6.xlarge', 'g5.xlarge', 'g6e.xlarge'],
    ...configInput,
  });
  const ec2Clients = new Map<string, EC2Client>();
  const ec2 = new Map<string, AwsClientStub<EC2Client>>();
  const ec2For = (region: string) => {
    let client = ec2Clients.get(region);
    if (!client) {
      client = new EC2Client({ region });
      ec2Clients.set(region, client);
      ec2.set(region, mockClient(client));
    }
    return client;
  };
  for (const region of new Set([config.hubRegion, ...config.workerRegions])) ec2For(region);
  const ssmClient = new SSMClient({ region: config.hubRegion });
  const ssm = mockClient(ssmClient);
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
  const unused = () => {
    throw new Error('the RegionFinder must not use this client');
  };
  const clients: AwsClients = {
    ec2: ec2For,
    ssm: (region) => {
      if (region !== config.hubRegion) throw new Error(`SSM asked for ${region}, not the hub region`);
      return ssmClient;
    },
    autoScaling: unused,
    ecs: unused,
    eventBridge: unused,
    sfn: unused,
    dynamodb: unused,
    globalAccelerator: unused,
  };
  const n = names(config.prefix);
  return {
    config,
    clients,
    clock: manualClock(NOW),
    /** The hub's EC2 mock, which answers GetSpotPlacementScores. */
    hubEc2: () => ec2.get(config.hubRegion)!,
    ec2: (region: string) => {
      ec2For(region);
      return ec2.get(region)!;
    },
    ssm,
    names: n,
    /** The hub state as the Orchestrator leaves it while it waits on `region`. */
    setRunning(
      region: string,
      lifecycle: 'spot' | 'on-demand' = 'spot',
      status: HubState['status'] = 'RUNNING',
    ) {
      const state: HubState = { ...initialHubState(new Date(NOW)), status, region, lifecycle };
      ssm
        .on(GetParameterCommand, { Name: n.stateParameter })
        .resolves({ Parameter: { Name: n.stateParameter, Value: JSON.stringify(state) } });
    },
    setExclusions(exclusions: Exclusion[]) {
      const state = {
        ...initialHubState(new Date(NOW)),
        status: 'FAILING_OVER',
        excluded_regions: exclusions,
      };
      ssm
        .on(GetParameterCommand, { Name: n.stateParameter })
        .resolves({ Parameter: { Name: n.stateParameter, Value: JSON.stringify(state) } });
    },
  };
}

export const priceRecord = (
  zone: string,
  price: string,
  type = 'g6.xlarge',
  product = 'Linux/UNIX',
  time = '2026-11-24T09:55:00Z',
): SpotPrice => ({
  AvailabilityZone: zone,
  InstanceType: type as SpotPrice['InstanceType'],
  ProductDescription: product as SpotPrice['ProductDescription'],
  SpotPrice: price,
  Timestamp: new Date(time),
});

export const scoresOf = (entries: Record<string, number>) =>
  Object.entries(entries).map(([Region, Score]) => ({ Region, Score }));
