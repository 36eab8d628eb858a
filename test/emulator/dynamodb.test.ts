/**
 * LocalCloud's DynamoDB beyond the per-API contract: injected faults, the Step Functions integrations,
 * write conflicts with transactions, and shutdown.
 */
import {
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { ItemLocks } from '../../emulator/dynamodb/item-locks.ts';
import { createLocalCloud } from '../../emulator/index.ts';

const REGION = 'us-east-1';
const TABLE = 'sp-state';

async function setup() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'dynamodb', markets: { [REGION]: {} } });
  const r = cloud.region(REGION);
  await r.dynamodb.createTable({
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  const ddb = cloud.clients().dynamodb(REGION);
  const run = async (states: object) => {
    const { stateMachineArn } = await r.sfn.createStateMachine({
      name: `m${Math.random().toString(36).slice(2, 8)}`,
      roleArn: 'arn:aws:iam::123456789012:role/x',
      definition: JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    });
    const { executionArn } = await r.sfn.startExecution({ stateMachineArn, input: '{}' });
    await clock.advance(1_000);
    return r.sfn.describeExecution({ executionArn });
  };
  return { clock, cloud, r, ddb, run };
}

const item = (pk: string, version: number) => ({ pk: { S: pk }, version: { N: String(version) } });

describe('LocalCloud DynamoDB', () => {
  it('fails the next `times` calls of an action with an injected fault, as the SDK error class', async () => {
    const { cloud, ddb } = await setup();
    cloud.injectFault({
      service: 'dynamodb',
      region: REGION,
      action: 'PutItem',
      error: 'ProvisionedThroughputExceededException',
      times: 1,
    });
    const first = await ddb
      .send(new PutItemCommand({ TableName: TABLE, Item: item('a', 1) }))
      .catch((e) => e);
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: item('a', 2) }));
    const got = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    expect(first).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(first.$metadata.httpStatusCode).toBe(400);
    expect(got.Item?.version).toEqual({ N: '2' });
  });

  it('answers an injected InternalServerError as the service fault it is (HTTP 500)', async () => {
    const { cloud, ddb } = await setup();
    cloud.injectFault({ service: 'dynamodb', action: 'GetItem', error: 'InternalServerError', times: 1 });
    const error = await ddb
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }))
      .catch((e) => e);
    expect(error.name).toBe('InternalServerError');
    expect(error.$fault).toBe('server');
    expect(error.$metadata.httpStatusCode).toBe(500);
  });

  it('runs aws-sdk:dynamodb tasks, naming a failed condition DynamoDb.ConditionalCheckFailedException', async () => {
    const { run } = await setup();
    const done = await run({
      Seed: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
        Parameters: { TableName: TABLE, Item: item('cas', 2) },
        ResultPath: null,
        Next: 'Stale',
      },
      Stale: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:updateItem',
        Parameters: {
          TableName: TABLE,
          Key: { pk: { S: 'cas' } },
          UpdateExpression: 'SET version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':next': { N: '2' }, ':expected': { N: '1' } },
        },
        Catch: [{ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], Next: 'Lost' }],
        End: true,
      },
      Lost: { Type: 'Pass', Result: 'lost the race', End: true },
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toBe('lost the race');
  });

  it('runs the optimized dynamodb:getItem / putItem integration, naming errors DynamoDB.<Name>', async () => {
    const { run } = await setup();
    const out = await run({
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: {
          TableName: TABLE,
          Item: item('opt', 1),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        ResultPath: null,
        Next: 'Get',
      },
      Get: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: TABLE, Key: { pk: { S: 'opt' } } },
        ResultSelector: { 'version.$': '$.Item.version.N' },
        ResultPath: '$.read',
        Next: 'PutAgain',
      },
      PutAgain: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: {
          TableName: TABLE,
          Item: item('opt', 1),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        Catch: [
          { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.error', Next: 'Done' },
        ],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    });
    expect(out.status).toBe('SUCCEEDED');
    expect(JSON.parse(out.output!)).toMatchObject({
      read: { version: '1' },
      error: { Error: 'DynamoDB.ConditionalCheckFailedException' },
    });
  });

  it('applies injected faults to Step Functions DynamoDB tasks too', async () => {
    const { cloud, run } = await setup();
    cloud.injectFault({
      service: 'dynamodb',
      region: REGION,
      action: 'GetItem',
      error: 'ThrottlingException',
      times: 1,
    });
    const out = await run({
      Get: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
        Parameters: { TableName: TABLE, Key: { pk: { S: 'x' } } },
        Catch: [{ ErrorEquals: ['DynamoDb.ThrottlingException'], Next: 'Throttled' }],
        End: true,
      },
      Throttled: { Type: 'Pass', Result: 'throttled', End: true },
    });
    expect(JSON.parse(out.output!)).toBe('throttled');
  });

  it('close() frees the stores: later requests fail as ServiceUnavailable', async () => {
    const { cloud, ddb } = await setup();
    await cloud.close();
    const error = await ddb
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }))
      .catch((e) => e);
    expect(error.name).toBe('ServiceUnavailable');
  });
});

describe('DynamoDB item locks (conflicts with transactions)', () => {
  it('refuses a single write to an item a transaction holds, and lets it through once released', async () => {
    const locks = new ItemLocks();
    expect(locks.takeForTransaction(['t/a'])).toEqual([]);
    expect(await locks.takeForWrite('t/a')).toBe(false);
    locks.release(['t/a']);
    expect(await locks.takeForWrite('t/a')).toBe(true);
  });

  it('cancels a transaction on an item being written, naming only the busy items', async () => {
    const locks = new ItemLocks();
    await locks.takeForWrite('t/b');
    expect(locks.takeForTransaction(['t/a', 't/b'])).toEqual(['t/b']);
    expect(locks.holder('t/a')).toBeUndefined();
  });

  it('queues single writes to one item in arrival order', async () => {
    const locks = new ItemLocks();
    const order: string[] = [];
    await locks.takeForWrite('t/a');
    const second = locks.takeForWrite('t/a').then(() => order.push('second'));
    const third = locks.takeForWrite('t/a').then(() => order.push('third'));
    locks.release(['t/a']);
    await second;
    locks.release(['t/a']);
    await third;
    expect(order).toEqual(['second', 'third']);
  });

  it('makes a read wait out a transaction, not a single write', async () => {
    const locks = new ItemLocks();
    locks.takeForTransaction(['t/a']);
    let read = false;
    const waiting = locks.untilNoTransaction('t/a').then(() => {
      read = true;
    });
    await Promise.resolve();
    expect(read).toBe(false);
    locks.release(['t/a']);
    await waiting;
    await locks.takeForWrite('t/a');
    await locks.untilNoTransaction('t/a');
    expect(read).toBe(true);
  });
});
