/**
 * POST /spot-provisioning: writes the spec, makes sure one Orchestrator runs, wakes it. Against
 * LocalCloud's DynamoDB and Step Functions (test/lambdas/hub-harness.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initialMemory } from '../../core/plan/index.ts';
import { makeHandler, nextSpec } from '../../lambdas/toggle-provisioning/index.ts';
import { apiEvent, lambdaContext } from './helpers.ts';
import { hubHarness } from './hub-harness.ts';

let h: Awaited<ReturnType<typeof hubHarness>>;
afterEach(async () => {
  await h?.close();
});

const post = async (body: unknown) => {
  const result = await makeHandler(h.deps)(
    apiEvent('POST', '/spot-provisioning', JSON.stringify(body)),
    lambdaContext,
  );
  await h.clock.settle();
  return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) };
};

const statusWith = (
  orchestrator: { execution: string; run: number; cycle: number } | null,
  generation: number,
) => ({
  version: 1,
  generation,
  orchestrator,
  view: {
    status: 'RUNNING' as const,
    region: null,
    instances: [],
    excluded_regions: [],
    replicas: { target: 1, spare: 0, ready: 0 },
    regions: [],
    last_move: null,
    endpoint: null,
    updated_at: '2026-11-24T10:00:00Z',
  },
  memory: initialMemory(),
  observed_at: '2026-11-24T10:00:00Z',
});

describe('ToggleProvisioning', () => {
  it('enable: writes the spec (generation 1) and starts the first run, named after the epoch and run number', async () => {
    h = await hubHarness();
    const out = await post({ action: 'enable' });
    expect(out.statusCode).toBe(200);
    expect(out.body.message).toMatch(/^Provisioning enabled; orchestration .*:20261124T1000-r1-0 started\.$/);
    expect(await h.table.spec()).toEqual({
      enabled: true,
      teardown: false,
      generation: 1,
      updated_at: '2026-11-24T10:00:00Z',
    });
    expect(h.running().map((e) => [e.name, JSON.parse(e.input ?? '{}')])).toEqual([
      ['20261124T1000-r1-0', { run: { epoch: '20261124T1000', n: 1, k: 0 }, cycle: 0 }],
    ]);
  });

  it('enabling twice starts no second orchestration: the second wakes the running one', async () => {
    h = await hubHarness();
    await post({ action: 'enable' });
    const again = await post({ action: 'enable' });
    expect(again.body.message).toMatch(/no second one was started/);
    expect(h.executions()).toHaveLength(1);
    // The stand-in Orchestrator's wait was answered: the wake reached it.
    expect(h.executions()[0]?.status).toBe('SUCCEEDED');
    expect((await h.table.spec())?.generation).toBe(2);
  });

  it('disable with teardown records the teardown and wakes the running Orchestrator; it never stops executions', async () => {
    h = await hubHarness();
    await post({ action: 'enable' });
    const out = await post({ action: 'disable', teardown: true });
    expect(out.body.message).toMatch(/torn down .*TEARING_DOWN/);
    expect(await h.table.spec()).toMatchObject({ enabled: false, teardown: true, generation: 2 });
    expect(h.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
  });

  it('a plain disable says instances keep running', async () => {
    h = await hubHarness();
    const out = await post({ action: 'disable', teardown: false });
    expect(out.body.message).toMatch(/left running/);
    expect(await h.table.spec()).toMatchObject({ enabled: false, teardown: false });
  });

  it('starts a new run when the Orchestrator exited, even if its execution has not ended yet', async () => {
    h = await hubHarness();
    await post({ action: 'enable' });
    await h.table.writeStatus(statusWith(null, 1), null);
    await post({ action: 'enable' });
    expect(
      h
        .executions()
        .map((e) => e.name)
        .sort(),
    ).toEqual(['20261124T1000-r1-0', '20261124T1000-r2-0']);
  });

  it('starts a new run when the status names an Orchestrator but none runs (it was stopped)', async () => {
    h = await hubHarness();
    await post({ action: 'enable' });
    await h.table.writeStatus(statusWith({ execution: 'gone', run: 1, cycle: 3 }, 1), null);
    const [only] = h.running();
    h.cloud.region('us-east-1').sfn.runtime.stopExecution({ executionArn: only!.executionArn });
    await post({ action: 'enable' });
    expect(h.running().map((e) => e.name)).toEqual(['20261124T1000-r2-0']);
  });

  it('keeps both of two toggles racing each other (the later generation wins, nothing is lost)', async () => {
    h = await hubHarness();
    const handler = makeHandler(h.deps);
    const [a, b] = await Promise.all(
      ['enable', 'disable'].map((action) =>
        handler(apiEvent('POST', '/spot-provisioning', JSON.stringify({ action })), lambdaContext),
      ),
    );
    expect([a?.statusCode, b?.statusCode]).toEqual([200, 200]);
    expect((await h.table.spec())?.generation).toBe(2);
  });

  it('answers a logged 500 without internals when DynamoDB throttles', async () => {
    h = await hubHarness();
    h.cloud.injectFault({ service: 'dynamodb', action: 'GetItem', error: 'ThrottlingException' });
    const out = await post({ action: 'enable' });
    expect(out.statusCode).toBe(500);
    expect(JSON.stringify(out.body)).not.toMatch(/Throttling|stack|at /);
  });

  it('answers 400 naming the field, 405 for GET on its route and 404 elsewhere', async () => {
    h = await hubHarness();
    const handler = makeHandler(h.deps);
    const bad = await handler(apiEvent('POST', '/spot-provisioning', '{"action":"reboot"}'), lambdaContext);
    const get = await handler(apiEvent('GET', '/spot-provisioning'), lambdaContext);
    const other = await handler(apiEvent('POST', '/elsewhere', '{}'), lambdaContext);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(String(bad.body)).errors[0]).toMatch(/^action:/);
    expect([get.statusCode, other.statusCode]).toEqual([405, 404]);
  });
});

describe('nextSpec', () => {
  it.each([
    { asked: { enabled: true, teardown: true }, want: { enabled: true, teardown: false } },
    { asked: { enabled: false, teardown: true }, want: { enabled: false, teardown: true } },
    { asked: { enabled: false, teardown: false }, want: { enabled: false, teardown: false } },
  ])('$asked -> $want, one generation further', ({ asked, want }) => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(nextSpec({ enabled: true, teardown: false, generation: 4, updated_at: 'x' }, asked, now)).toEqual({
      ...want,
      generation: 5,
      updated_at: '2026-11-24T10:00:00Z',
    });
    expect(nextSpec(null, asked, now).generation).toBe(1);
  });
});
