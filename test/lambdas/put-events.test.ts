import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { PUT_EVENTS_BACKOFF_MS, putEventsReliably } from '../../lambdas/shared/put-events.ts';
import { awsError, fakeAws } from './helpers.ts';

const aws = fakeAws();
const slept: number[] = [];
const sleep = async (ms: number) => {
  slept.push(ms);
};
const entry = (n: number) => ({ Source: 's', DetailType: 'd', Detail: JSON.stringify({ n }) });
const sent = () =>
  aws.mocks.eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);

beforeEach(() => {
  aws.reset();
  slept.length = 0;
});

describe('putEventsReliably', () => {
  it('sends in batches of 10 and reports nothing when everything went', async () => {
    aws.mocks.eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const failed = await putEventsReliably(aws.clients, 'us-east-1', [...Array(12).keys()], entry, sleep);
    expect(failed).toEqual([]);
    expect(sent()).toEqual([10, 2]);
  });

  it('sends failed entries again, with backoff, until they go', async () => {
    aws.mocks.eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const failed = await putEventsReliably(aws.clients, 'us-east-1', [1, 2], entry, sleep);
    expect(failed).toEqual([]);
    expect(sent()).toEqual([2, 1]);
    expect(slept).toEqual([PUT_EVENTS_BACKOFF_MS[0]]);
  });

  it('reports what failed every attempt, with the last error, instead of dropping it', async () => {
    aws.mocks.eventBridge.on(PutEventsCommand).rejects(awsError('ThrottlingException'));
    const failed = await putEventsReliably(aws.clients, 'us-east-1', [1], entry, sleep);
    expect(failed).toEqual([{ item: 1, error: 'ThrottlingException' }]);
    expect(slept).toEqual([...PUT_EVENTS_BACKOFF_MS]);
  });

  it('does not retry a mistake of ours (a validation error)', async () => {
    aws.mocks.eventBridge.on(PutEventsCommand).rejects(awsError('ValidationException'));
    await expect(putEventsReliably(aws.clients, 'us-east-1', [1], entry, sleep)).rejects.toThrow(
      /ValidationException/,
    );
  });
});
