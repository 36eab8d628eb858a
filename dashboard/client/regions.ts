/** The regions card: `GET /_local/state`, rows kept across polls so typed market values and focus survive. */

import { timeOfDay } from '../../core/display.ts';
import { ROUTES } from './config.ts';
import type { Send } from './controls.ts';
import { badge, byId, fill, h, muted } from './dom.ts';
import type { RegionView, StatusView } from './types.ts';

const CELLS = ['region', 'score', 'price', 'capacity', 'desired', 'instances', 'tasks', 'actions'] as const;
type Cell = (typeof CELLS)[number];

interface Row {
  tr: HTMLTableRowElement;
  cells: Record<Cell, HTMLTableCellElement>;
  available: boolean;
  capacity: HTMLButtonElement;
  score: HTMLInputElement;
  price: HTMLInputElement;
}

export function regionsCard(send: Send) {
  const rows = new Map<string, Row>();

  function rowOf(region: string): Row {
    const existing = rows.get(region);
    if (existing) return existing;
    const tr = h('tr', { data: { region } });
    const cells = {} as Record<Cell, HTMLTableCellElement>;
    for (const name of CELLS) {
      cells[name] = h('td', ['score', 'price', 'desired'].includes(name) ? { class: 'num' } : null);
      tr.append(cells[name]);
    }
    const interrupt = h(
      'button',
      {
        type: 'button',
        class: 'danger',
        title: `Send an EC2 Spot Instance Interruption Warning to the instances in ${region}`,
      },
      'Interrupt',
    );
    const capacity = h('button', { type: 'button' }, 'Exhaust capacity');
    const score = h('input', {
      type: 'number',
      min: 1,
      max: 10,
      step: 1,
      'aria-label': `placement score for ${region}`,
    });
    const price = h('input', {
      type: 'number',
      min: 0,
      step: 0.0001,
      'aria-label': `Spot price for ${region}`,
    });
    const setMarket = h('button', { type: 'button' }, 'Set market');
    const row: Row = { tr, cells, available: true, capacity, score, price };
    interrupt.addEventListener('click', () =>
      send(ROUTES.interrupt, { region }, `Interrupt ${region}`, interrupt),
    );
    capacity.addEventListener('click', () =>
      send(
        ROUTES.capacity,
        { region, available: !row.available },
        `${row.available ? 'Exhaust' : 'Restore'} capacity in ${region}`,
        capacity,
      ),
    );
    setMarket.addEventListener('click', async () => {
      const body: Record<string, unknown> = { region };
      if (score.value !== '') body.placement_score = Number(score.value);
      if (price.value !== '') body.spot_price = Number(price.value);
      if (await send(ROUTES.market, body, `Set market in ${region}`, setMarket)) {
        score.value = '';
        price.value = '';
      }
    });
    cells.actions.append(
      h(
        'div',
        { class: 'actions' },
        interrupt,
        capacity,
        h('span', { class: 'market' }, score, price, setMarket),
      ),
    );
    rows.set(region, row);
    return row;
  }

  return function render(regions: readonly RegionView[], api: StatusView | null): void {
    const body = byId('regions-body');
    const current = api?.region ?? null;
    const excluded = new Set((api?.excluded_regions ?? []).map((e) => e.region));
    const seen = new Set<string>();
    regions.forEach((r, index) => {
      seen.add(r.region);
      const row = rowOf(r.region);
      // Moving a row that holds the focused input would blur it, so only rows out of place move.
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] ?? null);
      const c = row.cells;
      row.tr.className = r.region === current ? 'current' : excluded.has(r.region) ? 'excluded' : '';
      fill(
        c.region,
        h('strong', { class: 'region-name' }, r.region),
        ' ',
        muted(r.role),
        r.region === current ? [' ', badge('current', 'ok')] : null,
        excluded.has(r.region) ? [' ', badge('excluded', 'bad')] : null,
      );
      c.score.textContent = String(r.placement_score);
      c.price.textContent = `$${Number(r.spot_price).toFixed(4)}`;
      fill(c.capacity, r.capacity_available ? badge('available', 'ok') : badge('exhausted', 'bad'));
      c.desired.textContent =
        r.asg_desired === null || r.asg_desired === undefined ? '–' : String(r.asg_desired);
      fill(
        c.instances,
        r.instances.length
          ? r.instances.map((i) =>
              h(
                'div',
                { class: 'item' },
                h('code', null, i.instance_id),
                ' ',
                i.state,
                ' ',
                muted(i.lifecycle),
                i.interruption_warning_at
                  ? [' ', badge(`⚠ interruption ${timeOfDay(i.interruption_warning_at)}`, 'warn')]
                  : null,
              ),
            )
          : muted('–'),
      );
      fill(
        c.tasks,
        r.ecs_tasks.length
          ? r.ecs_tasks.map((t) =>
              h(
                'div',
                { class: 'item', title: t.task_arn },
                t.last_status,
                ' · ',
                t.health_status === 'HEALTHY' ? badge(t.health_status, 'ok') : t.health_status,
              ),
            )
          : muted('–'),
      );
      row.available = Boolean(r.capacity_available);
      row.capacity.textContent = row.available ? 'Exhaust capacity' : 'Restore capacity';
      row.score.placeholder = `score ${r.placement_score}`;
      row.price.placeholder = `$ ${Number(r.spot_price).toFixed(4)}`;
    });
    for (const [region, row] of rows) {
      if (!seen.has(region)) {
        row.tr.remove();
        rows.delete(region);
      }
    }
  };
}
