/** s3rver on 127.0.0.1 in a temporary directory, with an SDK v3 client set up the way the agent's is. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { agentS3Client } from '../../../agent/s3.ts';

/** The part of s3rver's API used here (the package ships no type declarations). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export const STAND_IN_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The agent's client, pointed at `endpoint` with the stand-in's credentials. */
export function standInClient(endpoint: string): S3Client {
  return agentS3Client({ region: 'us-east-1', endpoint, credentials: STAND_IN_CREDENTIALS });
}

export interface S3StandIn {
  endpoint: string;
  client: S3Client;
  bucket: string;
  keys(prefix?: string): Promise<string[]>;
  text(key: string): Promise<string>;
  put(key: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** s3rver in this process: quick to start, for tests. */
export async function startS3StandIn(bucket = 'spotplane-checkpoints'): Promise<S3StandIn> {
  const directory = await mkdtemp(join(tmpdir(), 'agent-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true });
  const { port } = await server.run();
  return standIn(`http://127.0.0.1:${port}`, bucket, async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });
}

/**
 * s3rver in a child process, like a remote S3: for the benchmark, so that the server's own hashing and
 * disk writes do not share the agent's event loop and the figure measures the agent.
 */
export async function startS3StandInProcess(bucket = 'spotplane-checkpoints'): Promise<S3StandIn> {
  const directory = await mkdtemp(join(tmpdir(), 'agent-s3-'));
  const script = `const S3rver = require('s3rver');
new S3rver({ port: 0, address: '127.0.0.1', directory: process.argv[1], silent: true })
  .run().then((a) => process.stdout.write(a.port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script, directory], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return standIn(`http://127.0.0.1:${line.trim()}`, bucket, async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    await rm(directory, { recursive: true, force: true });
  });
}

async function standIn(endpoint: string, bucket: string, stop: () => Promise<void>): Promise<S3StandIn> {
  const client = standInClient(endpoint);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    bucket,
    keys: async (prefix = '') => {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (out.Contents ?? []).map((o) => o.Key as string).sort();
    },
    text: async (key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString()) ?? '';
    },
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await stop();
    },
  };
}

/** An endpoint where nothing listens: connections are refused at once. */
export async function deadEndpoint(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
