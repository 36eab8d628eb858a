/** The real AWS side of the CLIs: STS, Service Quotas, EC2 instance types and Lambda invoke. */
import { type _InstanceType, DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { S3Factory } from './checkpoint-steps.ts';
import type { PreflightDeps } from './preflight.ts';
import type { LambdaInvoker } from './provisioning.ts';
import { findOnPath } from './runner.ts';

export const findTerraform = () => findOnPath(['terraform', 'tofu']);

export function awsPreflightDeps(): PreflightDeps {
  return {
    async callerIdentity() {
      const out = await new STSClient({}).send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
    findTerraform,
    async spotQuota(region, quotaCode) {
      const out = await new ServiceQuotasClient({ region }).send(
        new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }),
      );
      return out.Quota?.Value;
    },
    async vcpus(region, instanceTypes) {
      const out = await new EC2Client({ region }).send(
        new DescribeInstanceTypesCommand({ InstanceTypes: instanceTypes as _InstanceType[] }),
      );
      return Object.fromEntries(
        (out.InstanceTypes ?? []).map((t) => [t.InstanceType ?? '', t.VCpuInfo?.DefaultVCpus ?? 0]),
      );
    },
  };
}

export const awsLambdaInvoker = (): LambdaInvoker => {
  const clients = new Map<string, LambdaClient>();
  return async (region, functionName, payload) => {
    let client = clients.get(region);
    if (!client) {
      client = new LambdaClient({ region });
      clients.set(region, client);
    }
    const out = await client.send(
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
export const awsS3Factory = (): S3Factory => {
  const clients = new Map<string, S3Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new S3Client({ region });
      clients.set(region, client);
    }
    return client;
  };
};
