/** Puts one `Teardown Requested` per worker region on the hub bus; the hub rules forward each to its region. */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Config } from '../../core/config.ts';
import { HUB_SOURCE, TEARDOWN_REQUESTED, type TeardownRequested } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import type { AwsClients } from '../shared/clients.ts';
import { TeardownRequestError } from './errors.ts';

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

async function putOnce(
  clients: AwsClients,
  config: Config,
  entries: { region: string; entry: PutEventsRequestEntry }[],
): Promise<{ region: string; entry: PutEventsRequestEntry; error: string }[]> {
  const failed: { region: string; entry: PutEventsRequestEntry; error: string }[] = [];
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    const out = await clients
      .eventBridge(config.hubRegion)
      .send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }));
    if ((out.FailedEntryCount ?? 0) === 0) continue;
    // Result entries are in request order; a failed one carries an ErrorCode.
    batch.forEach((b, j) => {
      const result = out.Entries?.[j];
      if (!result || result.ErrorCode) failed.push({ ...b, error: result?.ErrorCode ?? 'NoResult' });
    });
  }
  return failed;
}

/**
 * @throws {TeardownRequestError} naming the regions whose request could not be put after one retry.
 */
export async function requestTeardown(
  clients: AwsClients,
  config: Config,
  regions: readonly string[],
): Promise<void> {
  const bus = names(config.prefix).hubBus;
  const entries = regions.map((region) => {
    const detail: TeardownRequested = { prefix: config.prefix, target_region: region };
    return {
      region,
      entry: {
        EventBusName: bus,
        Source: HUB_SOURCE,
        DetailType: TEARDOWN_REQUESTED,
        Detail: JSON.stringify(detail),
      },
    };
  });
  const failedOnce = await putOnce(clients, config, entries);
  if (failedOnce.length === 0) return;
  const failedTwice = await putOnce(clients, config, failedOnce);
  if (failedTwice.length === 0) return;
  const regionsLeft = failedTwice.map((f) => f.region);
  throw new TeardownRequestError(
    `Could not request teardown in ${regionsLeft.join(', ')} (${failedTwice.map((f) => f.error).join(', ')})`,
    regionsLeft,
  );
}
