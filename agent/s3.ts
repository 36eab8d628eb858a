/** The agent's S3 client: one SDK v3 client; a custom endpoint (a local stand-in) means path-style. */
import { S3Client } from '@aws-sdk/client-s3';

export interface AgentS3Options {
  region: string;
  /** `AWS_ENDPOINT_URL_S3`, when set. */
  endpoint?: string;
  /** Fixed credentials (tests, stand-ins); otherwise the SDK's default chain (the instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function agentS3Client(options: AgentS3Options): S3Client {
  return new S3Client({
    region: options.region,
    // The agent's own backoff (1 s / 2 s / 4 s) is the retry policy; SDK retries on top would stretch it.
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          forcePathStyle: true,
          // S3 stand-ins do not speak the aws-chunked trailing checksums newer SDKs send by default;
          // the agent verifies every object's ETag itself.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
}
