/** The run history card: `GET /_local/executions`, a filterable list and the events of the selected one. */

import { duration } from '../../core/display.ts';
import { badge, byId, emptyRow, fill, h, muted } from './dom.ts';
import type { ExecutionView, HistoryEventView } from './types.ts';
import { regionName, timeCell } from './widgets.ts';

const isFailure = (event: HistoryEventView) => /(Failed|TimedOut|Aborted)$/.test(event.type);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `spotplane-launch-instance` -> `launch instance` (the deployment's prefix is the same on every row). */
export function machineLabel(machine: string): string {
  const known = ['orchestrator', 'launch-instance', 'teardown-instance', 'capacity-monitor'];
  const found = known.find((k) => machine.endsWith(`-${k}`) || machine === k);
  return (found ?? machine).replace(/-/g, ' ');
}

/** A name people can tell apart: a generated UUID shows as its first eight characters; a chosen name as it is. */
export function executionLabel(name: string): string {
  return UUID.test(name) ? `#${name.slice(0, 8)}` : name;
}

export function historyCard() {
  let executions: ExecutionView[] = [];
  let selectedArn: string | null = null;
  let renderedEventsKey = '';
  let simNow = Date.now();

  function row(e: ExecutionView): HTMLTableRowElement {
    const selected = e.execution_arn === selectedArn;
    const tr = h(
      'tr',
      {
        tabindex: 0,
        data: { arn: e.execution_arn },
        class: selected ? 'selected' : '',
        'aria-selected': selected ? 'true' : 'false',
      },
      h('td', null, badge(e.status)),
      h('td', { title: e.machine }, h('strong', null, machineLabel(e.machine))),
      h('td', null, regionName(e.region)),
      h('td', { class: 'mono name', title: e.execution_arn }, executionLabel(e.name)),
      h('td', null, timeCell(e.start)),
      h('td', null, e.stop ? timeCell(e.stop) : muted('–')),
      h('td', { class: 'num' }, duration((e.stop ? Date.parse(e.stop) : simNow) - Date.parse(e.start))),
      h('td', { class: 'cause' }, e.error ? [h('strong', null, e.error), e.cause ? `: ${e.cause}` : ''] : ''),
    );
    tr.addEventListener('click', () => select(e.execution_arn));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(e.execution_arn);
      }
    });
    return tr;
  }

  function render(): void {
    const filter = byId<HTMLInputElement>('exec-filter').value.trim().toLowerCase();
    const shown = executions
      .slice()
      .reverse()
      .filter(
        (e) => !filter || [e.machine, e.region, e.status, e.name].join(' ').toLowerCase().includes(filter),
      );
    const active = document.activeElement;
    const focused = active instanceof HTMLElement ? active.dataset.arn : undefined;
    const body = byId('executions-body');
    fill(
      body,
      shown.length
        ? shown.map(row)
        : emptyRow(
            8,
            executions.length ? 'No execution matches the filter.' : 'No execution yet: press Enable.',
          ),
    );
    byId('exec-count').textContent = `${shown.length} of ${executions.length} execution(s), newest first`;
    if (focused) {
      for (const tr of body.children) if (tr instanceof HTMLElement && tr.dataset.arn === focused) tr.focus();
    }
    renderEvents(false);
  }

  function select(arn: string): void {
    selectedArn = arn;
    for (const tr of byId('executions-body').children) {
      if (!(tr instanceof HTMLElement)) continue;
      const chosen = tr.dataset.arn === arn;
      tr.classList.toggle('selected', chosen);
      tr.setAttribute('aria-selected', chosen ? 'true' : 'false');
    }
    renderEvents(true);
    byId('events-panel').scrollIntoView({ block: 'nearest' });
  }

  function renderEvents(force: boolean): void {
    const panel = byId('events-panel');
    const e = executions.find((x) => x.execution_arn === selectedArn);
    if (!e) {
      panel.hidden = true;
      renderedEventsKey = '';
      return;
    }
    const key = `${e.execution_arn}|${e.status}|${e.events.length}`;
    if (!force && key === renderedEventsKey) return;
    renderedEventsKey = key;
    panel.hidden = false;
    byId('events-title').textContent = `Events: ${machineLabel(e.machine)} · ${executionLabel(e.name)}`;
    fill(
      byId('events-meta'),
      badge(e.status),
      ' in ',
      h('strong', null, e.region),
      ' · started ',
      timeCell(e.start),
      e.stop ? [' · stopped ', timeCell(e.stop)] : null,
      ' · ',
      h('code', null, e.execution_arn),
      e.error ? [h('br'), h('strong', null, e.error), e.cause ? `: ${e.cause}` : ''] : null,
    );
    const failed = e.events.filter(isFailure);
    const failedStates = [...new Set(failed.map((ev) => ev.state).filter(Boolean))];
    const failedBadge = byId('events-failed');
    failedBadge.hidden = failed.length === 0;
    failedBadge.textContent = failed.length
      ? `${failed.length} failure event(s)${failedStates.length ? ` in: ${failedStates.join(', ')}` : ''}`
      : '';
    const start = Date.parse(e.start);
    fill(
      byId('events-body'),
      e.events.length
        ? e.events.map((ev) =>
            h(
              'tr',
              { class: isFailure(ev) ? 'failed' : '', data: { type: ev.type } },
              h('td', { class: 'num' }, ev.id),
              h('td', null, ev.type),
              h('td', null, ev.state ?? ''),
              h('td', { class: 'num' }, `+${duration(Date.parse(ev.timestamp) - start)}`),
              h('td', null, timeCell(ev.timestamp)),
              h(
                'td',
                { class: 'cause' },
                ev.error ? [h('strong', null, ev.error), ev.cause ? `: ${ev.cause}` : ''] : '',
              ),
            ),
          )
        : emptyRow(6, 'No event recorded.'),
    );
  }

  return {
    update(next: ExecutionView[], now: number): void {
      executions = next;
      simNow = now;
      render();
    },
    setNow(now: number): void {
      simNow = now;
    },
    render,
  };
}
