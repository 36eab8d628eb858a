/**
 * `deploy.ts --synth-only` end to end, then `terraform validate` on every stack it wrote. Runs
 * whenever terraform is on PATH (offline through the provider mirror when present); skips otherwise,
 * except under CI=true, where a missing terraform fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTerraform } from '../../deploy/aws.ts';
import { keepBucket } from '../../deploy/checkpoint-steps.ts';
import { bucketAddressesInStackFile, readKept } from '../../deploy/checkpoints.ts';
import { deployMain, paths } from '../../deploy/main.ts';
import { type CommandRunner, spawnRunner } from '../../deploy/runner.ts';
import { terraformEnv, type ValidateResult, validateStack } from '../../deploy/terraform-validate.ts';
import { skipWithout } from '../support/tools.ts';

const terraform = findTerraform();
const NO_TERRAFORM = skipWithout('terraform (or tofu)', Boolean(terraform), 'install Terraform >= 1.5');
const cwd = mkdtempSync(join(tmpdir(), 'spotplane-cli-'));
const out: string[] = [];
const err: string[] = [];
let exitCode: number;
let synthMs: number;

beforeAll(async () => {
  const started = performance.now();
  exitCode = await deployMain(
    [
      '--hub',
      'us-east-1',
      '--hub-as-worker',
      '--worker',
      'us-west-2',
      '--prefix',
      'spval',
      '--subnets',
      'us-west-2=subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788',
      '--synth-only',
    ],
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    cwd,
  );
  synthMs = performance.now() - started;
});

const stackFiles = () => out.flatMap((l) => /^synthesized (\S+): (.+)$/.exec(l)?.slice(1, 3) ?? []);

describe('deploy.ts --synth-only', () => {
  it('writes cdktf.out/stacks/<stack>/cdk.tf.json for the hub and each worker and prints the paths', () => {
    expect(exitCode).toBe(0);
    const lines = out.filter((l) => l.startsWith('synthesized '));
    expect(lines).toHaveLength(3);
    for (const stack of ['spval-hub', 'spval-worker-us-east-1', 'spval-worker-us-west-2']) {
      const file = join(cwd, 'cdktf.out', 'stacks', stack, 'cdk.tf.json');
      expect(lines).toContain(`synthesized ${stack}: ${file}`);
      expect(existsSync(file)).toBe(true);
    }
    expect(synthMs).toBeGreaterThan(0);
  });
});

describe.skipIf(NO_TERRAFORM)('terraform validate', () => {
  const results = new Map<string, ValidateResult>();

  beforeAll(async () => {
    const { env } = terraformEnv();
    const files = stackFiles();
    const stacks = files.filter((_, i) => i % 2 === 0);
    // Two at a time: the machine (and CI's) has two cores.
    for (let i = 0; i < stacks.length; i += 2) {
      const batch = stacks.slice(i, i + 2);
      const done = await Promise.all(
        batch.map((s) =>
          validateStack(terraform as string, join(cwd, 'cdktf.out', 'stacks', s as string), env),
        ),
      );
      batch.forEach((s, j) => {
        results.set(s as string, done[j] as ValidateResult);
      });
    }
  }, 240_000);

  it.each(['spval-hub', 'spval-worker-us-east-1', 'spval-worker-us-west-2'])(
    'accepts %s without errors or warnings',
    (stack) => {
      const result = results.get(stack);
      expect(result?.errors).toEqual([]);
      expect(result?.warnings).toEqual([]);
      expect(result?.valid).toBe(true);
    },
  );
});

describe.skipIf(NO_TERRAFORM)('teardown keeping the checkpoint bucket, with the real terraform', () => {
  it('removes exactly the bucket and its config resources from the hub state, leaving the rest', async () => {
    const hub = { name: 'spval-hub', kind: 'hub' as const, region: 'us-east-1' };
    const dir = join(cwd, 'cdktf.out', 'stacks', hub.name);
    const stack = { ...hub, dir, file: join(dir, 'cdk.tf.json') };
    const addresses = bucketAddressesInStackFile(stack.file);
    expect(addresses?.all).toHaveLength(7);
    // A state as an apply would leave it (only what state rm reads), plus a resource that must stay.
    const bucket = 'spval-ckpt-123456789012-us-east-1';
    const { stateDir } = paths(cwd);
    const managed = (address: string) => {
      const [type, name] = address.split('.');
      return {
        mode: 'managed',
        type,
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"].us-east-1',
        instances: [{ schema_version: 0, attributes: { id: bucket, bucket } }],
      };
    };
    const agent = 'aws_s3_object.checkpoints_agent_1';
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      join(stateDir, `${hub.name}.tfstate`),
      JSON.stringify({
        version: 4,
        serial: 1,
        lineage: 'spotplane-test',
        outputs: { checkpoint_bucket: { value: bucket, type: 'string' } },
        resources: [...(addresses?.all ?? []).map(managed), managed(agent)],
      }),
    );
    const { env } = terraformEnv();
    const run: CommandRunner = (command, args, options) =>
      spawnRunner(command, args, { ...options, env: { ...env, ...options.env } });
    const log: string[] = [];
    await keepBucket(
      { terraform: terraform as string, run, log: (l) => log.push(l) },
      stack,
      stateDir,
      'spval',
    );
    const after = JSON.parse(readFileSync(join(stateDir, `${hub.name}.tfstate`), 'utf8')) as {
      resources: { type: string; name: string }[];
    };
    expect(after.resources.map((r) => `${r.type}.${r.name}`)).toEqual([agent]);
    expect(log).toContain(`[${hub.name}] Successfully removed 7 resource instance(s).`);
    expect(readKept(stateDir, 'spval')).toEqual([{ bucket, region: 'us-east-1' }]);
  }, 120_000);
});

if (NO_TERRAFORM) {
  describe('terraform validate', () => {
    it.skip('skipped: neither terraform nor tofu is on PATH (install Terraform >= 1.5 to run it)', () => {});
  });
}
