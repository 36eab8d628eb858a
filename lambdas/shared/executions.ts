/** The Orchestrator's running executions, on every page. */
import { paginateListExecutions, type SFNClient } from '@aws-sdk/client-sfn';

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
