/**
 * Plan (hub, second step of every cycle): the pure `plan()` of `core/plan` behind a Lambda, so the
 * Orchestrator's history shows each cycle's decision. It calls nothing and has no permissions.
 */
import middy from '@middy/core';
import { z } from 'zod';
import { describeIssues } from '../../core/config.ts';
import { observationSchema, type Plan, plan } from '../../core/plan/index.ts';
import type { HandlerDeps } from '../shared/deps.ts';
import { instrument, makeObservability } from '../shared/observability.ts';
import { PlanInputError } from './errors.ts';

const inputSchema = z.object({ observation: observationSchema });

/** What Act needs besides the plan: the versions it observed, to write conditionally on them. */
export interface Observed {
  status_version: number | null;
  generation: number;
  wakes: number;
}

export interface PlanOutput {
  plan: Plan;
  observed: Observed;
}

/**
 * Decides one cycle.
 *
 * @example
 * decide(config, { observation }).plan.actions; // [{ kind: 'request', region: 'us-west-2', ... }]
 * @throws {PlanInputError} naming the bad fields when the input is not `{ observation }`.
 */
export function decide(config: HandlerDeps['config'], input: unknown): PlanOutput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlanInputError(
      `Plan input is not { observation }: ${describeIssues(parsed.error).join('; ')}`,
      {
        cause: parsed.error,
      },
    );
  }
  const { observation } = parsed.data;
  return {
    plan: plan(observation, config),
    observed: {
      status_version: observation.status?.version ?? null,
      generation: observation.spec.generation,
      wakes: observation.wakes,
    },
  };
}

/** The Plan Lambda. */
export function makeHandler(deps: HandlerDeps) {
  const obs = deps.observability ?? makeObservability('plan');
  return middy<unknown, PlanOutput>()
    .use(instrument(obs, { staticContext: { region: deps.config.hubRegion } }))
    .handler(async (event) => {
      const out = decide(deps.config, event);
      obs.logger.info('planned', {
        status: out.plan.view.status,
        actions: out.plan.actions.map((a) =>
          a.kind === 'request'
            ? `${a.region}#${a.intent}:${a.desired.spot}/${a.desired.on_demand}`
            : `${a.region}:${a.kind}`,
        ),
        next_look_seconds: out.plan.next_look_seconds,
        exit: out.plan.exit,
      });
      return out;
    });
}
