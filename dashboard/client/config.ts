/** Settings the page and its tests share. */

/** How often the page polls the server. */
export const DASHBOARD_POLL_MS = 2000;

/** The routes the page reads and drives (the API and the local-only routes). */
export const ROUTES = {
  status: '/spot-instances',
  state: '/_local/state',
  executions: '/_local/executions',
  provisioning: '/spot-provisioning',
  interrupt: '/_local/interrupt',
  capacity: '/_local/capacity',
  market: '/_local/market',
} as const;
