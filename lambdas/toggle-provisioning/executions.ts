/** The Orchestrator's executions: find the running ones (every page) and stop them. */
import { ListExecutionsCommand, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { isAwsError } from '../shared/aws-errors.ts';

export async function* runningExecutions(sfn: SFNClient, stateMachineArn: string, pageSize = 100) {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn,
        statusFilter: 'RUNNING',
        maxResults: pageSize,
        nextToken,
      }),
    );
    for (const execution of page.executions ?? []) {
      if (execution.executionArn) yield execution.executionArn;
    }
    nextToken = page.nextToken;
  } while (nextToken);
}

export async function firstRunningExecution(sfn: SFNClient, stateMachineArn: string): Promise<string | null> {
  for await (const arn of runningExecutions(sfn, stateMachineArn, 1)) return arn;
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
  for await (const arn of runningExecutions(sfn, stateMachineArn)) arns.push(arn);
  for (const executionArn of arns) {
    try {
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'ProvisioningDisabled', cause }));
    } catch (error) {
      if (!isAwsError(error, 'ExecutionDoesNotExist')) throw error;
    }
  }
  return arns;
}
