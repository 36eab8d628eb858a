import { describe, expect, it } from 'vitest';
import { agentS3Client } from '../../agent/s3.ts';

describe('agentS3Client', () => {
  it('addresses a custom endpoint (AWS_ENDPOINT_URL_S3) path-style and leaves retries to the agent', async () => {
    const client = agentS3Client({ region: 'us-west-2', endpoint: 'http://127.0.0.1:4568' });

    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 4568 });
    expect(await client.config.maxAttempts()).toBe(1);
    client.destroy();
  });

  it('uses virtual-hosted addressing against AWS itself', () => {
    const client = agentS3Client({ region: 'us-west-2' });

    expect(client.config.forcePathStyle).toBe(false);
    expect(client.config.endpoint).toBeUndefined();
    client.destroy();
  });
});
