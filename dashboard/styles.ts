/** The dashboard's stylesheet, inlined into the page (no external assets). */
export const DASHBOARD_CSS = `
:root { --fg: #1b1f23; --muted: #5f6b76; --line: #d8dee4; --bg: #f6f8fa; --card: #fff;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #7d4e00; --warn-bg: #fff8c5; --bad: #b31d28; --bad-bg: #ffebe9;
  --info-bg: #ddf4ff; --accent: #0969da; }
* { box-sizing: border-box; }
/* Author display rules (.badge) would otherwise override the hidden attribute. */
[hidden] { display: none !important; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1rem; padding: .8rem 1.5rem;
  background: #24292f; color: #fff; }
header h1 { font-size: 1.15rem; margin: 0; }
header .muted { color: #c9d1d9; }
main { padding: 0 1.5rem 2rem; max-width: 1500px; }
h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
section.card > h2:first-child { margin-top: 0; }
h3 { font-size: .95rem; margin: .8rem 0 .4rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin-top: 1rem; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; font-weight: 600; font-size: 12px;
  background: #eaeef2; white-space: nowrap; }
.badge.big { font-size: 15px; padding: .2rem .8rem; }
.RUNNING, .SUCCEEDED, .ok { background: var(--ok-bg); color: var(--ok); }
.PROVISIONING, .FAILING_OVER, .TEARING_DOWN, .warn { background: var(--warn-bg); color: var(--warn); }
.NOT_AVAILABLE, .FAILED, .TIMED_OUT, .ABORTED, .bad { background: var(--bad-bg); color: var(--bad); }
.DISABLED { background: #eaeef2; color: var(--muted); }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: center; }
.summary dl { display: grid; grid-template-columns: auto auto; gap: .1rem .8rem; margin: 0; }
.summary dt { color: var(--muted); } .summary dd { margin: 0; font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-top: .8rem; }
button { font: inherit; font-size: 13px; padding: .25rem .7rem; border: 1px solid #c4cbd3; border-radius: 5px;
  background: #f6f8fa; color: var(--fg); cursor: pointer; }
button:hover:not(:disabled) { background: #eef1f4; border-color: #9aa5b1; }
button:disabled { opacity: .55; cursor: progress; }
button.primary { background: #1f883d; border-color: #1a7f37; color: #fff; }
button.danger { color: var(--bad); }
input[type=number] { width: 6.2rem; font: inherit; font-size: 13px; padding: .15rem .3rem; }
#message { min-height: 1.4rem; margin-top: .6rem; padding: .3rem .6rem; border-radius: 5px; }
#message:empty { display: none; }
#message.ok { background: var(--ok-bg); } #message.error { background: var(--bad-bg); color: var(--bad); }
#message.pending { background: var(--info-bg); }
#message ul { margin: .2rem 0 0 1.2rem; padding: 0; }
#connection.bad { display: inline-block; padding: .05rem .5rem; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; font-size: 12px; color: var(--muted); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
tr.current td:first-child { box-shadow: inset 3px 0 var(--ok); }
tr.excluded td:first-child { box-shadow: inset 3px 0 var(--bad); }
td .item { white-space: nowrap; }
.actions { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.market { display: flex; gap: .3rem; align-items: center; }
#executions tbody tr { cursor: pointer; }
#executions tbody tr:hover { background: #f3f6f9; }
#executions tbody tr.selected { background: var(--info-bg); }
#executions tbody tr:focus { outline: 2px solid var(--accent); outline-offset: -2px; }
#events tr.failed td { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.scroll { max-height: 28rem; overflow: auto; }
.filter { display: flex; gap: .6rem; align-items: center; margin-bottom: .4rem; }
.filter input { width: 18rem; font: inherit; font-size: 13px; padding: .15rem .4rem; }
pre { margin: 0; max-height: 24rem; overflow: auto; background: var(--bg); padding: .5rem; border-radius: 4px; }
.cause { white-space: pre-wrap; word-break: break-word; max-width: 42rem; }
`;
