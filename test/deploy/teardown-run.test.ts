import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import type { TeardownArgs } from '../../deploy/args.ts';
import { keptPath, readKept } from '../../deploy/checkpoints.ts';
import { CheckpointBucketError } from '../../deploy/errors.ts';
import type { LambdaInvoker } from '../../deploy/provisioning.ts';
import { recordPath, statePath, writeRecord } from '../../deploy/record.ts';
import { runTeardown, type TeardownDeps } from '../../deploy/teardown-run.ts';
import { BUCKET_ADDRESSES, BUCKET_ID, fakeSynth, hubStateJson, recordingRunner } from './fakes.ts';

const config = parseConfig({
  prefix: 'demo',
  hubRegion: 'us-east-1',
  workerRegions: ['us-west-2', 'eu-west-1'],
});

const writeState = (stateDir: string, stack: string, prefix: string, resources = 1) => {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(
    join(stateDir, `${stack}.tfstate`),
    JSON.stringify({
      outputs: { prefix: { value: prefix } },
      resources: Array.from({ length: resources }, () => ({})),
    }),
  );
};

const BUCKET = 'demo-ckpt-123456789012-us-east-1';
const keep: TeardownArgs = { help: false, prefix: 'demo', deleteCheckpoints: false };
const wipe: TeardownArgs = { ...keep, deleteCheckpoints: true };

/** Like `terraform state rm`: drops the named resources from a stack's state file. */
function forget(stateDir: string, stack: string, addresses: string[]) {
  const path = statePath(stateDir, stack);
  const state = JSON.parse(readFileSync(path, 'utf8')) as {
    resources: { type: string; name: string }[];
  };
  state.resources = state.resources.filter((r) => !addresses.includes(`${r.type}.${r.name}`));
  writeFileSync(path, JSON.stringify(state));
}

const api = (statusCode: number, body: unknown) => ({ statusCode, body: JSON.stringify(body) });

function setup(options: { statuses?: string[]; invoke?: LambdaInvoker } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'spotplane-teardown-'));
  const stateDir = join(dir, 'state');
  const invocations: { fn: string; payload: { body?: string; routeKey: string } }[] = [];
  const statuses = [...(options.statuses ?? ['TEARING_DOWN', 'DISABLED'])];
  const invoke: LambdaInvoker =
    options.invoke ??
    (async (_region, fn, payload) => {
      invocations.push({ fn, payload: payload as { body?: string; routeKey: string } });
      if (fn === 'demo-toggle-provisioning') return api(200, { message: 'disabled; tearing down 2 regions' });
      const status = statuses.length > 1 ? statuses.shift() : statuses[0];
      return api(200, { status, instances: status === 'DISABLED' ? [] : [{ instance_id: 'i-1' }] });
    });
  // Like terraform: a successful destroy leaves an empty state behind; state rm forgets resources.
  const runner = recordingRunner((c) => {
    if (c.args[0] === 'destroy') writeState(stateDir, c.stack, 'demo', 0);
    if (c.args[0] === 'state' && c.args[1] === 'rm')
      forget(
        stateDir,
        c.stack,
        c.args.slice(2).filter((a) => !a.startsWith('-')),
      );
    return { code: 0, stdout: '', stderr: '' };
  });
  const { synth, seen } = fakeSynth();
  const s3Client = new S3Client({ region: 'us-east-1' });
  const s3 = mockClient(s3Client);
  s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
  const s3Regions: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const deps: TeardownDeps = {
    rootDir: '/repo',
    outdir: join(dir, 'cdktf.out'),
    stateDir,
    synth,
    findTerraform: () => '/usr/bin/terraform',
    run: runner.run,
    invoke,
    s3: (region) => {
      s3Regions.push(region);
      return s3Client;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { deps, stateDir, invocations, calls: runner.calls, out, err, sleeps, s3, s3Regions, seen };
}

const deployed = (stateDir: string) => {
  writeRecord(stateDir, { config, subnets: {} });
  for (const s of ['demo-worker-us-west-2', 'demo-worker-eu-west-1']) writeState(stateDir, s, 'demo');
  writeFileSync(statePath(stateDir, 'demo-hub'), JSON.stringify(hubStateJson('demo', BUCKET)));
};

const hubCalls = (calls: { stack: string; args: string[] }[]) =>
  calls.filter((c) => c.stack === 'demo-hub').map((c) => c.args.filter((a) => a !== '-no-color'));

describe('runTeardown', () => {
  it('disables provisioning with teardown, waits for DISABLED, then destroys the workers before the hub', async () => {
    const t = setup();
    deployed(t.stateDir);
    expect(await runTeardown(keep, t.deps)).toBe(0);
    const [toggle] = t.invocations;
    expect(toggle?.fn).toBe('demo-toggle-provisioning');
    expect(toggle?.payload.routeKey).toBe('POST /spot-provisioning');
    expect(JSON.parse(toggle?.payload.body as string)).toEqual({ action: 'disable', teardown: true });
    expect(t.invocations.filter((i) => i.fn === 'demo-get-instance-details')).toHaveLength(2);
    expect(t.sleeps).toHaveLength(1);
    const destroys = t.calls.filter((c) => c.args[0] === 'destroy').map((c) => c.stack);
    expect(destroys.slice(0, 2).sort()).toEqual(['demo-worker-eu-west-1', 'demo-worker-us-west-2']);
    expect(destroys[2]).toBe('demo-hub');
    expect(existsSync(recordPath(t.stateDir, 'demo'))).toBe(false);
  });

  it('prints a progress line per stack and step with the elapsed time', async () => {
    const t = setup();
    deployed(t.stateDir);
    let clock = 0;
    const run = t.deps.run;
    t.deps.run = async (command, args, options) => {
      clock += args[0] === 'destroy' ? 90_000 : 1_000;
      return run(command, args, options);
    };
    t.deps.now = () => clock;
    expect(await runTeardown(keep, t.deps)).toBe(0);
    const progress = t.out.filter((l) => l.startsWith('['));
    expect(progress[0]).toBe('[0 s] synthesizing 3 stacks (about a minute) ...');
    expect(progress).toContainEqual(
      expect.stringMatching(
        /^\[[^\]]+\] demo-worker-eu-west-1 \(eu-west-1\): terraform destroy done in 1 min 30 s$/,
      ),
    );
    expect(progress).toContainEqual(
      expect.stringMatching(/\] demo-hub \(us-east-1\): terraform state rm done in 1 s$/),
    );
    expect(progress.at(-1)).toMatch(
      /^\[\d+ min \d+ s\] demo-hub \(us-east-1\): terraform destroy done in 1 min 30 s$/,
    );
  });

  it('is idempotent: a second run finds nothing and succeeds without calling anything', async () => {
    const t = setup();
    deployed(t.stateDir);
    await runTeardown(keep, t.deps);
    const again = setup();
    again.deps.stateDir = t.stateDir;
    expect(await runTeardown(keep, again.deps)).toBe(0);
    expect(again.out).toEqual([
      'nothing deployed with prefix "demo"',
      `Kept checkpoint bucket s3://${BUCKET} (0 objects are your checkpoints). Delete it with: npx tsx teardown.ts --prefix demo --delete-checkpoints`,
    ]);
    expect(again.calls).toEqual([]);
    expect(again.invocations).toEqual([]);
  });

  it("refuses when a stack of this name holds another prefix's state, touching nothing", async () => {
    const t = setup();
    deployed(t.stateDir);
    writeState(t.stateDir, 'demo-worker-eu-west-1', 'other');
    expect(await runTeardown(keep, t.deps)).toBe(1);
    expect(t.err.join('\n')).toMatch(
      /refusing: the state of demo-worker-eu-west-1 belongs to another prefix/,
    );
    expect(t.calls).toEqual([]);
    expect(t.invocations).toEqual([]);
  });

  it('never picks up the stacks of a prefix that merely starts the same', async () => {
    const t = setup();
    writeState(t.stateDir, 'demo-x-hub', 'demo-x');
    writeState(t.stateDir, 'demo-x-worker-us-west-2', 'demo-x');
    expect(await runTeardown(keep, t.deps)).toBe(0);
    expect(t.out).toEqual(['nothing deployed with prefix "demo"']);
    expect(t.calls).toEqual([]);
  });

  it('still destroys, with a warning, when the hub cannot be asked to disable', async () => {
    const t = setup({ invoke: async () => Promise.reject(new Error('ResourceNotFoundException')) });
    deployed(t.stateDir);
    expect(await runTeardown(keep, t.deps)).toBe(0);
    expect(t.err.join('\n')).toMatch(/warning: could not disable provisioning \(ResourceNotFoundException\)/);
    expect(t.calls.filter((c) => c.args[0] === 'destroy')).toHaveLength(3);
  });

  it('keeps the hub when a worker fails to destroy, and exits non-zero', async () => {
    const t = setup();
    deployed(t.stateDir);
    const failing = recordingRunner((c) =>
      c.stack === 'demo-worker-us-west-2' && c.args[0] === 'destroy'
        ? { code: 1, stdout: '', stderr: '' }
        : { code: 0, stdout: '', stderr: '' },
    );
    t.deps.run = failing.run;
    expect(await runTeardown(keep, t.deps)).toBe(1);
    expect(failing.calls.some((c) => c.stack === 'demo-hub')).toBe(false);
    expect(existsSync(recordPath(t.stateDir, 'demo'))).toBe(true);
  });

  it('asks for the deployment record when state exists without one', async () => {
    const t = setup();
    writeState(t.stateDir, 'demo-hub', 'demo');
    expect(await runTeardown(keep, t.deps)).toBe(1);
    expect(t.err.join('\n')).toMatch(/no deployment record demo\.deployment\.json/);
  });
});

describe('runTeardown keeps the checkpoint bucket', () => {
  it('removes the bucket and its config from the hub state before destroying the hub, and says so', async () => {
    const t = setup();
    deployed(t.stateDir);
    t.s3
      .on(ListObjectsV2Command)
      .resolvesOnce({ KeyCount: 2, IsTruncated: true, NextContinuationToken: 'p2' })
      .resolvesOnce({ KeyCount: 1, IsTruncated: false });
    expect(await runTeardown(keep, t.deps)).toBe(0);
    expect(hubCalls(t.calls)).toEqual([
      ['init', '-input=false'],
      ['state', 'rm', ...BUCKET_ADDRESSES],
      ['init', '-input=false'],
      ['destroy', '-auto-approve', '-input=false'],
    ]);
    expect(t.seen[0]?.deleteCheckpointsOnDestroy).toBe(false);
    expect(readKept(t.stateDir, 'demo')).toEqual([{ bucket: BUCKET, region: 'us-east-1' }]);
    const lists = t.s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: BUCKET, Prefix: 'checkpoints/', ContinuationToken: undefined },
      { Bucket: BUCKET, Prefix: 'checkpoints/', ContinuationToken: 'p2' },
    ]);
    expect(t.s3Regions).toEqual(['us-east-1']);
    expect(t.out.slice(-2)).toEqual([
      'teardown of "demo" complete',
      `Kept checkpoint bucket s3://${BUCKET} (3 objects are your checkpoints). Delete it with: npx tsx teardown.ts --prefix demo --delete-checkpoints`,
    ]);
    expect(t.out).toContain(
      `keeping s3://${BUCKET}: removing ${BUCKET_ADDRESSES.join(', ')} from demo-hub's state`,
    );
    expect(t.s3.commandCalls(DeleteBucketCommand)).toEqual([]);
  });

  it('keeps the note when the hub destroy fails, and a rerun destroys without removing anything twice', async () => {
    const t = setup();
    deployed(t.stateDir);
    const base = t.deps.run;
    let failHub = true;
    t.deps.run = (command, args, options) =>
      failHub && options.cwd.endsWith('demo-hub') && args[0] === 'destroy'
        ? Promise.resolve({ code: 1, stdout: '', stderr: 'throttled' })
        : base(command, args, options);
    expect(await runTeardown(keep, t.deps)).toBe(1);
    expect(readKept(t.stateDir, 'demo')).toEqual([{ bucket: BUCKET, region: 'us-east-1' }]);
    expect(existsSync(recordPath(t.stateDir, 'demo'))).toBe(true);

    failHub = false;
    const before = t.calls.length;
    expect(await runTeardown(keep, t.deps)).toBe(0);
    const rerun = t.calls.slice(before).filter((c) => c.stack === 'demo-hub');
    expect(rerun.map((c) => c.args[0])).toEqual(['init', 'destroy']);
    expect(t.out.at(-1)).toMatch(new RegExp(`^Kept checkpoint bucket s3://${BUCKET} \\(0 objects`));
  });

  it('still tells where the checkpoints are when they cannot be counted', async () => {
    const t = setup();
    deployed(t.stateDir);
    t.s3
      .on(ListObjectsV2Command)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    expect(await runTeardown(keep, t.deps)).toBe(0);
    expect(t.out.at(-1)).toBe(
      `Kept checkpoint bucket s3://${BUCKET} (could not count its objects: Access Denied). Delete it with: npx tsx teardown.ts --prefix demo --delete-checkpoints`,
    );
  });
});

describe('runTeardown --delete-checkpoints', () => {
  it('switches force_destroy on for the bucket alone, then destroys the hub with it', async () => {
    const t = setup();
    deployed(t.stateDir);
    expect(await runTeardown(wipe, t.deps)).toBe(0);
    expect(t.seen[0]?.deleteCheckpointsOnDestroy).toBe(true);
    expect(hubCalls(t.calls)).toEqual([
      ['init', '-input=false'],
      ['apply', '-auto-approve', '-input=false', `-target=aws_s3_bucket.${BUCKET_ID}`],
      ['init', '-input=false'],
      ['destroy', '-auto-approve', '-input=false'],
    ]);
    expect(existsSync(keptPath(t.stateDir, 'demo'))).toBe(false);
    expect(t.out.some((l) => l.startsWith('Kept checkpoint bucket'))).toBe(false);
  });

  it('empties (every version and delete marker) and deletes a bucket an earlier teardown kept', async () => {
    const t = setup();
    deployed(t.stateDir);
    await runTeardown(keep, t.deps);
    t.s3
      .on(ListObjectVersionsCommand)
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: 'checkpoints/j/b',
        NextVersionIdMarker: 'v2',
        Versions: [
          { Key: 'checkpoints/j/a', VersionId: 'v1' },
          { Key: 'checkpoints/j/b', VersionId: 'v2' },
        ],
      })
      .resolvesOnce({
        IsTruncated: false,
        DeleteMarkers: [{ Key: 'agent/spot-agent.cjs', VersionId: 'm1' }],
      });
    t.s3.on(DeleteObjectsCommand).resolves({});
    t.s3.on(DeleteBucketCommand).resolves({});
    const before = t.calls.length;

    expect(await runTeardown(wipe, t.deps)).toBe(0);
    expect(t.calls.length).toBe(before);
    const listings = t.s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(listings[1]).toMatchObject({ KeyMarker: 'checkpoints/j/b', VersionIdMarker: 'v2' });
    const deletes = t.s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects);
    expect(deletes).toEqual([
      [
        { Key: 'checkpoints/j/a', VersionId: 'v1' },
        { Key: 'checkpoints/j/b', VersionId: 'v2' },
      ],
      [{ Key: 'agent/spot-agent.cjs', VersionId: 'm1' }],
    ]);
    expect(t.s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: BUCKET }]);
    expect(t.out.at(-1)).toBe(`deleted checkpoint bucket s3://${BUCKET}`);
    expect(existsSync(keptPath(t.stateDir, 'demo'))).toBe(false);

    const again = t.out.length;
    expect(await runTeardown(wipe, t.deps)).toBe(0);
    expect(t.out.slice(again)).toEqual(['nothing deployed with prefix "demo"']);
  });

  it('forgets a kept bucket someone already deleted', async () => {
    const t = setup();
    deployed(t.stateDir);
    await runTeardown(keep, t.deps);
    t.s3.on(ListObjectVersionsCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchBucket' }));
    expect(await runTeardown(wipe, t.deps)).toBe(0);
    expect(t.out.at(-1)).toBe(`s3://${BUCKET} was already gone`);
    expect(readKept(t.stateDir, 'demo')).toEqual([]);
  });

  it('fails naming the object S3 would not delete, and keeps the note for a retry', async () => {
    const t = setup();
    deployed(t.stateDir);
    await runTeardown(keep, t.deps);
    t.s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'checkpoints/x', VersionId: 'v1' }] });
    t.s3
      .on(DeleteObjectsCommand)
      .resolves({ Errors: [{ Key: 'checkpoints/x', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const run = runTeardown(wipe, t.deps);
    await expect(run).rejects.toThrow(CheckpointBucketError);
    await expect(run).rejects.toThrow(
      `could not delete 1 object version(s) in s3://${BUCKET}, e.g. checkpoints/x: AccessDenied Access Denied`,
    );
    expect(t.s3.commandCalls(DeleteBucketCommand)).toEqual([]);
    expect(readKept(t.stateDir, 'demo')).toHaveLength(1);
  });
});

describe('disableProvisioning', () => {
  it('gives up after a bounded number of polls and lets teardown destroy anyway', async () => {
    const t = setup({ statuses: ['TEARING_DOWN'] });
    deployed(t.stateDir);
    expect(await runTeardown(keep, t.deps)).toBe(0);
    expect(t.sleeps.length).toBe(80);
    expect(t.err.join('\n')).toMatch(/did not confirm the teardown in time; destroying anyway/);
    expect(t.calls.filter((c) => c.args[0] === 'destroy')).toHaveLength(3);
  });

  it('reports a non-200 answer from the toggle function with its message', async () => {
    const t = setup({
      invoke: async () => ({ statusCode: 400, body: JSON.stringify({ message: 'bad request', errors: [] }) }),
    });
    deployed(t.stateDir);
    await runTeardown(keep, t.deps);
    expect(t.err.join('\n')).toMatch(/demo-toggle-provisioning answered 400: bad request/);
  });
});
