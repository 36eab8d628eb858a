/**
 * The local dashboard: one self-contained page (no build step, no external assets) that polls
 * `/spot-instances`, `/_local/state` and `/_local/executions` and offers the local controls.
 */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spotplane (local)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f23; background: #fafbfc; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
  .status { display: inline-block; padding: .15rem .6rem; border-radius: 1rem; font-weight: 600; background: #e1e4e8; }
  .RUNNING { background: #c6f6d5; } .FAILING_OVER, .PROVISIONING, .TEARING_DOWN { background: #fefcbf; }
  .NOT_AVAILABLE, .FAILED, .TIMED_OUT, .ABORTED { background: #fed7d7; } .SUCCEEDED { background: #c6f6d5; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e1e4e8; vertical-align: top; }
  th { background: #f6f8fa; font-weight: 600; } code { font-size: 12px; }
  button { margin-right: .3rem; cursor: pointer; } .muted { color: #6a737d; }
  details summary { cursor: pointer; } .events td { font-size: 12px; padding: .1rem .4rem; }
  #error { color: #b31d28; }
</style>
</head>
<body>
<h1>spotplane <span class="muted">local control plane</span></h1>
<div>Status: <span id="status" class="status">…</span> <span id="region"></span>
  <span class="muted">· simulated time <span id="now"></span></span></div>
<p>
  <button onclick="toggle('enable')">Enable</button>
  <button onclick="toggle('disable', false)">Disable</button>
  <button onclick="toggle('disable', true)">Disable + tear down</button>
  <span id="error"></span>
</p>
<div id="excluded" class="muted"></div>
<h2>Regions</h2>
<table><thead><tr><th>region</th><th>role</th><th>score</th><th>Spot $/h</th><th>capacity</th><th>ASG desired</th>
<th>instances</th><th>ECS tasks</th><th></th></tr></thead><tbody id="regions"></tbody></table>
<h2>Executions</h2>
<div id="executions"></div>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  $('error').textContent = res.ok ? '' : (json.message || res.status);
  refresh();
}
function toggle(action, teardown) { post('/spot-provisioning', teardown === undefined ? { action } : { action, teardown }); }
function interrupt(region) { post('/_local/interrupt', { region }); }
function capacity(region, available) { post('/_local/capacity', { region, available }); }
async function refresh() {
  try {
    const [api, state, runs] = await Promise.all([
      fetch('/spot-instances').then((r) => r.json()),
      fetch('/_local/state').then((r) => r.json()),
      fetch('/_local/executions').then((r) => r.json()),
    ]);
    $('status').textContent = api.status || 'unknown';
    $('status').className = 'status ' + (api.status || '');
    $('region').textContent = api.region ? 'in ' + api.region : '';
    $('now').textContent = state.now;
    $('excluded').textContent = (api.excluded_regions || []).length
      ? 'Excluded: ' + api.excluded_regions.map((e) => e.region + ' (' + e.reason + ', until ' + e.until + ')').join(', ') : '';
    $('regions').innerHTML = state.regions.map((r) => '<tr><td><b>' + esc(r.region) + '</b></td><td>' + esc(r.role) +
      '</td><td>' + r.placement_score + '</td><td>' + r.spot_price.toFixed(4) + '</td><td>' + (r.capacity_available ? 'yes' : '<b>exhausted</b>') +
      '</td><td>' + (r.asg_desired ?? '–') + '</td><td>' + r.instances.map((i) => '<code>' + esc(i.instance_id) + '</code> ' + esc(i.state) +
      (i.interruption_warning_at ? ' ⚠' : '')).join('<br>') + '</td><td>' + r.ecs_tasks.map((t) => esc(t.last_status) + '/' + esc(t.health_status)).join('<br>') +
      '</td><td><button onclick="interrupt(\\'' + r.region + '\\')">interrupt</button><button onclick="capacity(\\'' + r.region + '\\',' + !r.capacity_available + ')">' +
      (r.capacity_available ? 'exhaust' : 'restore') + '</button></td></tr>').join('');
    const open = new Set([...document.querySelectorAll('details[open]')].map((d) => d.dataset.arn));
    $('executions').innerHTML = runs.executions.slice().reverse().map((e) => '<details data-arn="' + esc(e.execution_arn) + '"' +
      (open.has(e.execution_arn) ? ' open' : '') + '><summary><span class="status ' + e.status + '">' + e.status + '</span> ' + esc(e.machine) +
      ' <span class="muted">' + esc(e.region) + ' · ' + esc(e.start) + (e.stop ? ' → ' + esc(e.stop) : '') + (e.error ? ' · ' + esc(e.error) : '') +
      '</span></summary><table class="events">' + e.events.map((ev) => '<tr><td>' + ev.id + '</td><td>' + esc(ev.timestamp) + '</td><td>' + esc(ev.type) +
      '</td><td>' + esc(ev.state) + '</td><td>' + esc(ev.error) + '</td></tr>').join('') + '</table></details>').join('') || '<p class="muted">none yet</p>';
  } catch (err) { $('error').textContent = String(err); }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
}
