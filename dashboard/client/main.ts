/**
 * The dashboard's browser entry (bundled by esbuild when the server builds the page): polls the API and the
 * local routes, renders each card, and wires the controls.
 */
import { DASHBOARD_POLL_MS, ROUTES } from './config.ts';
import { makeSend } from './controls.ts';
import { byId } from './dom.ts';
import { clockTime, errorText } from './format.ts';
import { historyCard } from './history.ts';
import { renderStatus } from './overview.ts';
import { regionsCard } from './regions.ts';
import type { ExecutionView, LocalState, Status } from './types.ts';

// Simulated "now" as LocalCloud last reported it: remaining exclusion times and running durations use it.
let simNow = Date.now();
let lastApi: Status | null = null;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

const history = historyCard();
let renderRegions: ReturnType<typeof regionsCard>;

function renderState(state: LocalState): void {
  simNow = Date.parse(state.now) || Date.now();
  history.setNow(simNow);
  const now = byId('now');
  now.textContent = clockTime(state.now);
  now.title = state.now;
  const missing = state.missing ?? [];
  const missingBadge = byId('missing');
  missingBadge.hidden = missing.length === 0;
  missingBadge.textContent = `Not wired yet (files missing): ${missing.join(', ')}`;
  renderRegions(state.regions, lastApi);
  if (byId<HTMLDetailsElement>('raw').open) {
    byId('raw-json').textContent = JSON.stringify(
      { ssm_parameters: state.ssm_parameters, rules: state.rules },
      null,
      2,
    );
  }
}

async function load(): Promise<void> {
  const [api, state, runs] = await Promise.allSettled([
    getJson<Status>(ROUTES.status),
    getJson<LocalState>(ROUTES.state),
    getJson<{ executions: ExecutionView[] }>(ROUTES.executions),
  ]);
  // The simulated "now" first: the status card's remaining exclusion times count from it, not from this browser's clock.
  if (state.status === 'fulfilled') simNow = Date.parse(state.value.now) || simNow;
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
  apply(api, ROUTES.status, (value) => {
    renderStatus(value, simNow);
    lastApi = value;
  });
  apply(state, ROUTES.state, renderState);
  apply(runs, ROUTES.executions, (value) => history.update(value.executions, simNow));
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

void refresh();
setInterval(() => {
  if (!document.hidden) void refresh();
}, DASHBOARD_POLL_MS);
