/**
 * Runs a scenario: builds a world, applies its operations at their times, and moves the virtual clock
 * one step at a time (to the next timer or operation), evaluating every invariant after each step.
 * The run stops at the first violation; the outcome carries it with a trace that says how it came about.
 */
import { boundsFor } from './bounds.ts';
import { InvariantChecker, type Violation } from './invariants.ts';
import { type Op, World, type WorldOptions } from './world.ts';

export interface Step {
  /** Seconds after the start. */
  at: number;
  op: Op;
  /** How many times this operation has been tried (toggles answered 5xx are tried again). */
  tries?: number;
}

export interface Scenario {
  world?: WorldOptions;
  steps: Step[];
  /**
   * Seconds to keep running after the last step. Default: long enough for every time-bounded invariant
   * to have fallen due once (the longest bound plus the API's lag).
   */
  runFor?: number;
}

export interface Outcome {
  violations: Violation[];
  /** Operations applied and every change of the API's status, with times: the story of the run. */
  trace: string[];
  /** Clock steps evaluated. */
  steps: number;
}

/**
 * A person whose enable / disable is answered with a 5xx (a crashed or throttled handler) tries again,
 * as they would on AWS: every 20 s, up to 6 tries. The request counts as made from the first try on
 * (a 5xx may still have applied it).
 */
const TOGGLE_RETRY_S = 20;
const TOGGLE_TRIES = 6;

/** A guard against a timer that keeps rescheduling itself at the same instant. */
const MAX_STEPS = 200_000;
/**
 * The longest the clock moves without a check, even when no timer is due: work still settling may
 * schedule timers meanwhile, and every bound is minutes long, so a check a minute loses nothing.
 */
const MAX_STEP_MS = 60_000;

export async function runScenario(scenario: Scenario): Promise<Outcome> {
  const world = await World.create(scenario.world);
  const bounds = boundsFor(world.config);
  const checker = new InvariantChecker(world, bounds);
  const start = world.clock.now().getTime();
  const pending = [...scenario.steps].sort((a, b) => a.at - b.at);
  const lastAt = pending.at(-1)?.at ?? 0;
  const tail =
    scenario.runFor ??
    Math.max(bounds.moveMs, bounds.teardownMs, bounds.runningMs) / 1000 + bounds.lagMs / 1000;
  const end = start + (lastAt + tail) * 1000;
  const trace: string[] = [];
  const stamp = () => `+${Math.round((world.clock.now().getTime() - start) / 1000)}s`;
  let lastStatus = '';
  let steps = 0;
  try {
    for (;;) {
      while (pending.length > 0 && start + pending[0]!.at * 1000 <= world.clock.now().getTime()) {
        const step = pending.shift()!;
        const answer = await world.apply(step.op);
        trace.push(`${stamp()} ${JSON.stringify(step.op)} -> ${answer.statusCode}`);
        checker.noteOp(step.op, answer);
        const tries = (step.tries ?? 1) + 1;
        if (
          answer.statusCode >= 500 &&
          (step.op.op === 'enable' || step.op.op === 'disable') &&
          tries <= TOGGLE_TRIES
        ) {
          const retry = { ...step, at: (world.clock.now().getTime() - start) / 1000 + TOGGLE_RETRY_S, tries };
          const later = pending.findIndex((p) => p.at > retry.at);
          pending.splice(later === -1 ? pending.length : later, 0, retry);
        }
      }
      world.enforceMutes();
      await checker.check();
      steps++;
      const status = checker.lastStatus ? JSON.stringify(statusLine(checker.lastStatus.body)) : '';
      if (status !== lastStatus) {
        trace.push(`${stamp()} status ${status}`);
        lastStatus = status;
      }
      const now = world.clock.now().getTime();
      if (checker.violations.length > 0 || now >= end || steps >= MAX_STEPS) break;
      // Let work in flight schedule its timers, so the next step is the next thing that happens.
      await world.clock.settle();
      const nextOp = pending.length > 0 ? start + pending[0]!.at * 1000 : Number.POSITIVE_INFINITY;
      const nextTimer = world.clock.nextTimerAt() ?? Number.POSITIVE_INFINITY;
      const target = Math.min(nextOp, nextTimer, end, now + MAX_STEP_MS);
      await world.clock.advance(Math.max(0, target - now));
    }
  } finally {
    await world.plane.cloud.close();
  }
  return { violations: checker.violations, trace, steps };
}

function statusLine(body: Record<string, unknown>) {
  return {
    status: body.status,
    region: body.region,
    instances: (body.instances as unknown[] | undefined)?.length ?? 0,
  };
}

/** A violation list as an assertion message: the first violation and the story that led to it. */
export function explain(outcome: Outcome): string {
  if (outcome.violations.length === 0) return 'no violation';
  const v = outcome.violations[0]!;
  return `${v.invariant} violated at ${v.at}: ${v.message}\n  ${outcome.trace.slice(-25).join('\n  ')}`;
}
