/**
 * Starting the Orchestrator (docs/DESIGN.md "The Orchestrator"): one run at a time, named
 * `<epoch>-r<n>-<k>`, started only when none runs (or the status says it exited).
 */

import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { isAwsError } from './aws-errors.ts';
import type { HandlerDeps } from './deps.ts';
import { firstRunningExecution } from './executions.ts';
import type { StateTable } from './state-table.ts';

export interface OrchestratorDeps extends HandlerDeps {
  orchestratorArn: string;
}

/** The input of a run's first execution; continuations carry the same `run` with `k + 1`. */
export const runInput = (run: { epoch: string; count: number }) => ({
  run: { epoch: run.epoch, n: run.count, k: 0 },
  cycle: 0,
});

export const executionName = (run: { epoch: string; count: number }, k = 0) =>
  `${run.epoch}-r${run.count}-${k}`;

export type EnsureResult = { started: string } | { running: string };

/**
 * Makes sure one Orchestrator runs: an execution is RUNNING (and the status does not say it exited), or a
 * new run is started. Reads `status` *after* the caller wrote `spec`, so an exit that committed first is
 * seen (`orchestrator: null`: start, even while that execution is still ending) and one that did not is
 * cancelled by its own spec check (the running one carries on).
 *
 * @example
 * await ensureOrchestrator(deps, table); // { started: 'arn:...:execution:spotplane-orchestrator:20261124T1000-r3-0' }
 */
export async function ensureOrchestrator(deps: OrchestratorDeps, table: StateTable): Promise<EnsureResult> {
  const sfn = deps.clients.sfn(deps.config.hubRegion);
  const status = await table.status();
  if (status === null || status.orchestrator !== null) {
    const running = await firstRunningExecution(sfn, deps.orchestratorArn);
    if (running) return { running };
  }
  const run = await table.nextRun();
  const name = executionName(run);
  try {
    const out = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.orchestratorArn,
        name,
        input: JSON.stringify(runInput(run)),
      }),
    );
    return { started: out.executionArn ?? name };
  } catch (error) {
    // Only a run number reused after a lost response can collide; that run is ours.
    if (isAwsError(error, 'ExecutionAlreadyExists')) return { started: name };
    throw error;
  }
}
