/**
 * Waker (hub; was SpotCapacityHandler): the target of the hub's worker-events rule. Each worker report
 * of this deployment becomes one signal item (a redelivered event is the same item) and a wake of the
 * Orchestrator; it decides nothing. Throttling and 5xx errors are rethrown, so Lambda's asynchronous
 * retries deliver the report again; everything else is logged and dropped (never retried forever).
 */
import middy from '@middy/core';
import { type SignalDecision, toSignal } from '../../core/plan/index.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { StateTable } from '../shared/state-table.ts';
import { wakeOrchestrator } from '../shared/wake.ts';

export type WakerResult =
  | { outcome: 'SIGNALLED' | 'DUPLICATE'; kind: string; woke: boolean }
  | { outcome: 'IGNORED'; reason: string };

/**
 * Stores one worker report as a signal and wakes the Orchestrator.
 *
 * @example
 * await handleReport(deps, obs, regionLostEvent); // { outcome: 'SIGNALLED', kind: 'region-lost', woke: true }
 */
export async function handleReport(
  deps: HandlerDeps,
  obs: Observability,
  raw: unknown,
): Promise<WakerResult> {
  const decision: SignalDecision = toSignal(raw, deps.config.prefix, deps.clock.now());
  if (!('signal' in decision)) {
    obs.logger.info('report ignored', { reason: decision.ignored, detail: decision.detail });
    return { outcome: 'IGNORED', reason: decision.ignored };
  }
  const { signal } = decision;
  const table = new StateTable(deps);
  const fresh = await table.putSignal(signal);
  // A duplicate still wakes: its first delivery may have stored the signal and then failed before waking.
  const { delivered } = await wakeOrchestrator(deps, table, signal.kind, obs.logger);
  // Keys go on this line only: a logger shared by concurrent invocations must not carry one event's keys.
  obs.logger.info(fresh ? 'signal stored' : 'signal already stored', {
    signal: signal.id,
    kind: signal.kind,
    worker_region: signal.region,
    intent: signal.intent,
    instance: signal.instance_id,
    reason: signal.reason,
    woke: delivered,
  });
  return { outcome: fresh ? 'SIGNALLED' : 'DUPLICATE', kind: signal.kind, woke: delivered };
}

/** The Waker Lambda (target of the hub's worker-events rule, invoked asynchronously). */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('waker');
  return middy<unknown, WakerResult>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler((event) => handleReport(deps, obs, event));
}
