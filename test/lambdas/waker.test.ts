/**
 * The waker: each worker report of this deployment becomes one signal and a wake of the Orchestrator's
 * waiting task; nothing is decided here. Against LocalCloud (test/lambdas/hub-harness.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureOrchestrator } from '../../lambdas/shared/orchestrator.ts';
import { makeHandler } from '../../lambdas/waker/index.ts';
import { lambdaContext, quietObservability } from './helpers.ts';
import { hubHarness } from './hub-harness.ts';

let h: Awaited<ReturnType<typeof hubHarness>>;
afterEach(async () => {
  await h?.close();
});

const report = (detailType: string, detail: Record<string, unknown>, id = 'evt-1') => ({
  version: '0',
  id,
  source: 'spotplane.worker',
  'detail-type': detailType,
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { prefix: 'sp', region: 'us-west-2', ...detail },
});
const lost = (id = 'evt-1', region = 'us-west-2') =>
  report('Region Lost', { region, reason: 'SpotInterruption', instance_id: `i-${region}` }, id);

async function waiting() {
  h = await hubHarness();
  await ensureOrchestrator(h.deps, h.table);
  await h.clock.settle();
  return makeHandler(h.deps);
}

describe('Waker', () => {
  it('stores the report as a signal and wakes the waiting Orchestrator', async () => {
    const waker = await waiting();
    const out = await waker(lost(), lambdaContext);
    await h.clock.settle();
    expect(out).toEqual({ outcome: 'SIGNALLED', kind: 'region-lost', woke: true });
    expect((await h.table.snapshot()).signals).toEqual([
      {
        id: 'signal#evt-1',
        kind: 'region-lost',
        region: 'us-west-2',
        intent: null,
        instance_id: 'i-us-west-2',
        reason: 'SpotInterruption',
        at: '2026-11-24T10:00:00Z',
      },
    ]);
    expect(h.executions()[0]?.status).toBe('SUCCEEDED');
  });

  it('stores a redelivered event once, and still wakes (its first delivery may have died before waking)', async () => {
    const waker = await waiting();
    await waker(lost(), lambdaContext);
    const again = await waker(lost(), lambdaContext);
    expect(again).toMatchObject({ outcome: 'DUPLICATE', kind: 'region-lost' });
    expect((await h.table.snapshot()).signals).toHaveLength(1);
    expect((await h.table.snapshot()).wakes).toBe(2);
  });

  it('leaves a wake that the next registration sees when nobody waits', async () => {
    h = await hubHarness();
    const out = await makeHandler(h.deps)(lost(), lambdaContext);
    expect(out).toMatchObject({ outcome: 'SIGNALLED', woke: false });
    expect((await h.table.snapshot()).wakes).toBe(1);
  });

  it('ignores progress reports, other deployments and other sources without touching the table', async () => {
    h = await hubHarness();
    const waker = makeHandler(h.deps);
    expect(await waker(report('Launch Heartbeat', { intent: 1 }), lambdaContext)).toEqual({
      outcome: 'IGNORED',
      reason: 'PROGRESS_ONLY',
    });
    expect(await waker(report('Region Lost', { prefix: 'other' }), lambdaContext)).toEqual({
      outcome: 'IGNORED',
      reason: 'OTHER_DEPLOYMENT',
    });
    expect(await waker({ source: 'aws.ec2', 'detail-type': 'x', detail: {} }, lambdaContext)).toEqual({
      outcome: 'IGNORED',
      reason: 'NOT_A_WORKER_EVENT',
    });
    expect(await h.table.snapshot()).toMatchObject({ signals: [], wakes: 0 });
  });

  it('rethrows throttling so Lambda retries the event, and the retry is not a second signal', async () => {
    const waker = await waiting();
    h.cloud.injectFault({
      service: 'sfn',
      action: 'SendTaskSuccess',
      error: 'ThrottlingException',
      times: 1,
    });
    await expect(waker(lost(), lambdaContext)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(await waker(lost(), lambdaContext)).toMatchObject({ outcome: 'DUPLICATE', woke: true });
  });

  it('logs each event with its own keys when invocations run concurrently (no keys left on a shared logger)', async () => {
    h = await hubHarness();
    const observability = quietObservability('waker');
    const info = vi.spyOn(observability.logger, 'info');
    const append = vi.spyOn(observability.logger, 'appendKeys');
    const waker = makeHandler({ ...h.deps, observability });
    await Promise.all(
      ['us-west-2', 'eu-west-1', 'us-east-1'].map((region, i) =>
        waker(lost(`evt-${i}`, region), lambdaContext),
      ),
    );
    const stored = info.mock.calls.filter(([message]) => message === 'signal stored');
    expect(
      stored
        .map(([, extra]) => [
          (extra as { signal: string }).signal,
          (extra as { worker_region: string }).worker_region,
        ])
        .sort(),
    ).toEqual([
      ['signal#evt-0', 'us-west-2'],
      ['signal#evt-1', 'eu-west-1'],
      ['signal#evt-2', 'us-east-1'],
    ]);
    expect(append.mock.calls.flat().some((keys) => JSON.stringify(keys).includes('worker_region'))).toBe(
      false,
    );
  });
});
