/**
 * PutEvents that does not lose entries: AWS can answer 200 with some entries failed (`FailedEntryCount`,
 * an `ErrorCode` per entry, e.g. ThrottlingException or InternalFailure — EventBridge API Reference,
 * PutEvents). Failed entries (and throttled or 5xx calls) are sent again with backoff; what still fails
 * is returned, never dropped silently.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { awsErrorName, isRetryable } from './aws-errors.ts';
import type { AwsClients } from './clients.ts';
import { realSleep, type Sleep } from './sleep.ts';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;
/** Pauses before the 2nd, 3rd and 4th attempt. */
export const PUT_EVENTS_BACKOFF_MS = [200, 400, 800] as const;

export interface FailedEntry<T> {
  item: T;
  error: string;
}

/**
 * Puts one entry per item (in batches of 10) and retries the failed ones; returns those that failed every
 * attempt with their last error.
 *
 * @example
 * const failed = await putEventsReliably(clients, 'us-east-1', requests, (r) => entryFor(r));
 */
export async function putEventsReliably<T>(
  clients: AwsClients,
  region: string,
  items: readonly T[],
  entry: (item: T) => PutEventsRequestEntry,
  sleep: Sleep = realSleep,
): Promise<FailedEntry<T>[]> {
  let pending: FailedEntry<T>[] = items.map((item) => ({ item, error: 'NotSent' }));
  for (let attempt = 0; attempt <= PUT_EVENTS_BACKOFF_MS.length && pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(PUT_EVENTS_BACKOFF_MS[attempt - 1]!);
    const failed: FailedEntry<T>[] = [];
    for (let i = 0; i < pending.length; i += PUT_EVENTS_BATCH) {
      const batch = pending.slice(i, i + PUT_EVENTS_BATCH);
      try {
        const out = await clients
          .eventBridge(region)
          .send(new PutEventsCommand({ Entries: batch.map((b) => entry(b.item)) }));
        if ((out.FailedEntryCount ?? 0) === 0) continue;
        // Result entries are in request order; a failed one carries an ErrorCode.
        batch.forEach((b, j) => {
          const result = out.Entries?.[j];
          if (!result || result.ErrorCode)
            failed.push({ item: b.item, error: result?.ErrorCode ?? 'NoResult' });
        });
      } catch (error) {
        if (!isRetryable(error)) throw error;
        for (const b of batch) failed.push({ item: b.item, error: awsErrorName(error) });
      }
    }
    pending = failed;
  }
  return pending;
}
