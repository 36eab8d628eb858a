/**
 * The state-store Lambda: the Orchestrator's only way to read and change the hub state document.
 * Validates the action, applies the pure transition from core/state.ts and writes the result to SSM.
 */
import middy from '@middy/core';
import type { HubState } from '../../core/messages.ts';
import {
  exclude,
  nextBackoffSeconds,
  type Provisioning,
  recordRunning,
  registerLossToken,
  setStatus,
  withoutExpiredExclusions,
} from '../../core/state.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { HubStore } from '../shared/hub-store.ts';
import { settleLoss } from '../shared/loss.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { parseStateStoreInput, type StateStoreInput } from './input.ts';

export type StateStoreOutput =
  | { provisioning: Provisioning; state: HubState }
  | HubState
  | { seconds: number };

/**
 * Applies one validated action to the hub state and returns what the Orchestrator reads back.
 *
 * @example
 * await runAction(deps, store, obs, { action: 'next_backoff', attempt: 2 }); // { seconds: 120 }
 */
export async function runAction(
  deps: HandlerDeps,
  store: HubStore,
  obs: Observability,
  input: StateStoreInput,
): Promise<StateStoreOutput> {
  const { config } = deps;
  switch (input.action) {
    case 'get': {
      const { provisioning, state } = await store.snapshot();
      return { provisioning, state: withoutExpiredExclusions(state, deps.clock.now()) };
    }
    case 'set_status':
      return store.update((state, now) => setStatus(state, input.status, now));
    case 'exclude':
      return store.update((state, now) =>
        exclude(state, { region: input.region, reason: input.reason }, now, config.exclusionTtlSeconds),
      );
    case 'record_running':
      return store.update((state, now) =>
        recordRunning(
          state,
          { region: input.region, lifecycle: input.lifecycle, instances: input.instances },
          now,
        ),
      );
    case 'register_loss_token': {
      const registered = await store.update((state, now) => registerLossToken(state, input.task_token, now));
      // The loss may already have been reported: then this task is answered before it starts waiting.
      const settled = await settleLoss(deps, store, obs);
      return settled === null ? registered : store.state();
    }
    case 'next_backoff':
      return { seconds: nextBackoffSeconds(input.attempt, config.maxBackoffSeconds) };
  }
}

const field = (event: unknown, key: string) =>
  typeof event === 'object' && event !== null && typeof (event as Record<string, unknown>)[key] === 'string'
    ? ((event as Record<string, unknown>)[key] as string)
    : undefined;

/** The state-store Lambda, invoked by the Orchestrator with one `{ action, ... }` per call. */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('state-store');
  const store = new HubStore(deps);
  return middy<unknown, StateStoreOutput>()
    .use(
      instrument(obs, {
        metrics: true,
        staticContext: { region: deps.config.hubRegion },
        contextFromEvent: (event) => ({ action: field(event, 'action') }),
      }),
    )
    .handler(async (event) => {
      const input = parseStateStoreInput(event);
      const output = await runAction(deps, store, obs, input);
      obs.logger.info('state-store action done', { action: input.action });
      return output;
    });
}
