import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsPreflightDeps, type PreflightClients } from '../../deploy/aws.ts';

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const made: string[] = [];
const clients: PreflightClients = {
  sts: (region) => {
    made.push(`sts:${region}`);
    return new STSClient({ region });
  },
  ec2: (region) => {
    made.push(`ec2:${region}`);
    return new EC2Client({ region });
  },
  quotas: (region) => new ServiceQuotasClient({ region }),
};

afterEach(() => {
  ec2.reset();
  sts.reset();
  made.length = 0;
});

describe('the pre-flight through the SDK clients', () => {
  it('lists the offered types of a region with DescribeInstanceTypeOfferings, every page', async () => {
    ec2
      .on(DescribeInstanceTypeOfferingsCommand)
      .resolvesOnce({
        InstanceTypeOfferings: [{ InstanceType: 'g6.xlarge', LocationType: 'region', Location: 'eu-west-1' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        InstanceTypeOfferings: [{ InstanceType: 'g5.xlarge', LocationType: 'region', Location: 'eu-west-1' }],
      });
    const offered = await awsPreflightDeps(clients).offeredTypes('eu-west-1', [
      'g6.xlarge',
      'g5.xlarge',
      'p99.mega',
    ]);
    expect(offered).toEqual(['g6.xlarge', 'g5.xlarge']);
    const calls = ec2.commandCalls(DescribeInstanceTypeOfferingsCommand).map((c) => c.args[0].input);
    // The paginator reuses one input object, so the first call's input carries the last page's token.
    expect(calls[0]).toMatchObject({
      LocationType: 'region',
      Filters: [{ Name: 'instance-type', Values: ['g6.xlarge', 'g5.xlarge', 'p99.mega'] }],
    });
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ NextToken: 'page-2' });
    expect(made).toEqual(['ec2:eu-west-1']);
  });

  it('asks STS in the region it is given (a missing AWS_REGION is no credentials problem)', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
    expect(await awsPreflightDeps(clients).callerIdentity('us-east-1')).toEqual({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/me',
    });
    expect(made).toEqual(['sts:us-east-1']);
  });

  it('reads vCPUs per type with DescribeInstanceTypes', async () => {
    ec2.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [{ InstanceType: 'g6.xlarge', VCpuInfo: { DefaultVCpus: 4 } }],
    });
    expect(await awsPreflightDeps(clients).vcpus('us-east-1', ['g6.xlarge'])).toEqual({ 'g6.xlarge': 4 });
  });
});
