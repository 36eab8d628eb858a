/**
 * Act (hub, last step of every cycle, invoked with `.waitForTaskToken`): writes the cycle's status and
 * memory conditionally (the absorbed signals deleted in the same transaction), puts the requests on the
 * hub bus, updates the stable endpoint (Global Accelerator), then registers its own task token as the wake token — or answers it at once when a wake came
 * in since Observe, or when the run exits. The task then waits for a wake or its timeout (the next look).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { z } from 'zod';
import { isoUtc } from '../../core/clock.ts';
import { describeIssues } from '../../core/config.ts';
import { HUB_SOURCE } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import {
  type EndpointUpdate,
  type Plan,
  planSchema,
  type RequestAction,
  type StatusItem,
  total,
} from '../../core/plan/index.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { instrument, makeObservability, type Observability } from '../shared/observability.ts';
import { putEventsReliably } from '../shared/put-events.ts';
import { StateTable } from '../shared/state-table.ts';
import { sendSuccess } from '../shared/task-tokens.ts';
import { applyEndpointUpdates } from './endpoints.ts';
import { ActInputError, SupersededError } from './errors.ts';

const inputSchema = z.object({
  token: z.string().min(1),
  execution: z.string(),
  run: z.object({ epoch: z.string(), n: z.int().min(0), k: z.int().min(0) }),
  cycle: z.int().min(0),
  decision: z.object({
    plan: planSchema,
    observed: z.object({ status_version: z.int().nullable(), generation: z.int(), wakes: z.int() }),
  }),
});
export type ActInput = z.infer<typeof inputSchema>;

/** Why the wait ended at once, when it did (the task's output; a timeout has none). */
export type ActOutcome = 'waiting' | 'woken' | 'exit' | 'spec-changed';

/** The `detail` of a request on the hub bus (docs/DESIGN.md "Fence and absolute desired state"). */
export function requestDetail(prefix: string, action: RequestAction): Record<string, unknown> {
  const n = total(action.desired);
  return {
    prefix,
    target_region: action.region,
    intent: action.intent,
    desired: action.desired,
    // Read by workers from before the fence (issue 12 keeps them readable while both exist); such a worker
    // also requires a task token to echo. Nothing waits on it: the hub observes, and the waker ignores it.
    ...(n > 0 && {
      capacity: n,
      lifecycle: action.desired.on_demand > 0 ? 'on-demand' : 'spot',
      task_token: `intent-${action.intent}`,
    }),
  };
}

function statusItem(input: ActInput, plan: Plan, now: Date, version: number): StatusItem {
  return {
    version,
    generation: plan.generation,
    orchestrator: plan.exit
      ? null
      : { execution: input.execution, run: input.run.n, k: input.run.k, cycle: input.cycle },
    view: plan.view,
    memory: plan.memory,
    observed_at: isoUtc(now),
  };
}

/**
 * Carries out one plan; returns how the wait begins.
 *
 * @throws {SupersededError} when another Orchestrator wrote `status` first.
 * @throws {ActInputError} naming the bad fields.
 */
export async function act(deps: HandlerDeps, obs: Observability, raw: unknown): Promise<ActOutcome> {
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success)
    throw new ActInputError(`Act input: ${describeIssues(parsed.error).join('; ')}`, { cause: parsed.error });
  const input = parsed.data;
  const { plan, observed } = input.decision;
  const { config, clients } = deps;
  const table = new StateTable(deps);
  const sfn = clients.sfn(config.hubRegion);
  const version = (observed.status_version ?? 0) + 1;
  const item = statusItem(input, plan, deps.clock.now(), version);

  const fence = { run: input.run.n, execution: { k: input.run.k, name: input.execution } };
  const written = await table.writeStatus(item, observed.status_version, {
    ...fence,
    consumed: plan.consumed,
    ...(plan.exit && { exitGeneration: observed.generation }),
  });
  if (written === 'superseded') {
    throw new SupersededError(`status version ${observed.status_version} was replaced by another writer`);
  }
  if (written === 'spec-changed') {
    // A toggle landed after Observe: do not exit; look again at once.
    await sendSuccess(sfn, input.token, { woke: 'spec-changed' });
    return 'spec-changed';
  }

  const requests = plan.actions.filter((a): a is RequestAction => a.kind === 'request');
  if (requests.length > 0) {
    const bus = names(config.prefix).hubBus;
    const entry = (a: RequestAction): PutEventsRequestEntry => ({
      EventBusName: bus,
      Source: HUB_SOURCE,
      DetailType: a.detail_type,
      Detail: JSON.stringify(requestDetail(config.prefix, a)),
    });
    const failed = await putEventsReliably(clients, config.hubRegion, requests, entry, deps.sleep);
    for (const a of requests) {
      const failure = failed.find((f) => f.item === a);
      obs.logger.info(failure ? 'request not sent' : 'request sent', {
        worker_region: a.region,
        intent: a.intent,
        desired: a.desired,
        why: a.why,
        ...(failure && { error: failure.error }),
      });
    }
    if (failed.length > 0) {
      // Unsent requests are marked so the next cycle sends them again (with new intents).
      const regions = { ...plan.memory.regions };
      for (const { item: a } of failed) {
        const r = regions[a.region];
        if (r && r.intent === a.intent) regions[a.region] = { ...r, sent_at: null };
      }
      const again = await table.writeStatus(
        { ...item, version: version + 1, memory: { ...plan.memory, regions } },
        version,
        fence,
      );
      if (again === 'superseded')
        throw new SupersededError(`status version ${version} was replaced by another writer`);
    }
  }

  const endpointUpdates = plan.actions.filter((a): a is EndpointUpdate => a.kind !== 'request');
  if (endpointUpdates.length > 0) await applyEndpointUpdates(clients, obs, endpointUpdates);

  if (plan.exit) {
    await sendSuccess(sfn, input.token, { exit: true });
    return 'exit';
  }
  const { wakes } = await table.registerToken(input.token);
  if (wakes > observed.wakes) {
    await sendSuccess(sfn, input.token, { woke: 'pending' });
    return 'woken';
  }
  return 'waiting';
}

/** The Act Lambda. */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('act');
  return middy<unknown, { outcome: ActOutcome }>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(async (event) => {
      const outcome = await act(deps, obs, event);
      obs.logger.info('acted', { outcome });
      return { outcome };
    });
}
