import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../../lambdas/shared/clients.ts';

describe('awsClients', () => {
  it('creates one client per service and region and reuses it', async () => {
    const clients = awsClients({ maxAttempts: 5 });
    const west = clients.ec2('us-west-2');
    expect(west).toBeInstanceOf(EC2Client);
    expect(clients.ec2('us-west-2')).toBe(west);
    expect(clients.ec2('eu-west-1')).not.toBe(west);
    expect(await west.config.region()).toBe('us-west-2');
    expect(await west.config.maxAttempts()).toBe(5);
    for (const make of [
      clients.autoScaling,
      clients.ecs,
      clients.ssm,
      clients.eventBridge,
      clients.sfn,
      clients.dynamodb,
      clients.globalAccelerator,
    ]) {
      expect(await make('ap-south-1').config.region()).toBe('ap-south-1');
    }
  });
});
