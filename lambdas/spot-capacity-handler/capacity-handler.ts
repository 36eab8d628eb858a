/**
 * SpotCapacityHandler (hub): turns worker events into answers to the Orchestrator's waiting tasks —
 * Launch Succeeded / Failed / Heartbeat on the launch token, Region Lost on the loss token, Teardown
 * Completed into the hub state (and its token, if any). Retryable AWS errors (throttling, 5xx) are
 * rethrown so the asynchronous invocation is retried; every answer here is safe to repeat.
 */
import middy from '@middy/core';
import { parseEvent } from '../../core/events/index.ts';
import type { HubState } from '../../core/messages.ts';
import { decideRegionLost, rememberLoss, teardownCompleted } from '../../core/state.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { HubStore } from '../shared/hub-store.ts';
import { settleLoss } from '../shared/loss.ts';
import {
  countMetric,
  instrument,
  METRIC,
  makeObservability,
  type Observability,
} from '../shared/observability.ts';
import { sendFailure, sendHeartbeat, sendSuccess, type TokenOutcome } from '../shared/task-tokens.ts';

/** Read-back-and-redo bound for a teardown confirmation racing another writer. */
const MAX_CONFIRM_ATTEMPTS = 3;

export type CapacityHandlerResult =
  | { outcome: 'DELIVERED' | 'TOKEN_GONE' | 'RECORDED'; kind: string; detail?: string }
  | { outcome: 'IGNORED' | 'DROPPED'; kind: string; reason: string };

const tokenResult = (kind: string, sent: TokenOutcome): CapacityHandlerResult =>
  sent.delivered ? { outcome: 'DELIVERED', kind } : { outcome: 'TOKEN_GONE', kind, detail: sent.error };

/**
 * Handles one `spotplane.worker` event. Malformed events are dropped and other kinds ignored (never
 * thrown back to EventBridge); retryable AWS errors propagate so the asynchronous invocation retries.
 *
 * @example
 * await handleWorkerEvent(deps, obs, launchSucceededEvent); // { outcome: 'DELIVERED', kind: 'launch-succeeded' }
 */
export async function handleWorkerEvent(
  deps: HandlerDeps,
  obs: Observability,
  raw: unknown,
): Promise<CapacityHandlerResult> {
  const { logger, metrics } = obs;
  const event = parseEvent(raw);
  const sfn = deps.clients.sfn(deps.config.hubRegion);

  if (event.kind === 'malformed') {
    logger.warn('dropping malformed event', {
      source: event.source,
      detail_type: event.detailType,
      issues: event.issues,
    });
    countMetric(metrics, METRIC.droppedEvents);
    return { outcome: 'DROPPED', kind: 'malformed', reason: event.issues.join('; ') };
  }
  if (event.kind === 'unknown') return { outcome: 'IGNORED', kind: 'unknown', reason: 'UNKNOWN_EVENT' };
  if (!('detail' in event) || event.kind === 'launch-requested' || event.kind === 'teardown-requested') {
    return { outcome: 'IGNORED', kind: event.kind, reason: 'NOT_A_WORKER_EVENT' };
  }
  if (event.detail.prefix !== deps.config.prefix) {
    return { outcome: 'IGNORED', kind: event.kind, reason: 'OTHER_DEPLOYMENT' };
  }
  logger.appendKeys({ worker_region: event.detail.region });
  // A launch report without a token answers a fenced request of the level-triggered hub: nothing waits on it
  // here (the `!`s below rely on this).
  const launchReport =
    event.kind === 'launch-succeeded' || event.kind === 'launch-failed' || event.kind === 'launch-heartbeat';
  if (launchReport && event.detail.task_token === undefined) {
    return { outcome: 'IGNORED', kind: event.kind, reason: 'NO_TASK_TOKEN' };
  }

  let result: CapacityHandlerResult;
  switch (event.kind) {
    case 'launch-succeeded': {
      const { region, instances } = event.detail;
      logger.appendKeys({ instance: instances.map((i) => i.instance_id).join(',') });
      countMetric(metrics, METRIC.launches);
      result = tokenResult(
        event.kind,
        await sendSuccess(sfn, event.detail.task_token!, { region, instances }),
      );
      break;
    }
    case 'launch-failed':
      countMetric(metrics, METRIC.launchFailures);
      result = tokenResult(
        event.kind,
        await sendFailure(sfn, event.detail.task_token!, event.detail.error, event.detail.cause),
      );
      break;
    case 'launch-heartbeat':
      result = tokenResult(event.kind, await sendHeartbeat(sfn, event.detail.task_token!));
      break;
    case 'region-lost':
      result = await regionLost(deps, obs, event.detail);
      break;
    case 'teardown-completed':
      result = await teardownDone(deps, obs, event.detail);
      break;
  }
  if (result.outcome === 'TOKEN_GONE') logger.warn('task token no longer valid; acknowledged', { result });
  else logger.info('worker event handled', { result });
  return result;
}

async function regionLost(
  deps: HandlerDeps,
  obs: Observability,
  lost: { region: string; reason: string; instance_id: string | null },
): Promise<CapacityHandlerResult> {
  const store = new HubStore(deps);
  const decision = decideRegionLost(await store.state(), lost);
  obs.logger.appendKeys({ instance: lost.instance_id });
  if (decision.action === 'IGNORE')
    return { outcome: 'IGNORED', kind: 'region-lost', reason: decision.reason };

  // Remembered either way: if the answer below fails, the retry (or the token's registration) finds it.
  await store.update((state, now) => rememberLoss(state, lost, now));
  const sent = await settleLoss(deps, store, obs);
  if (sent === null)
    return { outcome: 'RECORDED', kind: 'region-lost', detail: 'no task waiting yet; remembered' };
  return tokenResult('region-lost', sent);
}

async function teardownDone(
  deps: HandlerDeps,
  obs: Observability,
  done: { region: string; task_token?: string | undefined },
): Promise<CapacityHandlerResult> {
  const store = new HubStore(deps);
  // Regions confirm at nearly the same time and SSM has no compare-and-set: a concurrent writer holding an
  // older document can put our region back. So read back after writing and redo, a bounded number of times.
  let wasTearingDown = false;
  let after: HubState | undefined;
  for (let attempt = 0; attempt < MAX_CONFIRM_ATTEMPTS; attempt++) {
    await store.update((state, now) => {
      wasTearingDown ||= state.status === 'TEARING_DOWN';
      return teardownCompleted(state, done.region, now);
    });
    after = await store.state();
    if (!after.teardown_pending.includes(done.region)) break;
    obs.logger.warn('teardown confirmation overwritten by a concurrent writer; writing it again', {
      attempt,
    });
  }
  if (
    after !== undefined &&
    wasTearingDown &&
    after.status === 'DISABLED' &&
    after.teardown_pending.length === 0
  ) {
    obs.logger.info('teardown finished in every region');
  }
  if (done.task_token) {
    return tokenResult(
      'teardown-completed',
      await sendSuccess(deps.clients.sfn(deps.config.hubRegion), done.task_token, { region: done.region }),
    );
  }
  return {
    outcome: 'RECORDED',
    kind: 'teardown-completed',
    detail: `pending: ${after?.teardown_pending.join(', ') || 'none'}`,
  };
}

const eventField = (event: unknown, key: string) =>
  typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;

/** The SpotCapacityHandler Lambda (target of the hub's worker-events rule). */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('spot-capacity-handler');
  return middy<unknown, CapacityHandlerResult>()
    .use(
      instrument(obs, {
        metrics: true,
        staticContext: { region: deps.config.hubRegion },
        contextFromEvent: (event) => ({
          event_id: eventField(event, 'id') as string | undefined,
          detail_type: eventField(event, 'detail-type') as string | undefined,
        }),
      }),
    )
    .handler((event) => handleWorkerEvent(deps, obs, event));
}
