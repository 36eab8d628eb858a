/** The shape of one event parser: keyed by (source, detail-type), a schema for `detail`, and a builder. */
import type { z } from 'zod';
import type { EventMeta, KnownEvent } from './types.ts';

export interface Parser {
  source: string;
  detailType: string;
  schema: z.ZodType<Record<string, unknown>>;
  build(detail: Record<string, unknown>, meta: EventMeta): KnownEvent;
}
