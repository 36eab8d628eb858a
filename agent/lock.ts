/**
 * PID lock files. Created with O_EXCL so two processes can never both hold one; a lock whose PID is
 * dead (a crash, a reboot) is stale and removed, so it cannot block the agent forever.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProcessControl } from './process.ts';

export type LockResult = { acquired: true; release(): Promise<void> } | { acquired: false; holder: number };

async function readHolder(path: string): Promise<number | undefined | null> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Removes the lock at `path` when its PID is dead or unreadable; returns whether one was removed. */
export async function removeStaleLock(
  path: string,
  processes: Pick<ProcessControl, 'isAlive'>,
): Promise<boolean> {
  const holder = await readHolder(path);
  if (holder === null) return false;
  if (holder !== undefined && processes.isAlive(holder)) return false;
  await rm(path, { force: true });
  return true;
}

/** Takes the lock for `processes.pid`, unless a live process holds it. */
export async function acquireLock(
  path: string,
  processes: Pick<ProcessControl, 'isAlive' | 'pid'>,
): Promise<LockResult> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${processes.pid}\n`);
      await handle.close();
      return {
        acquired: true,
        release: async () => {
          // Only remove the lock if it is still ours; a stale-lock cleanup may have replaced it.
          if ((await readHolder(path)) === processes.pid) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!(await removeStaleLock(path, processes))) break;
  }
  const holder = await readHolder(path);
  return { acquired: false, holder: holder ?? 0 };
}
