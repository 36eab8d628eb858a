import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

/** DynamoDB's item size limit (Developer Guide, "Service, account, and table quotas": 400 KB). */
const MAX_ITEM_BYTES = 400 * 1024;

export function dynamoDbContract(name: string, makeTarget: TargetFactory): void {
  describe(`DynamoDB contract (${name})`, () => {
    let t: ContractTarget;
    const ddb = () => t.clients.dynamodb(t.region);
    const key = (pk: string) => ({ pk: { S: pk } });
    const putVersion = (pk: string, version: number, doc = 'v') =>
      ddb().send(
        new PutItemCommand({
          TableName: t.tableName,
          Item: { ...key(pk), version: { N: String(version) }, doc: { S: doc } },
        }),
      );
    /** Compare-and-set: write `doc` as version `from + 1` only if the stored version is still `from`. */
    const casUpdate = (pk: string, from: number, doc: string) =>
      ddb().send(
        new UpdateItemCommand({
          TableName: t.tableName,
          Key: key(pk),
          UpdateExpression: 'SET #v = :next, doc = :doc',
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: {
            ':next': { N: String(from + 1) },
            ':expected': { N: String(from) },
            ':doc': { S: doc },
          },
        }),
      );
    const stored = async (pk: string) =>
      (await ddb().send(new GetItemCommand({ TableName: t.tableName, Key: key(pk), ConsistentRead: true })))
        .Item;

    beforeEach(async () => {
      t = await makeTarget();
    });

    it('returns an item it stored, and no Item for a key never written', async () => {
      const pk = t.unique('item');
      await putVersion(pk, 1, 'hello');
      expect(await stored(pk)).toEqual({ ...key(pk), version: { N: '1' }, doc: { S: 'hello' } });
      expect(await stored(t.unique('missing'))).toBeUndefined();
    });

    it('refuses a conditional put on an existing item with ConditionalCheckFailedException (400), leaving it unchanged', async () => {
      const pk = t.unique('item');
      await putVersion(pk, 1, 'first');
      const error = await ddb()
        .send(
          new PutItemCommand({
            TableName: t.tableName,
            Item: { ...key(pk), version: { N: '1' }, doc: { S: 'second' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((e) => e);
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect(error.name).toBe('ConditionalCheckFailedException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect((await stored(pk))?.doc).toEqual({ S: 'first' });
    });

    it('compare-and-set on a version: the writer holding the current version wins, a stale one is refused', async () => {
      const pk = t.unique('item');
      await putVersion(pk, 1);
      await casUpdate(pk, 1, 'fresh');
      const stale = await casUpdate(pk, 1, 'stale').catch((e) => e);
      expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
      expect(await stored(pk)).toMatchObject({ version: { N: '2' }, doc: { S: 'fresh' } });
    });

    it('of concurrent writers that read the same version, exactly one wins', async () => {
      const pk = t.unique('item');
      await putVersion(pk, 7);
      const writers = ['a', 'b', 'c', 'd', 'e'];
      const results = await Promise.allSettled(writers.map((w) => casUpdate(pk, 7, w)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => r.reason.name)).toEqual(Array(4).fill('ConditionalCheckFailedException'));
      const winner = writers[results.findIndex((r) => r.status === 'fulfilled')];
      expect(await stored(pk)).toMatchObject({ version: { N: '8' }, doc: { S: winner } });
    });

    it('works through lib-dynamodb (document marshalling runs inside the client)', async () => {
      const doc = DynamoDBDocumentClient.from(ddb());
      const pk = t.unique('doc');
      await doc.send(
        new PutCommand({ TableName: t.tableName, Item: { pk, version: 1, state: { status: 'RUNNING' } } }),
      );
      await doc.send(
        new UpdateCommand({
          TableName: t.tableName,
          Key: { pk },
          UpdateExpression: 'SET version = version + :one',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':one': 1, ':v': 1 },
        }),
      );
      const got = await doc.send(new GetCommand({ TableName: t.tableName, Key: { pk } }));
      expect(got.Item).toEqual({ pk, version: 2, state: { status: 'RUNNING' } });
    });

    it('a transaction whose conditions hold applies every write', async () => {
      const a = t.unique('a');
      const b = t.unique('b');
      const c = t.unique('c');
      await putVersion(a, 1);
      await putVersion(b, 1);
      await ddb().send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: t.tableName,
                Key: key(a),
                ConditionExpression: 'version = :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
            {
              Update: {
                TableName: t.tableName,
                Key: key(b),
                UpdateExpression: 'SET version = :two',
                ExpressionAttributeValues: { ':two': { N: '2' } },
              },
            },
            { Put: { TableName: t.tableName, Item: { ...key(c), version: { N: '1' } } } },
          ],
        }),
      );
      expect((await stored(b))?.version).toEqual({ N: '2' });
      expect((await stored(c))?.version).toEqual({ N: '1' });
    });

    it('a failed condition cancels the whole transaction: TransactionCanceledException with reasons in order, nothing written', async () => {
      const a = t.unique('a');
      const b = t.unique('b');
      await putVersion(a, 1);
      await putVersion(b, 5);
      const error = await ddb()
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: t.tableName,
                  Key: key(a),
                  UpdateExpression: 'SET version = :two',
                  ExpressionAttributeValues: { ':two': { N: '2' } },
                },
              },
              {
                ConditionCheck: {
                  TableName: t.tableName,
                  Key: key(b),
                  ConditionExpression: 'version = :one',
                  ExpressionAttributeValues: { ':one': { N: '1' } },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        )
        .catch((e) => e);
      expect(error).toBeInstanceOf(TransactionCanceledException);
      expect(error.message).toBe(
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
      );
      expect(error.CancellationReasons).toEqual([
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { ...key(b), version: { N: '5' }, doc: { S: 'v' } },
        },
      ]);
      expect((await stored(a))?.version).toEqual({ N: '1' });
    });

    it('refuses two actions on one item in a transaction (ValidationException)', async () => {
      const a = t.unique('a');
      const error = await ddb()
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: t.tableName, Item: { ...key(a), version: { N: '1' } } } },
              { Delete: { TableName: t.tableName, Key: key(a) } },
            ],
          }),
        )
        .catch((e) => e);
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
      expect(await stored(a)).toBeUndefined();
    });

    it('of concurrent transactions on one version, exactly one commits', async () => {
      const pk = t.unique('item');
      await putVersion(pk, 3);
      const tx = (doc: string) =>
        ddb().send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: t.tableName,
                  Key: key(pk),
                  UpdateExpression: 'SET version = :next, doc = :doc',
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: {
                    ':next': { N: '4' },
                    ':expected': { N: '3' },
                    ':doc': { S: doc },
                  },
                },
              },
            ],
          }),
        );
      const results = await Promise.allSettled(['x', 'y', 'z'].map(tx));
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of lost) {
        expect(r.reason).toBeInstanceOf(TransactionCanceledException);
        expect(['ConditionalCheckFailed', 'TransactionConflict']).toContain(
          r.reason.CancellationReasons[0].Code,
        );
      }
      expect((await stored(pk))?.version).toEqual({ N: '4' });
    });

    it('repeats a transaction with the same ClientRequestToken without writing twice; other parameters are a mismatch', async () => {
      const pk = t.unique('counter');
      const add = (n: string) =>
        new TransactWriteItemsCommand({
          ClientRequestToken: `token-${pk}`,
          TransactItems: [
            {
              Update: {
                TableName: t.tableName,
                Key: key(pk),
                UpdateExpression: 'ADD hits :n',
                ExpressionAttributeValues: { ':n': { N: n } },
              },
            },
          ],
        });
      await ddb().send(add('1'));
      await ddb().send(add('1'));
      const mismatch = await ddb()
        .send(add('2'))
        .catch((e) => e);
      expect((await stored(pk))?.hits).toEqual({ N: '1' });
      expect(mismatch.name).toBe('IdempotentParameterMismatchException');
    });

    it('TransactGetItems reads several items at once, in request order', async () => {
      const a = t.unique('a');
      const b = t.unique('b');
      await putVersion(a, 1);
      await putVersion(b, 2);
      const out = await ddb().send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: t.tableName, Key: key(b) } },
            { Get: { TableName: t.tableName, Key: key(t.unique('none')) } },
            { Get: { TableName: t.tableName, Key: key(a), ProjectionExpression: 'version' } },
          ],
        }),
      );
      expect(out.Responses).toEqual([
        { Item: { ...key(b), version: { N: '2' }, doc: { S: 'v' } } },
        {},
        { Item: { version: { N: '1' } } },
      ]);
    });

    it('refuses an item over 400 KB with ValidationException, and an update that would grow one past it', async () => {
      const pk = t.unique('big');
      // Item size counts attribute names and values: pk + its value + "doc" + the string.
      const fits = 'x'.repeat(MAX_ITEM_BYTES - 'pk'.length - pk.length - 'doc'.length);
      await ddb().send(
        new PutItemCommand({ TableName: t.tableName, Item: { ...key(pk), doc: { S: fits } } }),
      );
      const tooBig = await ddb()
        .send(new PutItemCommand({ TableName: t.tableName, Item: { ...key(pk), doc: { S: `${fits}x` } } }))
        .catch((e) => e);
      const grown = await ddb()
        .send(
          new UpdateItemCommand({
            TableName: t.tableName,
            Key: key(pk),
            UpdateExpression: 'SET more = :x',
            ExpressionAttributeValues: { ':x': { S: 'x' } },
          }),
        )
        .catch((e) => e);
      expect(tooBig.name).toBe('ValidationException');
      expect(tooBig.message).toBe('Item size has exceeded the maximum allowed size');
      expect(grown.name).toBe('ValidationException');
      expect(grown.message).toBe('Item size to update has exceeded the maximum allowed size');
    });

    it('answers ResourceNotFoundException for a table that does not exist', async () => {
      const error = await ddb()
        .send(new GetItemCommand({ TableName: t.unique('no-such-table'), Key: key('x') }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
    });

    it('describes an on-demand table (BillingModeSummary PAY_PER_REQUEST) and refuses throughput with it', async () => {
      const described = await ddb().send(new DescribeTableCommand({ TableName: t.tableName }));
      const refused = await ddb()
        .send(
          new CreateTableCommand({
            TableName: t.unique('both-modes'),
            BillingMode: 'PAY_PER_REQUEST',
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          }),
        )
        .catch((e) => e);
      expect(described.Table).toMatchObject({
        TableName: t.tableName,
        TableStatus: 'ACTIVE',
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
      expect(refused.name).toBe('ValidationException');
    });
  });
}
