/** Where checkpoints live in S3: `<prefix>/<job_id>/YYYY/MM/DD/HHMMSSZ/`, UTC, so keys sort by time. */

export const METADATA_FILE = 'metadata.json';
/** A restore downloads into `<checkpoint_dir>/.restoring-<pid>/` first; uploads never include it. */
export const RESTORE_STAGING_PREFIX = '.restoring-';

/** `<prefix>/<job_id>/` (no leading slash; an empty prefix puts jobs at the top of the bucket). */
export function jobRoot(prefix: string, jobId: string): string {
  return prefix === '' ? `${jobId}/` : `${prefix}/${jobId}/`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The folder one checkpoint taken at `at` goes to. */
export function checkpointFolder(prefix: string, jobId: string, at: Date): string {
  const date = `${at.getUTCFullYear()}/${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())}`;
  const time = `${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}Z`;
  return `${jobRoot(prefix, jobId)}${date}/${time}/`;
}

const FOLDER = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})(\d{2})(\d{2})Z\/(.+)$/;

export interface FolderEntry {
  folder: string;
  /** When the checkpoint was taken, from the key itself (never from LastModified). */
  takenAt: Date;
  relativeKey: string;
}

/** Splits `key` into its checkpoint folder and the path inside it; undefined for keys outside the layout. */
export function parseCheckpointKey(root: string, key: string): FolderEntry | undefined {
  if (!key.startsWith(root)) return undefined;
  const match = FOLDER.exec(key.slice(root.length));
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const takenAt = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  if (Number.isNaN(takenAt.getTime()) || rest.split('/').some((part) => part === '' || part === '..')) {
    return undefined;
  }
  return { folder: `${root}${y}/${mo}/${d}/${h}${mi}${s}Z/`, takenAt, relativeKey: rest };
}

/**
 * The newest complete checkpoint among `keys`. A folder is complete once its metadata.json exists (it is
 * uploaded last), so a half-finished upload is never restored.
 */
export function latestCompleteFolder(
  root: string,
  keys: Iterable<string>,
): { folder: string; keys: string[] } | undefined {
  const folders = new Map<string, { takenAt: Date; keys: string[]; complete: boolean }>();
  for (const key of keys) {
    const entry = parseCheckpointKey(root, key);
    if (!entry) continue;
    const folder = folders.get(entry.folder) ?? { takenAt: entry.takenAt, keys: [], complete: false };
    folder.keys.push(key);
    if (entry.relativeKey === METADATA_FILE) folder.complete = true;
    folders.set(entry.folder, folder);
  }
  let best: [string, { takenAt: Date; keys: string[] }] | undefined;
  for (const [name, folder] of folders) {
    if (!folder.complete) continue;
    if (!best || folder.takenAt > best[1].takenAt) best = [name, folder];
  }
  return best && { folder: best[0], keys: best[1].keys.sort() };
}
