import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import type { LambdaInvoker } from '../../infra/cli/provisioning.ts';
import { recordPath, writeRecord } from '../../infra/cli/record.ts';
import { runTeardown, type TeardownDeps } from '../../infra/cli/teardown-run.ts';
import { fakeSynth, recordingRunner } from './fakes.ts';

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
  // Like terraform: a successful destroy leaves an empty state behind.
  const runner = recordingRunner((c) => {
    if (c.args[0] === 'destroy') writeState(stateDir, c.stack, 'demo', 0);
    return { code: 0, stdout: '', stderr: '' };
  });
  const { synth } = fakeSynth();
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
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { deps, stateDir, invocations, calls: runner.calls, out, err, sleeps };
}

const deployed = (stateDir: string) => {
  writeRecord(stateDir, { config, subnets: {} });
  for (const s of ['demo-hub', 'demo-worker-us-west-2', 'demo-worker-eu-west-1'])
    writeState(stateDir, s, 'demo');
};

describe('runTeardown', () => {
  it('disables provisioning with teardown, waits for DISABLED, then destroys the workers before the hub', async () => {
    const t = setup();
    deployed(t.stateDir);
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(0);
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

  it('is idempotent: a second run finds nothing and succeeds without calling anything', async () => {
    const t = setup();
    deployed(t.stateDir);
    await runTeardown({ help: false, prefix: 'demo' }, t.deps);
    const again = setup();
    again.deps.stateDir = t.stateDir;
    expect(await runTeardown({ help: false, prefix: 'demo' }, again.deps)).toBe(0);
    expect(again.out).toEqual(['nothing deployed with prefix "demo"']);
    expect(again.calls).toEqual([]);
    expect(again.invocations).toEqual([]);
  });

  it("refuses when a stack of this name holds another prefix's state, touching nothing", async () => {
    const t = setup();
    deployed(t.stateDir);
    writeState(t.stateDir, 'demo-worker-eu-west-1', 'other');
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(1);
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
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(0);
    expect(t.out).toEqual(['nothing deployed with prefix "demo"']);
    expect(t.calls).toEqual([]);
  });

  it('still destroys, with a warning, when the hub cannot be asked to disable', async () => {
    const t = setup({ invoke: async () => Promise.reject(new Error('ResourceNotFoundException')) });
    deployed(t.stateDir);
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(0);
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
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(1);
    expect(failing.calls.some((c) => c.stack === 'demo-hub')).toBe(false);
    expect(existsSync(recordPath(t.stateDir, 'demo'))).toBe(true);
  });

  it('asks for the deployment record when state exists without one', async () => {
    const t = setup();
    writeState(t.stateDir, 'demo-hub', 'demo');
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(1);
    expect(t.err.join('\n')).toMatch(/no deployment record demo\.deployment\.json/);
  });
});

describe('disableProvisioning', () => {
  it('gives up after a bounded number of polls and lets teardown destroy anyway', async () => {
    const t = setup({ statuses: ['TEARING_DOWN'] });
    deployed(t.stateDir);
    expect(await runTeardown({ help: false, prefix: 'demo' }, t.deps)).toBe(0);
    expect(t.sleeps.length).toBe(80);
    expect(t.err.join('\n')).toMatch(/did not confirm the teardown in time; destroying anyway/);
    expect(t.calls.filter((c) => c.args[0] === 'destroy')).toHaveLength(3);
  });

  it('reports a non-200 answer from the toggle function with its message', async () => {
    const t = setup({
      invoke: async () => ({ statusCode: 400, body: JSON.stringify({ message: 'bad request', errors: [] }) }),
    });
    deployed(t.stateDir);
    await runTeardown({ help: false, prefix: 'demo' }, t.deps);
    expect(t.err.join('\n')).toMatch(/demo-toggle-provisioning answered 400: bad request/);
  });
});
