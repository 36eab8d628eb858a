/**
 * One entry point for every EventBridge event spotplane receives: looks up the parser for the event's
 * (source, detail-type) and validates `detail` with its schema. Never throws: an unknown kind is
 * `{ kind: 'unknown' }` (a no-op) and a bad event is `{ kind: 'malformed', issues }` (logged, dropped),
 * so a poison event is never handed back to EventBridge for endless retries.
 *
 * @example
 * const event = parseEvent(rawEventBridgeEvent);
 * if (event.kind === 'spot-interruption-warning') console.log(event.instanceId);
 */
import { z } from 'zod';
import { describeIssues } from '../config.ts';
import { awsParsers } from './aws.ts';
import type { Parser } from './parser.ts';
import { spotplaneParsers } from './spotplane.ts';
import type { EventMeta, ParsedEvent } from './types.ts';

export type { Parser } from './parser.ts';
export type { Ec2InstanceState, EventKind, EventMeta, KnownEvent, ParsedEvent } from './types.ts';

const key = (source: string, detailType: string) => `${source}\u0000${detailType}`;

const registry = new Map<string, Parser>(
  [...awsParsers, ...spotplaneParsers].map((p) => [key(p.source, p.detailType), p]),
);

const envelopeSchema = z.looseObject({
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.unknown(),
  id: z.string().optional(),
  region: z.string().optional(),
  time: z.string().optional(),
});

const field = (raw: unknown, name: string): string | null => {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = (raw as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

/** Parses one raw EventBridge event into a `ParsedEvent`; never throws (see the module comment). */
export function parseEvent(raw: unknown): ParsedEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return {
      kind: 'malformed',
      source: field(raw, 'source'),
      detailType: field(raw, 'detail-type'),
      issues: describeIssues(envelope.error),
    };
  }
  const { source, 'detail-type': detailType } = envelope.data;
  const parser = registry.get(key(source, detailType));
  if (!parser) return { kind: 'unknown', source, detailType };

  const detail = parser.schema.safeParse(envelope.data.detail);
  if (!detail.success) {
    return {
      kind: 'malformed',
      source,
      detailType,
      issues: describeIssues(detail.error).map((issue) =>
        issue.startsWith('(root)') ? issue.replace('(root)', 'detail') : `detail.${issue}`,
      ),
    };
  }
  const meta: EventMeta = {
    id: envelope.data.id ?? null,
    region: envelope.data.region ?? null,
    time: envelope.data.time ?? null,
  };
  return parser.build(detail.data, meta);
}

/** The (source, detail-type) pairs with a parser; deploy and LocalCloud can build rule patterns from it. */
export const KNOWN_EVENT_TYPES: readonly { source: string; detailType: string }[] = [
  ...registry.values(),
].map((p) => ({ source: p.source, detailType: p.detailType }));
