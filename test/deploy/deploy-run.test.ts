import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployArgs } from '../../deploy/args.ts';
import { addKept, readKept } from '../../deploy/checkpoints.ts';
import { type DeployDeps, runDeploy } from '../../deploy/deploy-run.ts';
import type { PreflightDeps } from '../../deploy/preflight.ts';
import { readRecord, recordPath } from '../../deploy/record.ts';
import type { CommandResult } from '../../deploy/runner.ts';
import {
  BUCKET_ADDRESSES,
  BUCKET_CONFIGS,
  BUCKET_ID,
  deferred,
  fakeSynth,
  hubStackJson,
  type RecordedCall,
  recordingRunner,
} from './fakes.ts';

const ok: CommandResult = { code: 0, stdout: '', stderr: '' };
const args = parseDeployArgs([
  '--hub',
  'us-east-1',
  '--worker',
  'us-west-2',
  '--worker',
  'eu-west-1',
  '--prefix',
  'demo',
]);

const quotaDeps = (over: Partial<PreflightDeps> = {}): PreflightDeps => ({
  callerIdentity: async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/me' }),
  offeredTypes: async (_region, types) => [...types],
  findTerraform: () => '/usr/bin/terraform',
  spotQuota: async () => 64,
  vcpus: async () => ({ 'g6.xlarge': 4, 'g5.xlarge': 4, 'g6e.xlarge': 4 }),
  ...over,
});

function setup(
  over: Partial<DeployDeps> = {},
  respond?: (c: RecordedCall) => Promise<CommandResult> | CommandResult,
) {
  const dir = mkdtempSync(join(tmpdir(), 'spotplane-deploy-'));
  const out: string[] = [];
  const err: string[] = [];
  const runner = recordingRunner(
    respond ??
      ((c) =>
        c.args[0] === 'output'
          ? {
              code: 0,
              stdout: JSON.stringify({
                api_url: { value: 'https://abc.execute-api.us-east-1.amazonaws.com' },
                endpoint_url: { value: 'http://a1234567890abcdef.awsglobalaccelerator.com:30000/' },
              }),
              stderr: '',
            }
          : ok),
  );
  const { synth, seen } = fakeSynth();
  const deps: DeployDeps = {
    rootDir: '/repo',
    outdir: join(dir, 'cdktf.out'),
    stateDir: join(dir, 'state'),
    synth,
    preflight: quotaDeps(),
    run: runner.run,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => 0,
    ...over,
  };
  return { deps, out, err, calls: runner.calls, seen, dir };
}

describe('runDeploy', () => {
  it('with --synth-only prints the stack files and touches neither AWS nor terraform', async () => {
    let asked = false;
    const { deps, out, calls } = setup({
      preflight: quotaDeps({
        callerIdentity: async () => {
          asked = true;
          throw new Error('no credentials');
        },
      }),
    });
    const code = await runDeploy({ ...args, synthOnly: true }, deps);
    expect(code).toBe(0);
    expect(out).toEqual([
      '[0 s] synthesizing 3 stacks (about a minute) ...',
      '[0 s] synthesizing 3 stacks (about a minute) done in 0 s',
      `synthesized demo-hub: ${deps.outdir}/stacks/demo-hub/cdk.tf.json`,
      `synthesized demo-worker-us-west-2: ${deps.outdir}/stacks/demo-worker-us-west-2/cdk.tf.json`,
      `synthesized demo-worker-eu-west-1: ${deps.outdir}/stacks/demo-worker-eu-west-1/cdk.tf.json`,
    ]);
    expect(calls).toEqual([]);
    expect(asked).toBe(false);
  });

  it('applies the hub before any worker, then prints the API URL and records it for spotplane.ts', async () => {
    const { deps, out, calls } = setup();
    expect(await runDeploy(args, deps)).toBe(0);
    const applies = calls.filter((c) => c.args[0] === 'apply').map((c) => c.stack);
    expect(applies[0]).toBe('demo-hub');
    expect(applies.slice(1).sort()).toEqual(['demo-worker-eu-west-1', 'demo-worker-us-west-2']);
    // init runs before apply in each stack
    for (const stack of ['demo-hub', 'demo-worker-us-west-2']) {
      const mine = calls.filter((c) => c.stack === stack).map((c) => c.args[0]);
      expect(mine.slice(0, 2)).toEqual(['init', 'apply']);
    }
    expect(out).toContain('API: https://abc.execute-api.us-east-1.amazonaws.com');
    expect(readRecord(deps.stateDir, 'demo')?.apiUrl).toBe('https://abc.execute-api.us-east-1.amazonaws.com');
    expect(out.at(-1)).toBe('deployed. Enable it with: npx tsx spotplane.ts enable --prefix demo');
  });

  it("states the accelerator's cost before applying and prints the stable endpoint after", async () => {
    const { deps, out } = setup();
    expect(await runDeploy(args, deps)).toBe(0);
    const cost = out.findIndex((l) =>
      l.startsWith('cost of the stable endpoint: Global Accelerator: $0.025/h fixed ($18.00 per 30 days)'),
    );
    expect(cost).toBeGreaterThanOrEqual(0);
    expect(cost).toBeLessThan(out.findIndex((l) => l.includes('] applying ')));
    expect(out).toContainEqual(
      expect.stringMatching(
        /^endpoint: http:\/\/a1234567890abcdef\.awsglobalaccelerator\.com:30000\/ \(Global Accelerator; .*\/GB data transfer premium/,
      ),
    );
  });

  it('runs the pre-flight before any synthesis, and synthesizes nothing when it fails', async () => {
    const { synth, seen } = fakeSynth();
    const { deps, calls } = setup({
      synth,
      preflight: quotaDeps({ offeredTypes: async (_r, types) => types.filter((t) => t !== 'g6e.xlarge') }),
    });
    await expect(runDeploy(args, deps)).rejects.toThrow(/does not offer g6e\.xlarge|offered in none of/);
    expect(seen).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('prints a progress line per stack and step with the elapsed time', async () => {
    let clock = 0;
    const { deps, out } = setup({}, (c) => {
      clock += c.args[0] === 'apply' ? 60_000 : 2_000;
      return c.args[0] === 'output'
        ? { code: 0, stdout: JSON.stringify({ api_url: { value: 'https://x' } }), stderr: '' }
        : ok;
    });
    const synth = deps.synth;
    deps.synth = async (o) => {
      clock += 65_000;
      return synth(o);
    };
    deps.now = () => clock;
    expect(await runDeploy(args, deps)).toBe(0);
    const progress = out.filter((l) => l.startsWith('['));
    expect(progress.slice(0, 7)).toEqual([
      '[0 s] pre-flight: credentials (STS in us-east-1)',
      '[0 s] pre-flight: instance types g6.xlarge, g5.xlarge, g6e.xlarge offered in us-west-2, eu-west-1',
      '[0 s] pre-flight: Spot vCPU quotas',
      '[0 s] pre-flight passed: account 123456789012, applying with /usr/bin/terraform',
      '[0 s] synthesizing 3 stacks (about a minute) ...',
      '[1 min 5 s] synthesizing 3 stacks (about a minute) done in 1 min 5 s',
      '[1 min 5 s] applying demo-hub (us-east-1)',
    ]);
    expect(progress).toContain('[1 min 7 s] demo-hub (us-east-1): terraform init done in 2 s');
    expect(progress).toContain('[2 min 7 s] demo-hub (us-east-1): terraform apply done in 1 min 0 s');
    expect(progress).toContainEqual(
      expect.stringMatching(
        /^\[[^\]]+\] demo-worker-eu-west-1 \(eu-west-1\): terraform apply done in 1 min 0 s$/,
      ),
    );
  });

  it('applies the workers in parallel', async () => {
    const gates = new Map([
      ['demo-worker-us-west-2', deferred<CommandResult>()],
      ['demo-worker-eu-west-1', deferred<CommandResult>()],
    ]);
    const started: string[] = [];
    const { deps } = setup({}, (c) => {
      if (c.args[0] === 'apply' && gates.has(c.stack)) {
        started.push(c.stack);
        if (started.length === 2) for (const g of gates.values()) g.resolve(ok);
        return (gates.get(c.stack) as { promise: Promise<CommandResult> }).promise;
      }
      return c.args[0] === 'output' ? { code: 0, stdout: '{}', stderr: '' } : ok;
    });
    // Deadlocks (and times out) if the second worker only starts after the first finished.
    expect(await runDeploy(args, deps)).toBe(0);
    expect(started.sort()).toEqual(['demo-worker-eu-west-1', 'demo-worker-us-west-2']);
  });

  it('stops before the workers when the hub fails, and exits non-zero', async () => {
    const { deps, err, calls } = setup({}, (c) =>
      c.stack === 'demo-hub' && c.args[0] === 'apply' ? { code: 1, stdout: '', stderr: 'boom' } : ok,
    );
    expect(await runDeploy(args, deps)).toBe(1);
    expect(calls.some((c) => c.stack.startsWith('demo-worker'))).toBe(false);
    expect(err.join('\n')).toMatch(/demo-hub: terraform apply failed \(exit 1\); workers not applied/);
  });

  it('reports every failed worker and exits non-zero', async () => {
    const { deps, err } = setup({}, (c) =>
      c.stack.startsWith('demo-worker') && c.args[0] === 'apply'
        ? { code: 1, stdout: '', stderr: '' }
        : c.args[0] === 'output'
          ? { code: 0, stdout: '{}', stderr: '' }
          : ok,
    );
    expect(await runDeploy(args, deps)).toBe(1);
    expect(err.filter((l) => /demo-worker-.*terraform apply failed/.test(l))).toHaveLength(2);
  });

  it('refuses to apply while source files are missing, naming them', async () => {
    const { synth } = fakeSynth(['lambdas/state-store/handler.ts']);
    const { deps, err, calls } = setup({ synth });
    expect(await runDeploy(args, deps)).toBe(1);
    expect(err.join('\n')).toContain('lambdas/state-store/handler.ts');
    expect(calls).toEqual([]);
  });

  it('records the deployment so teardown can rebuild it from the prefix alone', async () => {
    const { deps } = setup();
    await runDeploy(args, deps);
    const record = JSON.parse(readFileSync(recordPath(deps.stateDir, 'demo'), 'utf8'));
    expect(record.config.workerRegions).toEqual(['us-west-2', 'eu-west-1']);
  });

  it('warns about a Spot quota too low for the target capacity, per region', async () => {
    const { deps, err } = setup({
      preflight: quotaDeps({ spotQuota: async (region) => (region === 'eu-west-1' ? 0 : 64) }),
    });
    expect(await runDeploy(args, deps)).toBe(0);
    const warnings = err.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /eu-west-1: "All G and VT Spot Instance Requests" quota is 0 vCPUs, below the 4 vCPUs/,
    );
    expect(warnings[0]).toContain('--quota-code L-3819A6DF');
  });
});

const ONE_TYPE_ARGS = [
  '--hub',
  'us-east-1',
  '--worker',
  'us-west-2',
  '--prefix',
  'demo',
  '--instance-types',
  'g6.xlarge',
];

describe('runDeploy with fewer than three instance types', () => {
  it('warns that Spot placement scores will be low, even with --synth-only, and still deploys', async () => {
    const few = parseDeployArgs([...ONE_TYPE_ARGS, '--synth-only']);
    const { deps, err } = setup();
    expect(await runDeploy(few, deps)).toBe(0);
    const warnings = err.filter((l) => l.startsWith('warning: instanceTypes'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/only 1 type \(g6\.xlarge\).*Spot placement score/);
  });

  it('says nothing about instance types with three or more', async () => {
    const { deps, err } = setup();
    await runDeploy(parseDeployArgs([...ONE_TYPE_ARGS.slice(0, -2), '--synth-only']), deps);
    expect(err.filter((l) => l.includes('instanceTypes'))).toEqual([]);
  });
});

describe('runDeploy with a checkpoint bucket an earlier teardown kept', () => {
  const BUCKET = 'demo-ckpt-123456789012-us-east-1';
  const apiOutput = {
    code: 0,
    stdout: JSON.stringify({ api_url: { value: 'https://abc.execute-api.us-east-1.amazonaws.com' } }),
    stderr: '',
  };
  const hubCalls = (calls: RecordedCall[]) =>
    calls.filter((c) => c.stack === 'demo-hub').map((c) => c.args.filter((a) => a !== '-no-color'));

  function keptSetup(respond: (c: RecordedCall) => CommandResult = () => ok) {
    const { synth } = fakeSynth([], hubStackJson());
    const t = setup({ synth }, (c) => (c.args[0] === 'output' ? apiOutput : respond(c)));
    addKept(t.deps.stateDir, 'demo', { bucket: BUCKET, region: 'us-east-1' });
    return t;
  }

  it('imports the bucket, then each config resource the state lacks, before the first apply', async () => {
    // The policy is already managed, e.g. from a deploy interrupted after its import.
    const policy = BUCKET_ADDRESSES.find((a) => a.startsWith('aws_s3_bucket_policy.')) as string;
    const { deps, calls } = keptSetup((c) =>
      c.args[0] === 'state' ? { code: 0, stdout: `aws_lambda_function.fn\n${policy}\n`, stderr: '' } : ok,
    );
    expect(await runDeploy(args, deps)).toBe(0);
    const imports = BUCKET_ADDRESSES.filter((a) => a !== policy).map((a) => [
      'import',
      '-input=false',
      a,
      BUCKET,
    ]);
    expect(hubCalls(calls)).toEqual([
      ['init', '-input=false'],
      ['state', 'list'],
      ...imports,
      ['apply', '-auto-approve', '-input=false'],
      ['output', '-json'],
    ]);
    expect(imports[0]?.[2]).toBe(`aws_s3_bucket.${BUCKET_ID}`);
    expect(readKept(deps.stateDir, 'demo')).toEqual([]);
  });

  it('lets apply create the bucket when it cannot be imported, skipping its config imports', async () => {
    const { deps, calls, err } = keptSetup((c) =>
      c.args[0] === 'import'
        ? { code: 1, stdout: '', stderr: 'Cannot import non-existent remote object' }
        : ok,
    );
    expect(await runDeploy(args, deps)).toBe(0);
    expect(hubCalls(calls).filter((a) => a[0] === 'import')).toHaveLength(1);
    expect(err).toContain(
      `warning: could not import s3://${BUCKET} as aws_s3_bucket.${BUCKET_ID}; apply will try to create it`,
    );
    expect(hubCalls(calls).at(-2)?.[0]).toBe('apply');
  });

  it('warns about a config resource it cannot import and lets apply recreate it', async () => {
    const [lifecycleType, lifecycleId] = BUCKET_CONFIGS[0] as [string, string];
    const { deps, err } = keptSetup((c) =>
      c.args[0] === 'import' && c.args.includes(`${lifecycleType}.${lifecycleId}`)
        ? { code: 1, stdout: '', stderr: 'NoSuchLifecycleConfiguration' }
        : ok,
    );
    expect(await runDeploy(args, deps)).toBe(0);
    expect(err).toEqual([`warning: could not import ${lifecycleType}.${lifecycleId}; apply will create it`]);
  });

  it('keeps the note when the hub apply fails, so the next deploy imports again', async () => {
    const { deps } = keptSetup((c) => (c.args[0] === 'apply' ? { code: 1, stdout: '', stderr: '' } : ok));
    expect(await runDeploy(args, deps)).toBe(1);
    expect(readKept(deps.stateDir, 'demo')).toEqual([{ bucket: BUCKET, region: 'us-east-1' }]);
  });

  it('leaves a bucket kept from another hub region alone, saying how to delete it', async () => {
    const { deps, calls, err } = keptSetup();
    addKept(deps.stateDir, 'demo', { bucket: 'demo-ckpt-123456789012-eu-west-1', region: 'eu-west-1' });
    expect(await runDeploy(args, deps)).toBe(0);
    expect(err).toEqual([
      'note: s3://demo-ckpt-123456789012-eu-west-1 (eu-west-1), kept by an earlier teardown, stays as it is; delete it with: npx tsx teardown.ts --prefix demo --delete-checkpoints',
    ]);
    expect(readKept(deps.stateDir, 'demo')).toEqual([
      { bucket: 'demo-ckpt-123456789012-eu-west-1', region: 'eu-west-1' },
    ]);
    expect(hubCalls(calls).filter((a) => a[0] === 'import')).toHaveLength(BUCKET_ADDRESSES.length);
  });

  it('imports nothing when no bucket was kept', async () => {
    const { synth } = fakeSynth([], hubStackJson());
    const { deps, calls } = setup({ synth });
    expect(await runDeploy(args, deps)).toBe(0);
    expect(hubCalls(calls).map((a) => a[0])).toEqual(['init', 'apply', 'output']);
  });
});
