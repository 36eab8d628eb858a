/**
 * The one seam between spotplane's logic and AWS: a factory of SDK v3 clients per region. Real AWS,
 * LocalCloud (`local/`) and aws-sdk-client-mock all plug in here, so handlers never build clients.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';

export interface AwsClients {
  ec2(region: string): EC2Client;
  autoScaling(region: string): AutoScalingClient;
  ecs(region: string): ECSClient;
  ssm(region: string): SSMClient;
  eventBridge(region: string): EventBridgeClient;
  sfn(region: string): SFNClient;
  dynamodb(region: string): DynamoDBClient;
  /** Global Accelerator's API answers in us-west-2 only (`GLOBAL_ACCELERATOR_API_REGION`). */
  globalAccelerator(region: string): GlobalAcceleratorClient;
}

type ClientCtor<C> = new (config: { region: string; maxAttempts?: number }) => C;

function cachedPerRegion<C>(Ctor: ClientCtor<C>, maxAttempts: number): (region: string) => C {
  const cache = new Map<string, C>();
  return (region) => {
    let client = cache.get(region);
    if (!client) {
      client = new Ctor({ region, maxAttempts });
      cache.set(region, client);
    }
    return client;
  };
}

/**
 * Real AWS clients, one per service and region, created on first use and reused across invocations.
 *
 * @example
 * const clients = awsClients();
 * await clients.ec2('us-west-2').send(new DescribeInstancesCommand({}));
 */
export function awsClients(options: { maxAttempts?: number } = {}): AwsClients {
  const maxAttempts = options.maxAttempts ?? 3;
  return {
    ec2: cachedPerRegion(EC2Client, maxAttempts),
    autoScaling: cachedPerRegion(AutoScalingClient, maxAttempts),
    ecs: cachedPerRegion(ECSClient, maxAttempts),
    ssm: cachedPerRegion(SSMClient, maxAttempts),
    eventBridge: cachedPerRegion(EventBridgeClient, maxAttempts),
    sfn: cachedPerRegion(SFNClient, maxAttempts),
    dynamodb: cachedPerRegion(DynamoDBClient, maxAttempts),
    globalAccelerator: cachedPerRegion(GlobalAcceleratorClient, maxAttempts),
  };
}
