/** Test doubles at the SDK seam: real SDK v3 clients whose `send` aws-sdk-client-mock intercepts. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { manualClock } from '../../core/clock.ts';
import { parseConfig } from '../../core/config.ts';
import { names } from '../../core/naming.ts';
import type { AwsClients } from '../../lambdas/shared/clients.ts';
import { makeObservability } from '../../lambdas/shared/observability.ts';

// EMF output is not what these tests look at; they spy on addMetric instead.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const config = parseConfig({
  prefix: 'sp',
  hubRegion: 'us-east-1',
  workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
});
export const n = names(config.prefix);

/** An AWS SDK error as the SDK throws it: identified by `name`. */
export const awsError = (name: string, httpStatusCode = 400) =>
  Object.assign(new Error(`${name} (simulated)`), { name, $fault: 'client', $metadata: { httpStatusCode } });

export function fakeAws() {
  const mocks = {
    ec2: mockClient(EC2Client),
    autoScaling: mockClient(AutoScalingClient),
    ecs: mockClient(ECSClient),
    ssm: mockClient(SSMClient),
    eventBridge: mockClient(EventBridgeClient),
    sfn: mockClient(SFNClient),
    dynamodb: mockClient(DynamoDBClient),
    globalAccelerator: mockClient(GlobalAcceleratorClient),
  };
  const regions: Record<string, string[]> = {};
  const use =
    <C>(service: string, Ctor: new (c: { region: string }) => C) =>
    (region: string) => {
      regions[service] = [...(regions[service] ?? []), region];
      return new Ctor({ region });
    };
  const clients: AwsClients = {
    ec2: use('ec2', EC2Client),
    autoScaling: use('autoScaling', AutoScalingClient),
    ecs: use('ecs', ECSClient),
    ssm: use('ssm', SSMClient),
    eventBridge: use('eventBridge', EventBridgeClient),
    sfn: use('sfn', SFNClient),
    dynamodb: use('dynamodb', DynamoDBClient),
    globalAccelerator: use('globalAccelerator', GlobalAcceleratorClient),
  };
  const reset = () => {
    for (const m of Object.values(mocks)) m.reset();
  };
  return { mocks, clients, regions, reset };
}

export const quietObservability = (service = 'test') => makeObservability(service, { logLevel: 'SILENT' });

export const clockAt = (iso = '2026-11-24T10:00:00Z') => manualClock(iso);

export const lambdaContext = { awsRequestId: 'req-1', functionName: 'test' } as Context;

export function apiEvent(
  method: string,
  path: string,
  body?: string,
  extra: Partial<APIGatewayProxyEventV2> = {},
) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'vitest' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
    ...extra,
  } as APIGatewayProxyEventV2;
}

export const instance = {
  instance_id: 'i-0abc',
  public_ip: '54.1.2.3',
  private_ip: '10.0.0.12',
  instance_type: 'g6.xlarge',
  availability_zone: 'us-west-2b',
  lifecycle: 'spot' as const,
  launch_time: '2026-11-24T10:00:00Z',
};
