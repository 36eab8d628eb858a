/**
 * The dashboard's browser entry (bundled by esbuild when the server builds the page): polls the API and the
 * local routes, renders each card, and wires the controls.
 */
import { dateTime } from '../../core/display.ts';
import { chartsCard } from './charts.ts';
import { DASHBOARD_POLL_MS, ROUTES } from './config.ts';
import { makeSend } from './controls.ts';
import { renderCost } from './cost.ts';
import { byId, errorText } from './dom.ts';
import { NotFound } from './errors.ts';
import { historyCard } from './history.ts';
import { renderStatus } from './overview.ts';
import { regionsCard } from './regions.ts';
import type { ExecutionView, HistoryView, LocalState, StatusView } from './types.ts';

// Simulated "now" as LocalCloud last reported it: remaining exclusion times and running durations use it.
let simNow = Date.now();
let lastState: LocalState | null = null;
let lastHistory: HistoryView | null = null;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (res.status === 404) throw new NotFound(`${path} answered HTTP 404`);
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

const history = historyCard();
const charts = chartsCard();
let renderRegions: ReturnType<typeof regionsCard>;

function renderState(state: LocalState, api: StatusView | null): void {
  const now = byId('now');
  now.textContent = dateTime(state.now);
  now.title = state.now;
  const missing = state.missing ?? [];
  const missingBadge = byId('missing');
  missingBadge.hidden = missing.length === 0;
  missingBadge.textContent = `Not wired yet (files missing): ${missing.join(', ')}`;
  if (!Array.isArray(state.regions)) throw new Error('regions is not a list');
  renderRegions(state.regions, api);
  if (byId<HTMLDetailsElement>('raw').open) {
    byId('raw-json').textContent = JSON.stringify(
      { ssm_parameters: state.ssm_parameters, rules: state.rules },
      null,
      2,
    );
  }
}

async function load(): Promise<void> {
  const [api, state, runs, past] = await Promise.allSettled([
    getJson<StatusView>(ROUTES.status),
    getJson<LocalState>(ROUTES.state),
    getJson<{ executions: ExecutionView[] }>(ROUTES.executions),
    getJson<HistoryView>(ROUTES.history),
  ]);
  // The simulated "now" first: remaining and elapsed times count from it, not from this browser's clock.
  if (state.status === 'fulfilled') simNow = Date.parse(state.value.now) || simNow;
  history.setNow(simNow);
  const problems: string[] = [];
  const apply = <T>(result: PromiseSettledResult<T>, path: string, render: (value: T) => void) => {
    if (result.status === 'rejected') {
      problems.push(errorText(result.reason));
      return;
    }
    try {
      render(result.value);
    } catch (err) {
      problems.push(`${path} answered an unexpected body (${errorText(err)})`);
    }
  };
  // A server without the history route (an older one) is not a problem: the cost and charts say so.
  if (past.status === 'rejected' && past.reason instanceof NotFound) lastHistory = null;
  else
    apply(past, ROUTES.history, (value) => {
      lastHistory = value;
    });
  const apiValue = api.status === 'fulfilled' ? api.value : null;
  apply(state, ROUTES.state, (value) => {
    renderState(value, apiValue);
    lastState = value;
  });
  apply(api, ROUTES.status, (value) => renderStatus(value, lastState, lastHistory?.moves ?? [], simNow));
  apply(runs, ROUTES.executions, (value) => history.update(value.executions, simNow));
  renderCost(lastHistory);
  charts.render(lastHistory);
  const connection = byId('connection');
  connection.className = problems.length ? 'badge bad' : 'muted';
  connection.textContent = problems.length
    ? `Cannot refresh: ${problems.join('; ')}`
    : `live, every ${DASHBOARD_POLL_MS / 1000} s`;
}

let loading: Promise<void> | null = null;
let again = false;
/** One refresh at a time; a request for another while one runs makes one more run after it. */
function refresh(): Promise<void> {
  if (loading) {
    again = true;
    return loading;
  }
  loading = load().finally(() => {
    loading = null;
    if (again) {
      again = false;
      void refresh();
    }
  });
  return loading;
}

const send = makeSend(refresh);
renderRegions = regionsCard(send);

const button = (id: string) => byId<HTMLButtonElement>(id);
button('enable').addEventListener('click', () =>
  send(ROUTES.provisioning, { action: 'enable' }, 'Enable', button('enable')),
);
button('disable').addEventListener('click', () =>
  send(ROUTES.provisioning, { action: 'disable', teardown: false }, 'Disable', button('disable')),
);
button('teardown').addEventListener('click', () =>
  send(ROUTES.provisioning, { action: 'disable', teardown: true }, 'Disable + teardown', button('teardown')),
);
byId('exec-filter').addEventListener('input', () => history.render());
byId('raw').addEventListener('toggle', () => void refresh());
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh();
});
new ResizeObserver(() => charts.resize()).observe(byId('charts'));

void refresh();
setInterval(() => {
  if (!document.hidden) void refresh();
}, DASHBOARD_POLL_MS);
