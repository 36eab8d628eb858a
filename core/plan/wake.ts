/**
 * Worker reports as signals (docs/DESIGN.md "Events only wake"). Read tolerantly: the plan only uses what
 * it can check, so any worker event of this deployment becomes a signal as long as it names its region;
 * progress reports (`Launch Heartbeat`) are not signals at all — progress is observed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoUtc } from '../clock.ts';
import {
  LAUNCH_FAILED,
  LAUNCH_SUCCEEDED,
  REGION_LOST,
  TEARDOWN_COMPLETED,
  WORKER_SOURCE,
} from '../messages.ts';
import type { Signal, SignalKind } from './types.ts';
import { SIGNAL_PREFIX } from './types.ts';

/** Detail-types that become signals, and their kind. */
export const SIGNAL_OF: Readonly<Record<string, SignalKind>> = {
  [LAUNCH_SUCCEEDED]: 'launch-succeeded',
  [LAUNCH_FAILED]: 'launch-failed',
  [REGION_LOST]: 'region-lost',
  [TEARDOWN_COMPLETED]: 'teardown-completed',
  'Teardown Failed': 'teardown-failed',
};

const envelopeSchema = z.looseObject({
  id: z.string().optional(),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.looseObject({
    prefix: z.string(),
    region: z.string(),
    intent: z.int().optional(),
    instance_id: z.string().nullable().optional(),
    reason: z.string().optional(),
    error: z.string().optional(),
  }),
});

export type SignalDecision =
  | { signal: Signal }
  | { ignored: 'NOT_A_WORKER_EVENT' | 'OTHER_DEPLOYMENT' | 'PROGRESS_ONLY' | 'MALFORMED'; detail?: string };

/** A stable id for an event without one (a test's direct invocation): the same event, the same id. */
const contentId = (raw: unknown) =>
  createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32);

/**
 * The signal a worker event carries for this deployment, or why there is none.
 *
 * @example
 * toSignal({ id: 'e1', source: 'spotplane.worker', 'detail-type': 'Region Lost', detail: { prefix: 'spotplane', region: 'us-west-2', reason: 'SpotInterruption', instance_id: 'i-1' } }, 'spotplane', now);
 * // { signal: { id: 'signal#e1', kind: 'region-lost', region: 'us-west-2', instance_id: 'i-1', reason: 'SpotInterruption', intent: null, at } }
 */
export function toSignal(raw: unknown, prefix: string, now: Date): SignalDecision {
  const source = (raw as { source?: unknown } | null)?.source;
  if (source !== WORKER_SOURCE) return { ignored: 'NOT_A_WORKER_EVENT' };
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success)
    return { ignored: 'MALFORMED', detail: parsed.error.issues.map((i) => i.path.join('.')).join(', ') };
  const { detail, id } = parsed.data;
  if (detail.prefix !== prefix) return { ignored: 'OTHER_DEPLOYMENT' };
  const kind = SIGNAL_OF[parsed.data['detail-type']];
  if (!kind) return { ignored: 'PROGRESS_ONLY', detail: parsed.data['detail-type'] };
  return {
    signal: {
      id: `${SIGNAL_PREFIX}${id ?? contentId(raw)}`,
      kind,
      region: detail.region,
      intent: detail.intent ?? null,
      instance_id: detail.instance_id ?? null,
      reason: detail.reason ?? detail.error ?? null,
      at: isoUtc(now),
    },
  };
}
