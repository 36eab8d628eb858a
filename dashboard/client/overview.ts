/** The provisioning card: `GET /spot-instances`, with the move under way and the last move's reason. */
import { dateTime, duration } from '../../core/display.ts';
import { regionsOf, replicaSummary } from '../../core/status-view.ts';
import { badge, byId, emptyRow, fill, fillIfChanged, h, muted, statusClass } from './dom.ts';
import type { LocalState, MoveRecord, StatusView } from './types.ts';
import { regionName, timeCell } from './widgets.ts';

/**
 * Where capacity is being moved to while the status is FAILING_OVER or PROVISIONING: regions the API lists
 * beyond its main `region`, else regions of the local state where the Auto Scaling group wants capacity or
 * instances run, outside the main region and the excluded ones.
 */
export function moveTargets(api: StatusView, state: LocalState | null): string[] {
  if (api.status !== 'FAILING_OVER' && api.status !== 'PROVISIONING') return [];
  const fromApi = regionsOf(api).filter((r) => r !== api.region);
  if (fromApi.length > 0) return fromApi;
  const excluded = new Set(api.excluded_regions.map((e) => e.region));
  return (state?.regions ?? [])
    .filter((r) => r.region !== api.region && !excluded.has(r.region))
    .filter(
      (r) =>
        (r.asg_desired ?? 0) > 0 || r.instances.some((i) => i.state === 'pending' || i.state === 'running'),
    )
    .map((r) => r.region);
}

/** The API's `last_move` when it sends one, else the newest move the local history observed. */
export function lastMove(api: StatusView, moves: readonly MoveRecord[]): MoveRecord | null {
  if (api.last_move) return { ...api.last_move, source: 'api' };
  return moves.at(-1) ?? null;
}

export function renderStatus(
  api: StatusView,
  state: LocalState | null,
  moves: readonly MoveRecord[],
  simNow: number,
): void {
  const status = byId('status');
  status.textContent = api.status;
  status.className = `badge big ${statusClass(api.status)}`;
  byId('provisioning').textContent = api.provisioning;
  const regions = regionsOf(api);
  fill(byId('region'), regions.length ? regions.map((r, i) => [i ? ', ' : '', regionName(r)]) : 'none');
  const replicas = replicaSummary(api);
  byId('replicas-row').hidden = !replicas;
  if (replicas) {
    byId('replicas').textContent =
      `${replicas.ready}/${replicas.target} ready${replicas.spare ? ` (+${replicas.spare} spare)` : ''}`;
  }
  byId('endpoint-row').hidden = api.endpoint === undefined;
  fill(byId('endpoint'), api.endpoint ? h('code', null, api.endpoint) : 'none (no endpoint configured)');
  fill(byId('updated'), timeCell(api.updated_at));

  const targets = moveTargets(api, state);
  const moving = byId('moving');
  moving.hidden = api.status !== 'FAILING_OVER' && api.status !== 'PROVISIONING';
  fill(
    moving,
    api.status === 'FAILING_OVER' ? 'Moving to ' : 'Launching in ',
    targets.length
      ? targets.map((r, i) => [i ? ', ' : '', h('strong', null, regionName(r))])
      : muted('a region still being chosen'),
    api.region && api.status === 'FAILING_OVER' ? [' from ', regionName(api.region)] : null,
  );

  const move = lastMove(api, moves);
  fill(
    byId('last-move'),
    move
      ? [
          h('strong', null, `${move.from ?? 'nowhere'} → ${move.to ?? 'nowhere'}`),
          ': ',
          h('span', { class: 'reason' }, move.reason),
          ' · ',
          timeCell(move.at),
          ` (${duration(simNow - Date.parse(move.at))} ago)`,
          move.source === 'observed' ? [' ', muted('observed')] : null,
        ]
      : muted('none yet'),
  );

  const instances = api.instances ?? [];
  fillIfChanged(byId('instances-body'), JSON.stringify([instances, api.region]), () => [
    instances.length
      ? instances.map((i) =>
          h(
            'tr',
            { data: { instance: i.instance_id } },
            h('td', null, h('code', null, i.instance_id)),
            h('td', null, regionName(i.region ?? api.region ?? '–')),
            h('td', null, i.instance_type),
            h('td', null, i.availability_zone),
            h('td', null, i.lifecycle),
            h(
              'td',
              null,
              i.ready === undefined ? '–' : i.ready ? badge('ready', 'ok') : badge('starting', 'warn'),
            ),
            h('td', { class: 'mono' }, i.public_ip || '–'),
            h('td', null, timeCell(i.launch_time)),
          ),
        )
      : emptyRow(8, 'No instance running.'),
  ]);

  const excluded = api.excluded_regions ?? [];
  // Keyed by the time left in whole seconds too: the column counts down.
  const left = excluded.map((e) => Math.round((Date.parse(e.until) - simNow) / 1000));
  fillIfChanged(byId('excluded-body'), JSON.stringify([excluded, left]), () => [
    excluded.length
      ? excluded.map((e) =>
          h(
            'tr',
            { data: { region: e.region } },
            h('td', null, h('strong', null, regionName(e.region))),
            h('td', { class: 'reason' }, e.reason),
            h('td', null, timeCell(e.until)),
            h('td', null, duration(Date.parse(e.until) - simNow)),
          ),
        )
      : emptyRow(4, 'No region is excluded.'),
  ]);
  byId('now').title = dateTime(simNow);
}
