/**
 * The local dashboard, the local stand-in for the Step Functions console: one self-contained page
 * (inline CSS and JS, bundled from `client/` at server start, no external assets) that polls
 * `GET /spot-instances`, `GET /_local/state`, `GET /_local/executions` and `GET /_local/history` and
 * drives the POST routes.
 */
import { createHash } from 'node:crypto';
import { dashboardAssets } from './bundle.ts';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's Content-Security-Policy: only its own inline script and style (by hash) run, and it
 * may fetch from its own origin only. Even a value that slipped past the page's text-only
 * rendering could not load or run anything.
 */
export function dashboardCsp(): string {
  const { script, css } = dashboardAssets();
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The dashboard's HTML: the same text on every call. */
export function dashboardHtml(): string {
  const { script, css } = dashboardAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${dashboardCsp()}">
<title>spotplane · local control plane</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
<header>
  <h1>spotplane <span class="muted">· local control plane</span></h1>
  <span class="muted">simulated time <span id="now" class="mono">…</span></span>
  <span id="connection" class="muted">connecting…</span>
</header>
<main>
<div class="row">
<section class="card wide" aria-label="Provisioning">
  <div class="summary">
    <span id="status" class="badge big">…</span>
    <dl>
      <dt>Provisioning</dt><dd id="provisioning">…</dd>
      <dt>Regions</dt><dd id="region">…</dd>
      <div id="replicas-row" hidden><dt>Replicas</dt><dd id="replicas"></dd></div>
      <div id="endpoint-row" hidden><dt>Endpoint</dt><dd id="endpoint"></dd></div>
      <dt>Last move</dt><dd id="last-move">…</dd>
      <dt>Updated</dt><dd id="updated">…</dd>
    </dl>
  </div>
  <p id="moving" class="badge warn moving" hidden></p>
  <div class="controls">
    <button type="button" id="enable" class="primary">Enable</button>
    <button type="button" id="disable">Disable</button>
    <button type="button" id="teardown" class="danger">Disable + teardown</button>
  </div>
  <div id="message" role="status" aria-live="polite"></div>
  <p id="missing" class="badge warn" hidden></p>
  <h3>Instances</h3>
  <div class="table-wrap">
    <table id="instances">
      <thead><tr><th>instance</th><th>region</th><th>type</th><th>zone</th><th>lifecycle</th><th>ready</th><th>public IP</th><th>launched (UTC)</th></tr></thead>
      <tbody id="instances-body"></tbody>
    </table>
  </div>
  <h3>Excluded regions</h3>
  <div class="table-wrap">
    <table id="excluded">
      <thead><tr><th>region</th><th>reason</th><th>until (UTC)</th><th>left</th></tr></thead>
      <tbody id="excluded-body"></tbody>
    </table>
  </div>
</section>
<section class="card" aria-label="Cost">
  <h2>Cost so far</h2>
  <div id="cost-body"></div>
</section>
</div>
<section class="card" id="charts" aria-label="Market and capacity">
  <h2>Market and capacity over time <span class="muted">(UTC)</span></h2>
  <p id="charts-empty" class="muted">…</p>
  <div class="charts">
    <figure><figcaption>Spot price per region</figcaption><div id="price-chart" class="chart"></div></figure>
    <figure><figcaption>Placement score per region</figcaption><div id="score-chart" class="chart"></div></figure>
    <figure class="full"><figcaption>Where capacity ran (instances per region; dashed: a move)</figcaption><div id="capacity-chart" class="chart"></div></figure>
  </div>
  <h3>Moves</h3>
  <div class="table-wrap">
    <table id="moves">
      <thead><tr><th>when (UTC)</th><th>from → to</th><th>reason</th><th>source</th></tr></thead>
      <tbody id="moves-body"></tbody>
    </table>
  </div>
</section>
<section class="card" aria-label="Regions">
  <h2>Regions</h2>
  <div class="table-wrap">
    <table id="regions">
      <thead><tr><th>region</th><th>score</th><th>Spot $/h</th><th>capacity</th><th>ASG</th><th>instances</th><th>ECS tasks</th><th>controls</th></tr></thead>
      <tbody id="regions-body"></tbody>
    </table>
  </div>
</section>
<section class="card" aria-label="Run history">
  <h2>Run history</h2>
  <div class="filter">
    <input id="exec-filter" type="search" placeholder="filter: machine, region, status" aria-label="filter executions">
    <span id="exec-count" class="muted"></span>
  </div>
  <div class="scroll" id="executions-scroll">
    <table id="executions">
      <thead><tr><th>status</th><th>state machine</th><th>region</th><th>name</th><th>started (UTC)</th><th>stopped</th><th>duration</th><th>error</th></tr></thead>
      <tbody id="executions-body"></tbody>
    </table>
  </div>
  <div id="events-panel" hidden>
    <h3 id="events-title"></h3>
    <p id="events-meta"></p>
    <p id="events-failed" class="badge bad" hidden></p>
    <div class="scroll">
      <table id="events">
        <thead><tr><th>ID</th><th>type</th><th>state</th><th>elapsed</th><th>time (UTC)</th><th>error / cause</th></tr></thead>
        <tbody id="events-body"></tbody>
      </table>
    </div>
  </div>
</section>
<section class="card" aria-label="Raw state">
  <details id="raw"><summary>SSM parameters and EventBridge rules (raw)</summary><pre id="raw-json"></pre></details>
</section>
</main>
<script>${script}</script>
</body>
</html>
`;
}
