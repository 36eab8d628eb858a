/** The cost card: what the instances cost so far and what the same hours would have cost on demand. */
import { dollars } from '../../core/display.ts';
import { byId, fill, h, muted } from './dom.ts';
import type { HistoryView } from './types.ts';
import { timeCell } from './widgets.ts';

export function renderCost(history: HistoryView | null): void {
  const body = byId('cost-body');
  if (!history) {
    fill(body, muted('No history from this server (GET /_local/history).'));
    return;
  }
  const c = history.cost;
  const saved = c.on_demand_usd - c.usd;
  const share = c.on_demand_usd > 0 ? (saved / c.on_demand_usd) * 100 : 0;
  fill(
    body,
    h(
      'dl',
      { class: 'figures' },
      h('dt', null, 'Spent so far'),
      h('dd', { id: 'cost-usd' }, dollars(c.usd)),
      h('dt', null, 'On demand it would be'),
      h('dd', { id: 'cost-on-demand' }, dollars(c.on_demand_usd)),
      h('dt', null, 'Saved'),
      h(
        'dd',
        { id: 'cost-saved', class: saved > 0 ? 'good' : '' },
        `${dollars(saved)} (${share.toFixed(1)} %)`,
      ),
      h('dt', null, 'Now'),
      h('dd', { id: 'cost-rate' }, `${dollars(c.usd_per_hour)}/h`),
      h('dt', null, 'Instance-hours'),
      h('dd', null, c.instance_hours.toFixed(2)),
      h('dt', null, 'Since'),
      h('dd', null, c.since ? timeCell(c.since) : muted('nothing has run yet')),
    ),
  );
}
