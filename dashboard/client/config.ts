/** Settings the page and its tests share. */

/** How often the page polls the server. */
export const DASHBOARD_POLL_MS = 2000;

/** The routes the page reads and drives (the API and the local-only routes). */
export const ROUTES = {
  status: '/spot-instances',
  state: '/_local/state',
  executions: '/_local/executions',
  history: '/_local/history',
  provisioning: '/spot-provisioning',
  interrupt: '/_local/interrupt',
  capacity: '/_local/capacity',
  market: '/_local/market',
} as const;

/** One colour per region, in the order the server lists them (the charts, the timeline and the legend agree). */
export const REGION_COLOURS = [
  '#0969da',
  '#1a7f37',
  '#bf8700',
  '#8250df',
  '#cf222e',
  '#1b7c83',
  '#9a6700',
  '#6e7781',
];
