/** The real AWS side of the CLIs: STS, Service Quotas, EC2 instance types and Lambda invoke. */
import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  EC2Client,
  paginateDescribeInstanceTypeOfferings,
} from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { S3Factory } from './checkpoint-steps.ts';
import type { PreflightDeps } from './preflight.ts';
import type { LambdaInvoker } from './provisioning.ts';
import { findOnPath } from './runner.ts';

export const findTerraform = () => findOnPath(['terraform', 'tofu']);

/** The SDK clients pre-flight uses, one per region (injected: tests mock them with aws-sdk-client-mock). */
export interface PreflightClients {
  sts(region: string): STSClient;
  ec2(region: string): EC2Client;
  quotas(region: string): ServiceQuotasClient;
}

const perRegion = <T>(make: (region: string) => T) => {
  const made = new Map<string, T>();
  return (region: string): T => {
    let client = made.get(region);
    if (!client) {
      client = make(region);
      made.set(region, client);
    }
    return client;
  };
};

export const defaultPreflightClients = (): PreflightClients => ({
  sts: perRegion((region) => new STSClient({ region })),
  ec2: perRegion((region) => new EC2Client({ region })),
  quotas: perRegion((region) => new ServiceQuotasClient({ region })),
});

export function awsPreflightDeps(clients: PreflightClients = defaultPreflightClients()): PreflightDeps {
  return {
    async callerIdentity(region) {
      const out = await clients.sts(region).send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
    async offeredTypes(region, instanceTypes) {
      const offered: string[] = [];
      const pages = paginateDescribeInstanceTypeOfferings(
        { client: clients.ec2(region) },
        {
          LocationType: 'region',
          Filters: [{ Name: 'instance-type', Values: [...instanceTypes] }],
        },
      );
      for await (const page of pages) {
        for (const offering of page.InstanceTypeOfferings ?? []) {
          if (offering.InstanceType) offered.push(offering.InstanceType);
        }
      }
      return offered;
    },
    findTerraform,
    async spotQuota(region, quotaCode) {
      const out = await clients
        .quotas(region)
        .send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }));
      return out.Quota?.Value;
    },
    async vcpus(region, instanceTypes) {
      const out = await clients
        .ec2(region)
        .send(new DescribeInstanceTypesCommand({ InstanceTypes: instanceTypes as _InstanceType[] }));
      return Object.fromEntries(
        (out.InstanceTypes ?? []).map((t) => [t.InstanceType ?? '', t.VCpuInfo?.DefaultVCpus ?? 0]),
      );
    },
  };
}

export const awsLambdaInvoker = (): LambdaInvoker => {
  const client = perRegion((region) => new LambdaClient({ region }));
  return async (region, functionName, payload) => {
    const out = await client(region).send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : 'null';
    if (out.FunctionError) throw new Error(`${functionName} failed: ${text}`);
    return JSON.parse(text) as unknown;
  };
};

/** One S3 client per region (the checkpoint bucket lives in the hub region). */
export const awsS3Factory = (): S3Factory => perRegion((region) => new S3Client({ region }));
