/** The contract target backed by LocalCloud on a virtual clock: fresh per test, so tests never share state. */
import { virtualClock } from '../../../emulator/clock.ts';
import type { BusEvent } from '../../../emulator/eventbridge.ts';
import { createLocalCloud } from '../../../emulator/index.ts';
import type { ContractTarget } from './target.ts';

const REGION = 'us-east-1';
const OTHER = 'us-west-2';

export async function localTarget(): Promise<ContractTarget> {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({
    clock,
    seed: 'contract',
    markets: {
      [REGION]: { placementScore: 8, spotPrice: 0.3 },
      [OTHER]: { placementScore: 6, spotPrice: 0.28 },
    },
  });
  const received: BusEvent[] = [];
  const sinkArn = cloud.lambdas.register(REGION, 'contract-sink', async (event) => {
    received.push(event as BusEvent);
    return null;
  });
  const busName = 'contract-bus';
  for (const region of [REGION, OTHER]) cloud.region(region).events.createEventBus(busName);
  const here = cloud.region(REGION);
  here.autoScaling.createGroup({
    name: 'contract-gpu',
    instanceTypes: ['g6.xlarge'],
    minSize: 0,
    maxSize: 3,
  });
  here.ecs.createCluster({
    name: 'contract-cluster',
    autoScalingGroups: ['contract-gpu'],
    capacityProviders: ['contract-gpu'],
    // The contract's provider scales the group (managed scaling ENABLED); spotplane's own does not.
    managedScaling: ['contract-gpu'],
  });
  const taskDefinition = here.ecs.registerTaskDefinition({
    family: 'contract-sglang',
    containerName: 'sglang',
    image: 'lmsysorg/sglang:latest',
    healthCheck: true,
  });
  await here.events.putRule({
    Name: 'contract-tokens',
    EventBusName: busName,
    EventPattern: '{"source":["contract.sfn"]}',
  });
  await here.events.putTargets({
    Rule: 'contract-tokens',
    EventBusName: busName,
    Targets: [{ Id: 'sink', Arn: sinkArn }],
  });
  const { stateMachineArn } = await here.sfn.createStateMachine({
    name: 'contract-waiting',
    roleArn: 'arn:aws:iam::123456789012:role/local',
    definition: JSON.stringify({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
          Parameters: {
            Entries: [
              {
                EventBusName: busName,
                Source: 'contract.sfn',
                DetailType: 'Token',
                Detail: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' },
              },
            ],
          },
          HeartbeatSeconds: 60,
          TimeoutSeconds: 600,
          End: true,
        },
      },
    }),
  });
  const tableName = 'contract-state';
  await here.dynamodb.createTable({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  let n = 0;
  return {
    clients: cloud.clients(),
    region: REGION,
    otherRegion: OTHER,
    asgName: 'contract-gpu',
    clusterName: 'contract-cluster',
    capacityProvider: 'contract-gpu',
    taskDefinition,
    busName,
    sinkArn,
    received: () => received,
    waitingMachineArn: stateMachineArn!,
    tableName,
    now: () => clock.now(),
    advance: (ms) => clock.advance(ms),
    setCapacity: (available) => cloud.setMarket(REGION, { capacityAvailable: available }),
    interrupt: () => {
      cloud.interrupt(REGION);
    },
    unique: (prefix) => `${prefix}-${n++}`,
  };
}
