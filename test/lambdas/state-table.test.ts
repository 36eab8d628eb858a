/**
 * The state table's reads and conditional writes against LocalCloud's DynamoDB (dynalite): the
 * conditions are DynamoDB's own, so a lost race here is the race AWS would report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { names } from '../../core/naming.ts';
import { initialMemory, type StatusItem } from '../../core/plan/index.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';
import type { LocalCloud } from '../../emulator/local-cloud.ts';
import { createStateTableInput, StateTable } from '../../lambdas/shared/state-table.ts';

const config = parseConfig({ prefix: 'sp', hubRegion: 'us-east-1', workerRegions: ['us-west-2'] });
let cloud: LocalCloud | undefined;

async function table() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  cloud = createLocalCloud({ clock });
  await cloud.region('us-east-1').dynamodb.createTable(createStateTableInput(names('sp').stateTable));
  return { clock, cloud, table: new StateTable({ clients: cloud.clients(), config, clock }) };
}

afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const status = (version: number, generation = 1): StatusItem => ({
  version,
  generation,
  orchestrator: { execution: 'r1-0', run: 1, cycle: 0 },
  view: {
    status: 'RUNNING',
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

const enable = (current: { generation: number } | null, now: Date) => ({
  enabled: true,
  teardown: false,
  generation: (current?.generation ?? 0) + 1,
  updated_at: now.toISOString(),
});

describe('StateTable', () => {
  it('reads everything in one snapshot: spec, status, signals, wakes, market, runs', async () => {
    const { table: t } = await table();
    await t.writeSpec(enable);
    await t.writeStatus(status(1), null);
    await t.putSignal({
      id: 'signal#e1',
      kind: 'region-lost',
      region: 'us-west-2',
      intent: null,
      instance_id: 'i-1',
      reason: 'SpotInterruption',
      at: '2026-11-24T10:00:00Z',
    });
    await t.wake();
    await t.putMarket({
      scores: { 'us-west-2': 9 },
      scores_at: 'a',
      prices: { 'us-west-2': 0.3 },
      prices_at: '2026-11-24T10:00:00Z',
    });
    await t.nextRun();
    const snapshot = await t.snapshot();
    expect(snapshot).toMatchObject({
      spec: { enabled: true, generation: 1 },
      status: { version: 1 },
      signals: [{ id: 'signal#e1', kind: 'region-lost', instance_id: 'i-1' }],
      wakes: 1,
      token: null,
      market: { scores: { 'us-west-2': 9 } },
      runs: { count: 1, epoch: '20261124T1000' },
    });
  });

  it('spec: a toggle that lost the race re-reads and writes on top, so no toggle is lost', async () => {
    const { table: t } = await table();
    const [a, b] = await Promise.all([t.writeSpec(enable), t.writeSpec(enable)]);
    expect(new Set([a.generation, b.generation])).toEqual(new Set([1, 2]));
    expect((await t.spec())?.generation).toBe(2);
  });

  it('status: written only over the version observed; a second writer is superseded', async () => {
    const { table: t } = await table();
    expect(await t.writeStatus(status(1), null)).toBe('written');
    expect(await t.writeStatus(status(1), null)).toBe('superseded');
    expect(await t.writeStatus(status(2), 1)).toBe('written');
    expect(await t.writeStatus(status(2), 1)).toBe('superseded');
  });

  it("status: a run that finds a later run's status is superseded; the later run may follow an earlier one", async () => {
    const { table: t } = await table();
    const by = (run: number, version: number) => ({
      ...status(version),
      orchestrator: { execution: `r${run}`, run, cycle: 0 },
    });
    expect(await t.writeStatus(by(1, 1), null)).toBe('written');
    expect(await t.writeStatus(by(2, 2), 1, { run: 2 })).toBe('written');
    expect(await t.writeStatus(by(1, 3), 2, { run: 1 })).toBe('superseded');
    expect(await t.writeStatus(by(2, 3), 2, { run: 2 })).toBe('written');
    // A later run over a version it did not observe is superseded all the same.
    expect(await t.writeStatus(by(3, 4), 2, { run: 3 })).toBe('superseded');
    expect(await t.writeStatus({ ...status(4), orchestrator: null }, 3, { run: 2 })).toBe('written');
    expect(await t.writeStatus(by(1, 5), 4, { run: 1 })).toBe('written');
  });

  it('status: within one run a later continuation follows, and a second execution with the same run and continuation (a start by hand with the same input) is superseded', async () => {
    const { table: t } = await table();
    const by = (name: string, run: number, k: number, version: number) => ({
      ...status(version),
      orchestrator: { execution: name, run, k, cycle: 0 },
    });
    const as = (name: string, run: number, k: number) => ({ run, execution: { k, name } });
    expect(await t.writeStatus(by('r2-0', 2, 0, 1), null)).toBe('written');
    expect(await t.writeStatus(by('by-hand', 2, 0, 2), 1, as('by-hand', 2, 0))).toBe('superseded');
    expect(await t.writeStatus(by('r2-0', 2, 0, 2), 1, as('r2-0', 2, 0))).toBe('written');
    expect(await t.writeStatus(by('r2-1', 2, 1, 3), 2, as('r2-1', 2, 1))).toBe('written');
    expect(await t.writeStatus(by('r2-0', 2, 0, 4), 3, as('r2-0', 2, 0))).toBe('superseded');
    expect(await t.writeStatus(by('r3-0', 3, 0, 4), 3, as('r3-0', 3, 0))).toBe('written');
    // Whichever term of the order holds, a stale version refuses the write.
    expect(await t.writeStatus(by('r3-0', 3, 0, 5), 3, as('r3-0', 3, 0))).toBe('superseded');
    expect(await t.writeStatus(by('r3-1', 3, 1, 5), 3, as('r3-1', 3, 1))).toBe('superseded');
    expect(await t.writeStatus(by('r4-0', 4, 0, 5), 3, as('r4-0', 4, 0))).toBe('superseded');
  });

  it('status: deletes the absorbed signals in the same transaction, or not at all', async () => {
    const { table: t } = await table();
    await t.writeStatus(status(1), null);
    for (const id of ['signal#a', 'signal#b'])
      await t.putSignal({
        id,
        kind: 'launch-succeeded',
        region: 'us-west-2',
        intent: 1,
        instance_id: null,
        reason: null,
        at: 'x',
      });
    expect(await t.writeStatus(status(2), 7, { consumed: ['signal#a', 'signal#b'] })).toBe('superseded');
    expect((await t.snapshot()).signals).toHaveLength(2);
    expect(await t.writeStatus(status(2), 1, { consumed: ['signal#a', 'signal#b'] })).toBe('written');
    expect((await t.snapshot()).signals).toEqual([]);
  });

  it('exit: cancelled when a toggle changed the spec after the observation', async () => {
    const { table: t } = await table();
    await t.writeSpec(enable);
    await t.writeStatus(status(1), null);
    await t.writeSpec(enable);
    expect(await t.writeStatus({ ...status(2), orchestrator: null }, 1, { exitGeneration: 1 })).toBe(
      'spec-changed',
    );
    expect((await t.status())?.version).toBe(1);
    expect(await t.writeStatus({ ...status(2), orchestrator: null }, 1, { exitGeneration: 2 })).toBe(
      'written',
    );
  });

  it('signals: a redelivered event is stored once', async () => {
    const { table: t } = await table();
    const signal = {
      id: 'signal#e1',
      kind: 'launch-failed' as const,
      region: 'us-west-2',
      intent: 3,
      instance_id: null,
      reason: 'InsufficientInstanceCapacity',
      at: 'x',
    };
    expect(await t.putSignal(signal)).toBe(true);
    expect(await t.putSignal(signal)).toBe(false);
  });

  it('wake: a wake before the registration is seen by it, one after it finds the token', async () => {
    const { table: t } = await table();
    expect(await t.wake()).toEqual({ wakes: 1, token: null });
    expect(await t.registerToken('tok-1')).toEqual({ wakes: 1 });
    expect(await t.wake()).toEqual({ wakes: 2, token: 'tok-1' });
  });

  it('market: a late write of older data never replaces newer data', async () => {
    const { table: t } = await table();
    const market = (at: string) => ({
      scores: null,
      scores_at: null,
      prices: { 'us-west-2': Number(at.slice(-3, -1)) },
      prices_at: at,
    });
    await t.putMarket(market('2026-11-24T10:15:00Z'));
    await t.putMarket(market('2026-11-24T10:00:00Z'));
    expect((await t.snapshot()).market?.prices_at).toBe('2026-11-24T10:15:00Z');
  });

  it('runs: each start takes the next number; the epoch stays the first start', async () => {
    const { table: t, clock } = await table();
    expect(await t.nextRun()).toEqual({ count: 1, epoch: '20261124T1000' });
    clock.advance(3_600_000);
    expect(await t.nextRun()).toEqual({ count: 2, epoch: '20261124T1000' });
  });

  it('names the item and field of something its writer never stores', async () => {
    const { table: t, cloud: c } = await table();
    await c
      .clients()
      .dynamodb('us-east-1')
      .send(
        new (await import('@aws-sdk/client-dynamodb')).PutItemCommand({
          TableName: 'sp-state',
          Item: { pk: { S: 'hub' }, sk: { S: 'spec' }, enabled: { S: 'yes' } },
        }),
      );
    await expect(t.spec()).rejects.toThrow(/state item spec is not valid: enabled/);
  });
});
