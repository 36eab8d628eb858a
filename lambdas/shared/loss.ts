/**
 * Answers the Orchestrator's "wait for loss" task when a region loss and the task's token have both
 * been recorded, whichever arrived first: SpotCapacityHandler calls this after remembering a loss, the
 * state-store after registering a token. The state is cleared *before* the answer: once answered, the
 * Orchestrator moves on and writes the state itself (an exclusion), and a write of ours after that
 * would overwrite it. If the answer cannot be sent, the token and loss are put back for the retry; if
 * the token had already expired, the loss alone is kept for the Orchestrator's next wait.
 */
import { lossSettled, lossToSettle, lossUnsettled, rememberLoss } from '../../core/state.ts';
import type { HandlerDeps } from './deps.ts';
import type { HubStore } from './hub-store.ts';
import { countMetric, METRIC, type Observability } from './observability.ts';
import { sendSuccess, type TokenOutcome } from './task-tokens.ts';

/**
 * Answers the waiting loss token with the remembered loss of the current region, if both exist; null
 * when there is nothing to settle. Counts a failover when the answer is delivered.
 */
export async function settleLoss(
  deps: HandlerDeps,
  store: HubStore,
  obs: Observability,
): Promise<TokenOutcome | null> {
  const pair = lossToSettle(await store.state());
  if (pair === null) return null;
  await store.update((state, now) => lossSettled(state, pair.token, now));
  let sent: TokenOutcome;
  try {
    sent = await sendSuccess(deps.clients.sfn(deps.config.hubRegion), pair.token, pair.loss);
  } catch (error) {
    await store.update((state, now) => lossUnsettled(state, pair, now));
    throw error;
  }
  if (sent.delivered) countMetric(obs.metrics, METRIC.failovers);
  else {
    // The wait had already timed out (e.g. the Orchestrator was checking prices). The loss must not
    // vanish with the token: remember it, so the next wait for this region is answered at once.
    await store.update((state, now) =>
      state.region === pair.loss.region ? rememberLoss(state, pair.loss, now) : state,
    );
  }
  obs.logger.info('region loss answered', { loss: pair.loss, delivered: sent.delivered });
  return sent;
}
