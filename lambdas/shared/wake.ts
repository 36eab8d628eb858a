/**
 * Waking the Orchestrator through the `wake` item (docs/DESIGN.md "Wake protocol"), so a wake is never
 * lost between cycles: counted first, then the waiting Act task (if any) is answered.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HandlerDeps } from './deps.ts';
import type { StateTable } from './state-table.ts';
import { sendSuccess } from './task-tokens.ts';

/**
 * Counts a wake and answers the waiting Act task, if one waits. A task that already ended (its token is
 * stale) is fine: the next registration sees the wake count and returns at once.
 */
export async function wakeOrchestrator(
  deps: HandlerDeps,
  table: StateTable,
  why: string,
  logger?: Logger,
): Promise<{ delivered: boolean }> {
  const { token } = await table.wake();
  if (!token) return { delivered: false };
  const sent = await sendSuccess(deps.clients.sfn(deps.config.hubRegion), token, { woke: why });
  if (!sent.delivered) logger?.debug('wake token already used', { error: sent.error });
  return { delivered: sent.delivered };
}
