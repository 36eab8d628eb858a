/** The provisioning card: `GET /spot-instances`. */
import { byId, emptyRow, fill, h, statusClass } from './dom.ts';
import { duration } from './format.ts';
import type { Status } from './types.ts';
import { timeCell } from './widgets.ts';

export function renderStatus(api: Status, simNow: number): void {
  const status = byId('status');
  status.textContent = api.status;
  status.className = `badge big ${statusClass(api.status)}`;
  byId('provisioning').textContent = api.provisioning;
  byId('region').textContent = api.region || 'none';
  fill(byId('updated'), timeCell(api.updated_at));

  const instances = api.instances ?? [];
  fill(
    byId('instances-body'),
    instances.length
      ? instances.map((i) =>
          h(
            'tr',
            { data: { instance: i.instance_id } },
            h('td', null, h('code', null, i.instance_id)),
            h('td', null, i.instance_type),
            h('td', null, i.availability_zone),
            h('td', null, i.lifecycle),
            h('td', { class: 'mono' }, i.public_ip || '–'),
            h('td', { class: 'mono' }, i.private_ip || '–'),
            h('td', null, timeCell(i.launch_time)),
          ),
        )
      : emptyRow(7, 'No instance running.'),
  );

  const excluded = api.excluded_regions ?? [];
  fill(
    byId('excluded-body'),
    excluded.length
      ? excluded.map((e) =>
          h(
            'tr',
            { data: { region: e.region } },
            h('td', null, h('strong', null, e.region)),
            h('td', null, e.reason),
            h('td', null, timeCell(e.until)),
            h('td', null, duration(Date.parse(e.until) - simNow)),
          ),
        )
      : emptyRow(4, 'No region is excluded.'),
  );
}
