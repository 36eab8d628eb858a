/** Step Functions task-token calls that treat an expired or unknown token as already handled. */
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { errorName, isAwsError } from './aws-errors.ts';

/** Answers to a task that already ended: nothing is left to tell it, so they are acknowledged, not retried. */
export const STALE_TOKEN_ERRORS = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'] as const;

export type TokenOutcome = { delivered: true } | { delivered: false; error: string };

/** Step Functions limits: error ≤ 256 characters, cause ≤ 32,768. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

async function acknowledgingStale(call: () => Promise<unknown>): Promise<TokenOutcome> {
  try {
    await call();
    return { delivered: true };
  } catch (error) {
    // The task already ended (timed out, or answered before); there is nothing left to tell it.
    if (isAwsError(error, ...STALE_TOKEN_ERRORS))
      return { delivered: false, error: errorName(error) ?? 'unknown' };
    throw error;
  }
}

/** SendTaskSuccess with `output` as JSON; a stale token is `{ delivered: false }`, other errors throw. */
export const sendSuccess = (sfn: SFNClient, taskToken: string, output: unknown) =>
  acknowledgingStale(() =>
    sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
  );

/** SendTaskFailure, clipping error and cause to the Step Functions limits; stale tokens as for `sendSuccess`. */
export const sendFailure = (sfn: SFNClient, taskToken: string, error: string, cause: string) =>
  acknowledgingStale(() =>
    sfn.send(new SendTaskFailureCommand({ taskToken, error: clip(error, 256), cause: clip(cause, 32_768) })),
  );

/** SendTaskHeartbeat; stale tokens as for `sendSuccess`. */
export const sendHeartbeat = (sfn: SFNClient, taskToken: string) =>
  acknowledgingStale(() => sfn.send(new SendTaskHeartbeatCommand({ taskToken })));
