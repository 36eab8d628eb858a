/**
 * Test doubles for the deploy/teardown sequences: a recording command runner, a synth that writes at
 * most the hub's `cdk.tf.json` it is given, and the checkpoint-bucket part of a hub stack and state.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SynthOptions, SynthResult } from '../../deploy/app.ts';
import type { CommandResult, CommandRunner } from '../../deploy/runner.ts';
import { hubStackName, workerStackName } from '../../infra/stack-names.ts';

export interface RecordedCall {
  stack: string;
  args: string[];
}

/** Records every terraform call; `respond` decides each result (default: success). */
export function recordingRunner(
  respond: (call: RecordedCall) => Promise<CommandResult> | CommandResult = () => ({
    code: 0,
    stdout: '',
    stderr: '',
  }),
): { run: CommandRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const run: CommandRunner = async (_command, args, options) => {
    const call = { stack: options.cwd.split('/').pop() ?? '', args: [...args] };
    calls.push(call);
    const result = await respond(call);
    for (const line of result.stdout.split('\n')) if (line) options.onLine?.(line);
    return result;
  };
  return { run, calls };
}

export function fakeSynth(
  missing: string[] = [],
  hubJson?: object,
): {
  synth: (o: SynthOptions) => Promise<SynthResult>;
  seen: SynthOptions[];
} {
  const seen: SynthOptions[] = [];
  const synth = async (o: SynthOptions): Promise<SynthResult> => {
    seen.push(o);
    if (hubJson) {
      const dir = join(o.outdir, 'stacks', hubStackName(o.config.prefix));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(hubJson));
    }
    const stack = (name: string, kind: 'hub' | 'worker', region: string) => ({
      name,
      kind,
      region,
      dir: join(o.outdir, 'stacks', name),
      file: join(o.outdir, 'stacks', name, 'cdk.tf.json'),
    });
    return {
      stacks: [
        stack(hubStackName(o.config.prefix), 'hub', o.config.hubRegion),
        ...o.config.workerRegions.map((r) => stack(workerStackName(o.config.prefix, r), 'worker', r)),
      ],
      missing,
      artifacts: { rootDir: o.rootDir, bundles: new Map(), loadDefinition: () => ({}), missing },
    };
  };
  return { synth, seen };
}

export const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** Logical ids as the hub stack synthesizes them (the real ones differ only in the hash suffix). */
export const BUCKET_ID = 'checkpoints_bucket_1';
export const BUCKET_CONFIGS: [type: string, id: string][] = [
  ['aws_s3_bucket_lifecycle_configuration', 'checkpoints_lifecycle_2'],
  ['aws_s3_bucket_ownership_controls', 'checkpoints_ownership_3'],
  ['aws_s3_bucket_policy', 'checkpoints_tls-only_4'],
  ['aws_s3_bucket_public_access_block', 'checkpoints_public-access_5'],
  ['aws_s3_bucket_server_side_encryption_configuration', 'checkpoints_encryption_6'],
  ['aws_s3_bucket_versioning', 'checkpoints_versioning_7'],
];
export const BUCKET_ADDRESSES = [
  `aws_s3_bucket.${BUCKET_ID}`,
  ...BUCKET_CONFIGS.map(([type, id]) => `${type}.${id}`),
];

/** The checkpoint bucket part of a synthesized hub stack (`cdk.tf.json`), with the agent object. */
export function hubStackJson(): object {
  const ref = `\${aws_s3_bucket.${BUCKET_ID}.id}`;
  const resource: Record<string, Record<string, object>> = {
    aws_s3_bucket: {
      [BUCKET_ID]: { bucket: `demo-ckpt-\${data.aws_caller_identity.account.account_id}-us-east-1` },
    },
    aws_s3_object: { checkpoints_agent_8: { bucket: ref, key: 'agent/spot-agent.cjs' } },
    aws_lambda_function: { fn: { function_name: 'demo-orchestrator' } },
  };
  for (const [type, id] of BUCKET_CONFIGS) resource[type] = { [id]: { bucket: ref } };
  return { output: { checkpoint_bucket: { value: `\${aws_s3_bucket.${BUCKET_ID}.bucket}` } }, resource };
}

/** A hub state holding the bucket, its configs, the agent object and an unrelated function. */
export function hubStateJson(prefix: string, bucket: string): object {
  const managed = (type: string, name: string, attributes: object) => ({
    mode: 'managed',
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"].us-east-1',
    instances: [{ attributes }],
  });
  return {
    version: 4,
    outputs: { prefix: { value: prefix }, checkpoint_bucket: { value: bucket } },
    resources: [
      managed('aws_lambda_function', 'fn', { function_name: `${prefix}-orchestrator` }),
      managed('aws_s3_object', 'checkpoints_agent_8', { bucket, key: 'agent/spot-agent.cjs' }),
      ...BUCKET_CONFIGS.map(([type, id]) => managed(type, id, { bucket, id: bucket })),
      managed('aws_s3_bucket', BUCKET_ID, { bucket, id: bucket, force_destroy: false }),
      { mode: 'data', type: 'aws_caller_identity', name: 'account', instances: [{ attributes: {} }] },
    ],
  };
}
