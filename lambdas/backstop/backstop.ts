/**
 * Backstop (hub, every 5 minutes from a scheduled rule): restarts the Orchestrator when the table wants
 * one and none runs — a run stopped by hand, timed out, or lost to a bug. The same start path as the API,
 * so it can never start a second run while one is alive.
 */
import middy from '@middy/core';
import type { Spec, StatusItem } from '../../core/plan/index.ts';
import { instrument, makeObservability } from '../shared/observability.ts';
import { type EnsureResult, ensureOrchestrator, type OrchestratorDeps } from '../shared/orchestrator.ts';
import { StateTable } from '../shared/state-table.ts';

/**
 * How often the backstop looks (the hub stack's scheduled rule, and LocalCloud's): a stopped Orchestrator
 * is back within 5 minutes, for 8,640 invocations a month (docs/DESIGN.md, cost).
 */
export const BACKSTOP_SCHEDULE = 'rate(5 minutes)';

/**
 * Whether a run should exist: provisioning enabled, a spec not acted on yet, a teardown not yet seen
 * through, or a status that says a run is (or was, until it died) in charge.
 */
export function wantsOrchestrator(spec: Spec | null, status: StatusItem | null): boolean {
  if (!spec) return false;
  if (spec.enabled) return true;
  if (!status) return spec.teardown;
  if (status.generation < spec.generation) return true;
  return status.orchestrator !== null;
}

export type BackstopResult = { checked: 'not wanted' } | EnsureResult;

/** One backstop check. */
export async function backstop(deps: OrchestratorDeps): Promise<BackstopResult> {
  const table = new StateTable(deps);
  const [spec, status] = await Promise.all([table.spec(), table.status()]);
  if (!wantsOrchestrator(spec, status)) return { checked: 'not wanted' };
  return ensureOrchestrator(deps, table);
}

/** The Backstop Lambda. */
export function makeHandler(deps: OrchestratorDeps) {
  const obs = deps.observability ?? makeObservability('backstop');
  return middy<unknown, BackstopResult>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(async () => {
      const result = await backstop(deps);
      if ('started' in result) obs.logger.warn('no Orchestrator was running; started one', { ...result });
      return result;
    });
}
