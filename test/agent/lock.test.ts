import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, removeStaleLock } from '../../agent/lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const alive =
  (...pids: number[]) =>
  (pid: number) =>
    pids.includes(pid);

describe('PID lock', () => {
  it('lets exactly one process hold the lock', async () => {
    const path = join(dir, 'sub', 'agent.lock');
    const first = await acquireLock(path, { pid: 100, isAlive: alive(100, 200) });
    const second = await acquireLock(path, { pid: 200, isAlive: alive(100, 200) });

    expect(first.acquired).toBe(true);
    expect(second).toEqual({ acquired: false, holder: 100 });
    expect(await readFile(path, 'utf8')).toBe('100\n');
  });

  it('takes over a lock whose process is dead', async () => {
    const path = join(dir, 'agent.lock');
    await writeFile(path, '100\n');

    const lock = await acquireLock(path, { pid: 200, isAlive: alive(200) });

    expect(lock.acquired).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('200\n');
  });

  it('treats an unreadable PID as stale and leaves a live holder alone', async () => {
    const path = join(dir, 'agent.lock');
    await writeFile(path, 'garbage');
    expect(await removeStaleLock(path, { isAlive: alive() })).toBe(true);
    expect(await removeStaleLock(path, { isAlive: alive() })).toBe(false);
    await writeFile(path, '300\n');
    expect(await removeStaleLock(path, { isAlive: alive(300) })).toBe(false);
  });

  it('releases only its own lock', async () => {
    const path = join(dir, 'agent.lock');
    const lock = await acquireLock(path, { pid: 100, isAlive: alive(100) });
    if (!lock.acquired) throw new Error('expected the lock');
    await writeFile(path, '999\n');

    await lock.release();

    expect(await readFile(path, 'utf8')).toBe('999\n');
  });
});
