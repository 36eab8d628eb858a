/** The state-store's input: one action per call (see docs/DESIGN.md), validated before anything is read. */
import { z } from 'zod';
import { describeIssues } from '../../core/config.ts';
import { instanceDetailSchema, LIFECYCLES, STATUSES } from '../../core/messages.ts';
import { StateStoreInputError } from './errors.ts';

const name = z.string().min(1);
/** The Orchestrator may pass its execution id along, for the logs. */
const common = { execution: z.string().optional() };

export const stateStoreInputSchema = z.discriminatedUnion('action', [
  z.object({ ...common, action: z.literal('get') }),
  z.object({ ...common, action: z.literal('set_status'), status: z.enum(STATUSES) }),
  z.object({ ...common, action: z.literal('exclude'), region: name, reason: name }),
  z.object({
    ...common,
    action: z.literal('record_running'),
    region: name,
    lifecycle: z.enum(LIFECYCLES),
    instances: z.array(instanceDetailSchema),
  }),
  z.object({ ...common, action: z.literal('register_loss_token'), task_token: name, region: name }),
  z.object({ ...common, action: z.literal('next_backoff'), attempt: z.int().min(0) }),
]);
export type StateStoreInput = z.output<typeof stateStoreInputSchema>;

/**
 * Validates one state-store call.
 *
 * @throws {StateStoreInputError} naming every bad field.
 */
export function parseStateStoreInput(input: unknown): StateStoreInput {
  const result = stateStoreInputSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  throw new StateStoreInputError(`Invalid state-store input: ${issues.join('; ')}`, issues, {
    cause: result.error,
  });
}
