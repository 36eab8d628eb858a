/**
 * The dashboard's browser script, inlined into the page. Plain ES2020 run as-is by the browser (no
 * build step), so it is kept as text: no backticks, and no `${` but the poll interval. Every value from the server
 * reaches the DOM as text (createElement / textContent), never as parsed HTML.
 */
export const DASHBOARD_POLL_MS = 2000;

export const DASHBOARD_SCRIPT = `
'use strict';
(() => {
  const POLL_MS = ${DASHBOARD_POLL_MS};
  const ROUTES = {
    status: '/spot-instances',
    state: '/_local/state',
    executions: '/_local/executions',
    provisioning: '/spot-provisioning',
    interrupt: '/_local/interrupt',
    capacity: '/_local/capacity',
    market: '/_local/market',
  };
  const STATUS_CLASSES = new Set(['DISABLED', 'PROVISIONING', 'RUNNING', 'FAILING_OVER', 'NOT_AVAILABLE',
    'TEARING_DOWN', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

  const byId = (id) => document.getElementById(id);

  /**
   * Replaces a node's children. Nested arrays are flattened and null / undefined / false skipped;
   * anything that is not a node is inserted as text.
   */
  function fill(node, ...children) {
    node.replaceChildren(...children.flat(Infinity)
      .filter((child) => child !== undefined && child !== null && child !== false)
      .map((child) => (child instanceof Node ? child : String(child))));
    return node;
  }

  /** An element with attributes and children (see fill). */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'data') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    return fill(node, ...children);
  }

  const badge = (text, kind) => h('span', { class: 'badge ' + (kind || (STATUS_CLASSES.has(text) ? text : '')) }, text);
  const muted = (text) => h('span', { class: 'muted' }, text);
  const errorText = (err) => (err && err.message ? err.message : String(err));

  function clockTime(iso) {
    if (!iso) return '–';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().slice(11, 19);
  }
  const timeCell = (iso) => h('span', { class: 'mono', title: iso || '' }, clockTime(iso));

  function duration(ms) {
    if (!(ms >= 0)) return '–';
    // Tenths under ten seconds: state transitions are that close together.
    if (ms < 10000) return (Math.round(ms / 100) / 10) + ' s';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }

  function emptyRow(columns, text) {
    return h('tr', null, h('td', { colspan: columns, class: 'muted' }, text));
  }

  // Simulated "now" as LocalCloud last reported it: remaining exclusion times and running durations use it.
  let simNow = Date.now();
  let lastApi = null;

  // ---- overview: GET /spot-instances ----
  function renderApi(api) {
    const status = byId('status');
    status.textContent = api.status;
    status.className = 'badge big ' + (STATUS_CLASSES.has(api.status) ? api.status : '');
    byId('provisioning').textContent = api.provisioning;
    byId('region').textContent = api.region || 'none';
    fill(byId('updated'), timeCell(api.updated_at));

    const instances = api.instances || [];
    fill(byId('instances-body'), ...(instances.length
      ? instances.map((i) => h('tr', { data: { instance: i.instance_id } },
        h('td', null, h('code', null, i.instance_id)), h('td', null, i.instance_type),
        h('td', null, i.availability_zone), h('td', null, i.lifecycle),
        h('td', { class: 'mono' }, i.public_ip || '–'), h('td', { class: 'mono' }, i.private_ip || '–'),
        h('td', null, timeCell(i.launch_time))))
      : [emptyRow(7, 'No instance running.')]));

    const excluded = api.excluded_regions || [];
    fill(byId('excluded-body'), ...(excluded.length
      ? excluded.map((e) => h('tr', { data: { region: e.region } },
        h('td', null, h('strong', null, e.region)), h('td', null, e.reason), h('td', null, timeCell(e.until)),
        h('td', null, duration(Date.parse(e.until) - simNow))))
      : [emptyRow(4, 'No region is excluded.')]));
  }

  // ---- regions: GET /_local/state, rows kept across polls so typed market values and focus survive ----
  const regionRows = new Map();

  function regionRow(region) {
    const existing = regionRows.get(region);
    if (existing) return existing;
    const cells = {};
    const tr = h('tr', { data: { region } });
    for (const name of ['region', 'score', 'price', 'capacity', 'desired', 'instances', 'tasks', 'actions']) {
      cells[name] = h('td', ['score', 'price', 'desired'].includes(name) ? { class: 'num' } : null);
      tr.append(cells[name]);
    }
    const row = { tr, cells, available: true };
    const interrupt = h('button', { type: 'button', class: 'danger',
      title: 'Send an EC2 Spot Instance Interruption Warning to the instances in ' + region }, 'Interrupt');
    interrupt.addEventListener('click', () => send(ROUTES.interrupt, { region }, 'Interrupt ' + region, interrupt));
    const capacity = h('button', { type: 'button' }, 'Exhaust capacity');
    capacity.addEventListener('click', () =>
      send(ROUTES.capacity, { region, available: !row.available },
        (row.available ? 'Exhaust' : 'Restore') + ' capacity in ' + region, capacity));
    const score = h('input', { type: 'number', min: 1, max: 10, step: 1, 'aria-label': 'placement score for ' + region });
    const price = h('input', { type: 'number', min: 0, step: 0.0001, 'aria-label': 'Spot price for ' + region });
    const setMarket = h('button', { type: 'button' }, 'Set market');
    setMarket.addEventListener('click', async () => {
      const body = { region };
      if (score.value !== '') body.placement_score = Number(score.value);
      if (price.value !== '') body.spot_price = Number(price.value);
      if (await send(ROUTES.market, body, 'Set market in ' + region, setMarket)) {
        score.value = '';
        price.value = '';
      }
    });
    cells.actions.append(h('div', { class: 'actions' }, interrupt, capacity,
      h('span', { class: 'market' }, score, price, setMarket)));
    Object.assign(row, { capacity, score, price });
    regionRows.set(region, row);
    return row;
  }

  function renderRegions(state) {
    const body = byId('regions-body');
    const current = lastApi ? lastApi.region : null;
    const excluded = new Set(((lastApi && lastApi.excluded_regions) || []).map((e) => e.region));
    const seen = new Set();
    state.regions.forEach((r, index) => {
      seen.add(r.region);
      const row = regionRow(r.region);
      // Moving a row that holds the focused input would blur it, so only rows out of place move.
      if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] || null);
      const c = row.cells;
      row.tr.className = r.region === current ? 'current' : excluded.has(r.region) ? 'excluded' : '';
      fill(c.region, h('strong', null, r.region), ' ', muted(r.role),
        r.region === current ? [' ', badge('current', 'ok')] : null,
        excluded.has(r.region) ? [' ', badge('excluded', 'bad')] : null);
      c.score.textContent = String(r.placement_score);
      c.price.textContent = '$' + Number(r.spot_price).toFixed(4);
      fill(c.capacity, r.capacity_available ? badge('available', 'ok') : badge('exhausted', 'bad'));
      c.desired.textContent = r.asg_desired === null || r.asg_desired === undefined ? '–' : String(r.asg_desired);
      fill(c.instances, ...(r.instances.length
        ? r.instances.map((i) => h('div', { class: 'item' }, h('code', null, i.instance_id), ' ', i.state, ' ',
          muted(i.lifecycle),
          i.interruption_warning_at ? [' ', badge('⚠ interruption ' + clockTime(i.interruption_warning_at), 'warn')] : null))
        : [muted('–')]));
      fill(c.tasks, ...(r.ecs_tasks.length
        ? r.ecs_tasks.map((t) => h('div', { class: 'item', title: t.task_arn }, t.last_status, ' · ',
          t.health_status === 'HEALTHY' ? badge(t.health_status, 'ok') : t.health_status))
        : [muted('–')]));
      row.available = Boolean(r.capacity_available);
      row.capacity.textContent = row.available ? 'Exhaust capacity' : 'Restore capacity';
      row.score.placeholder = 'score ' + r.placement_score;
      row.price.placeholder = '$ ' + Number(r.spot_price).toFixed(4);
    });
    for (const [region, row] of regionRows) {
      if (!seen.has(region)) {
        row.tr.remove();
        regionRows.delete(region);
      }
    }
  }

  function renderState(state) {
    simNow = Date.parse(state.now) || Date.now();
    byId('now').textContent = clockTime(state.now);
    byId('now').title = state.now;
    const missing = state.missing || [];
    byId('missing').hidden = missing.length === 0;
    byId('missing').textContent = 'Not wired yet (files missing): ' + missing.join(', ');
    renderRegions(state);
    if (byId('raw').open) {
      byId('raw-json').textContent = JSON.stringify({ ssm_parameters: state.ssm_parameters, rules: state.rules }, null, 2);
    }
  }

  // ---- run history: GET /_local/executions ----
  let executions = [];
  let selectedArn = null;
  let renderedEventsKey = '';
  const isFailure = (event) => /(Failed|TimedOut|Aborted)$/.test(event.type);

  function executionRow(e) {
    const tr = h('tr', { tabindex: 0, data: { arn: e.execution_arn }, class: e.execution_arn === selectedArn ? 'selected' : '',
      'aria-selected': e.execution_arn === selectedArn ? 'true' : 'false' },
      h('td', null, badge(e.status)), h('td', null, h('strong', null, e.machine)), h('td', null, e.region),
      h('td', { class: 'mono', title: e.execution_arn }, e.name), h('td', null, timeCell(e.start)),
      h('td', null, e.stop ? timeCell(e.stop) : muted('–')),
      h('td', { class: 'num' }, duration((e.stop ? Date.parse(e.stop) : simNow) - Date.parse(e.start))),
      h('td', { class: 'cause' }, e.error ? [h('strong', null, e.error), e.cause ? ': ' + e.cause : ''] : ''));
    tr.addEventListener('click', () => select(e.execution_arn));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(e.execution_arn);
      }
    });
    return tr;
  }

  function renderExecutions() {
    const filter = byId('exec-filter').value.trim().toLowerCase();
    const shown = executions.slice().reverse().filter((e) => !filter ||
      [e.machine, e.region, e.status, e.name].join(' ').toLowerCase().includes(filter));
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.arn : undefined;
    const body = byId('executions-body');
    fill(body, ...(shown.length ? shown.map(executionRow)
      : [emptyRow(8, executions.length ? 'No execution matches the filter.' : 'No execution yet: press Enable.')]));
    byId('exec-count').textContent = shown.length + ' of ' + executions.length + ' execution(s), newest first';
    if (focused) {
      for (const tr of body.children) if (tr.dataset.arn === focused) tr.focus();
    }
    renderEvents(false);
  }

  function select(arn) {
    selectedArn = arn;
    for (const tr of byId('executions-body').children) {
      const chosen = tr.dataset.arn === arn;
      tr.classList.toggle('selected', chosen);
      tr.setAttribute('aria-selected', chosen ? 'true' : 'false');
    }
    renderEvents(true);
    byId('events-panel').scrollIntoView({ block: 'nearest' });
  }

  function renderEvents(force) {
    const panel = byId('events-panel');
    const e = executions.find((x) => x.execution_arn === selectedArn);
    if (!e) {
      panel.hidden = true;
      renderedEventsKey = '';
      return;
    }
    const key = e.execution_arn + '|' + e.status + '|' + e.events.length;
    if (!force && key === renderedEventsKey) return;
    renderedEventsKey = key;
    panel.hidden = false;
    byId('events-title').textContent = 'Events: ' + e.machine + ' · ' + e.name;
    fill(byId('events-meta'), badge(e.status), ' in ', h('strong', null, e.region), ' · started ',
      timeCell(e.start), e.stop ? [' · stopped ', timeCell(e.stop)] : null, ' · ', h('code', null, e.execution_arn),
      e.error ? [h('br'), h('strong', null, e.error), e.cause ? ': ' + e.cause : ''] : null);
    const failed = e.events.filter(isFailure);
    const failedStates = [...new Set(failed.map((ev) => ev.state).filter(Boolean))];
    byId('events-failed').hidden = failed.length === 0;
    byId('events-failed').textContent = failed.length
      ? failed.length + ' failure event(s)' + (failedStates.length ? ' in: ' + failedStates.join(', ') : '') : '';
    const start = Date.parse(e.start);
    fill(byId('events-body'), ...(e.events.length
      ? e.events.map((ev) => h('tr', { class: isFailure(ev) ? 'failed' : '', data: { type: ev.type } },
        h('td', { class: 'num' }, ev.id), h('td', null, ev.type), h('td', null, ev.state || ''),
        h('td', { class: 'num' }, '+' + duration(Date.parse(ev.timestamp) - start)), h('td', null, timeCell(ev.timestamp)),
        h('td', { class: 'cause' }, ev.error ? [h('strong', null, ev.error), ev.cause ? ': ' + ev.cause : ''] : '')))
      : [emptyRow(6, 'No event recorded.')]));
  }

  // ---- polling ----
  async function getJson(path) {
    const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(path + ' answered HTTP ' + res.status);
    return res.json();
  }

  async function load() {
    const [api, state, runs] = await Promise.allSettled([getJson(ROUTES.status), getJson(ROUTES.state),
      getJson(ROUTES.executions)]);
    const problems = [];
    const apply = (result, path, render) => {
      if (result.status === 'rejected') return problems.push(errorText(result.reason));
      try {
        render(result.value);
      } catch (err) {
        problems.push(path + ' answered an unexpected body (' + errorText(err) + ')');
      }
    };
    apply(api, ROUTES.status, (value) => {
      renderApi(value);
      lastApi = value;
    });
    apply(state, ROUTES.state, renderState);
    apply(runs, ROUTES.executions, (value) => {
      executions = value.executions;
      renderExecutions();
    });
    const connection = byId('connection');
    connection.className = problems.length ? 'badge bad' : 'muted';
    connection.textContent = problems.length ? 'Cannot refresh: ' + problems.join('; ') : 'live, every ' + POLL_MS / 1000 + ' s';
  }

  let loading = null;
  let again = false;
  /** One refresh at a time; a request for another while one runs makes one more run after it. */
  function refresh() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = load().finally(() => {
      loading = null;
      if (again) {
        again = false;
        refresh();
      }
    });
    return loading;
  }

  // ---- controls: the POST routes; a non-2xx answer shows the server's message and field errors ----
  function showMessage(kind, text, errors) {
    const box = byId('message');
    box.className = kind;
    const extra = (errors || []).filter((e) => typeof e === 'string' && !text.includes(e));
    fill(box, text, extra.length ? h('ul', null, extra.map((e) => h('li', null, e))) : null);
  }

  async function send(path, body, label, button) {
    if (button) button.disabled = true;
    showMessage('pending', label + ' …');
    let ok = false;
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body) });
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      const message = json && typeof json.message === 'string' ? json.message : text || res.statusText;
      ok = res.ok;
      if (ok) showMessage('ok', label + ': ' + message);
      else showMessage('error', label + ' failed (HTTP ' + res.status + '): ' + message,
        json && Array.isArray(json.errors) ? json.errors : []);
    } catch (err) {
      showMessage('error', label + ' failed: ' + errorText(err));
    } finally {
      if (button) button.disabled = false;
    }
    refresh();
    return ok;
  }

  byId('enable').addEventListener('click', (event) =>
    send(ROUTES.provisioning, { action: 'enable' }, 'Enable', event.currentTarget));
  byId('disable').addEventListener('click', (event) =>
    send(ROUTES.provisioning, { action: 'disable', teardown: false }, 'Disable', event.currentTarget));
  byId('teardown').addEventListener('click', (event) =>
    send(ROUTES.provisioning, { action: 'disable', teardown: true }, 'Disable + teardown', event.currentTarget));
  byId('exec-filter').addEventListener('input', renderExecutions);
  byId('raw').addEventListener('toggle', () => refresh());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });

  refresh();
  setInterval(() => {
    if (!document.hidden) refresh();
  }, POLL_MS);
})();
`;
