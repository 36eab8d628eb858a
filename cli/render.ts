/** The human summary of a `GET /spot-instances` document (pure: the time is given). */
import { dateTime, duration } from '../core/display.ts';
import { regionsOf, replicaSummary, type StatusView } from '../core/status-view.ts';

const ago = (iso: string, now: number) => {
  const ms = now - Date.parse(iso);
  return Number.isNaN(ms) ? '' : ms >= 0 ? ` (${duration(ms)} ago)` : '';
};

const left = (iso: string, now: number) => {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '';
  return ms > 0 ? ` (${duration(ms)} left)` : ' (expired)';
};

/** Aligned `label  value` lines. */
const table = (rows: readonly (readonly string[])[]) => {
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
};

/**
 * The summary the `status` command prints: status, endpoint, replicas, regions, instances, exclusions with
 * the time left, the last move with its reason. Fields a server does not send are left out.
 *
 * @param now the server's time (ms), so time left is counted on its clock (the local server's is simulated).
 */
export function renderStatus(status: StatusView, now: number): string {
  const lines: string[] = [];
  const head: string[][] = [['status', `${status.status} (provisioning ${status.provisioning})`]];
  if (status.endpoint !== undefined) head.push(['endpoint', status.endpoint ?? 'none']);
  const replicas = replicaSummary(status);
  if (replicas) {
    head.push([
      'replicas',
      `${replicas.ready}/${replicas.target} ready${replicas.spare > 0 ? ` (+${replicas.spare} spare)` : ''}`,
    ]);
  }
  const regions = regionsOf(status);
  head.push(['regions', regions.length > 0 ? regions.join(', ') : 'none']);
  head.push(['instances', String(status.instances.length)]);
  lines.push(...table(head));
  if (status.instances.length > 0) {
    lines.push(
      ...table(
        status.instances.map((i) => [
          `  ${i.instance_id}`,
          i.region ?? status.region ?? '',
          i.instance_type ?? '',
          i.availability_zone ?? '',
          i.lifecycle ?? '',
          i.ready === undefined ? '' : i.ready ? 'ready' : 'not ready',
          i.public_ip ?? '–',
          i.launch_time ? `since ${dateTime(i.launch_time)}` : '',
        ]),
      ).map((line) => line.trimEnd()),
    );
  }
  if (status.excluded_regions.length === 0) lines.push('excluded   none');
  else {
    lines.push('excluded');
    lines.push(
      ...table(
        status.excluded_regions.map((e) => [
          `  ${e.region}`,
          e.reason,
          `until ${dateTime(e.until)}${left(e.until, now)}`,
        ]),
      ),
    );
  }
  const move = status.last_move;
  if (move !== undefined) {
    lines.push(
      move
        ? `last move  ${move.from ?? 'nowhere'} -> ${move.to ?? 'nowhere'}: ${move.reason}, ${dateTime(move.at)}${ago(move.at, now)}`
        : 'last move  none yet',
    );
  }
  if (status.updated_at)
    lines.push(`updated    ${dateTime(status.updated_at)}${ago(status.updated_at, now)}`);
  return lines.join('\n');
}

/** One progress line of a wait: elapsed time, status, and where the capacity is. */
export function progressLine(status: StatusView, elapsedMs: number): string {
  const regions = regionsOf(status);
  const replicas = replicaSummary(status);
  const where =
    status.instances.length === 0
      ? 'no instance'
      : `${status.instances.length} instance(s) in ${regions.join(', ') || status.region || '?'}`;
  return `  +${duration(elapsedMs).padEnd(11)} ${status.status.padEnd(13)} ${where}${
    replicas ? `, ${replicas.ready}/${replicas.target} ready` : ''
  }`;
}
