/** Pure formatting of times, durations and errors (unit-tested in Node, used by the page). */

/** `HH:MM:SS` of an ISO time (UTC), `–` when missing, the input itself when unreadable. */
export function clockTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().slice(11, 19);
}

/** A human duration: tenths of a second under ten seconds (state transitions are that close together). */
export function duration(ms: number): string {
  if (!(ms >= 0)) return '–';
  if (ms < 10000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const errorText = (err: unknown) =>
  err && typeof err === 'object' && 'message' in err ? String((err as Error).message) : String(err);
