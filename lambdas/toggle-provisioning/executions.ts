/** The Orchestrator's executions: find the running ones (every page) and stop them. */
import { paginateListExecutions, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { isAwsError } from '../shared/aws-errors.ts';

/** The RUNNING executions of a state machine, on every page (the SDK's paginator follows `nextToken`). */
export async function* runningExecutions(sfn: SFNClient, stateMachineArn: string, pageSize = 100) {
  const pages = paginateListExecutions(
    { client: sfn, pageSize },
    { stateMachineArn, statusFilter: 'RUNNING' },
  );
  for await (const page of pages) {
    for (const execution of page.executions ?? []) {
      if (execution.executionArn) {
        yield { arn: execution.executionArn, startDate: new Date(execution.startDate ?? 0) };
      }
    }
  }
}

/** The ARN of one RUNNING execution, or null when none runs (one-item pages, stopping at the first found). */
export async function firstRunningExecution(sfn: SFNClient, stateMachineArn: string): Promise<string | null> {
  for await (const execution of runningExecutions(sfn, stateMachineArn, 1)) return execution.arn;
  return null;
}

/** Stops every running execution, on every page; one that ended meanwhile is not an error. */
export async function stopAllExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  cause: string,
): Promise<string[]> {
  // Collect first: stopping while paging would shift the pages under the token.
  const arns: string[] = [];
  for await (const execution of runningExecutions(sfn, stateMachineArn)) arns.push(execution.arn);
  for (const executionArn of arns) await stopExecution(sfn, executionArn, 'ProvisioningDisabled', cause);
  return arns;
}

async function stopExecution(sfn: SFNClient, executionArn: string, error: string, cause: string) {
  try {
    await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
  } catch (err) {
    if (!isAwsError(err, 'ExecutionDoesNotExist')) throw err;
  }
}

/**
 * Two `enable`s at the same moment can each find nothing running and each start one. Both then call
 * this: every caller keeps the same execution (the oldest; ties by ARN) and stops the rest, so exactly
 * one Orchestrator survives. Returns the one kept.
 */
export async function keepOldestExecution(sfn: SFNClient, stateMachineArn: string): Promise<string | null> {
  const running: { arn: string; startDate: Date }[] = [];
  for await (const execution of runningExecutions(sfn, stateMachineArn)) {
    if (!running.some((r) => r.arn === execution.arn)) running.push(execution);
  }
  running.sort((a, b) => a.startDate.getTime() - b.startDate.getTime() || a.arn.localeCompare(b.arn));
  const [oldest, ...duplicates] = running;
  for (const duplicate of duplicates) {
    await stopExecution(
      sfn,
      duplicate.arn,
      'DuplicateOrchestration',
      `a concurrent enable started ${oldest?.arn}`,
    );
  }
  return oldest?.arn ?? null;
}
