/**
 * What LocalCloud counts for the control plane's bill (sim/bill.ts): DynamoDB request units as the
 * on-demand price page defines them, and EventBridge custom events (PutEvents entries, cross-Region
 * forwards billed again where they arrive; AWS service events free).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';

const TABLE = 'sp-state';

function cloudIn(regions: string[]) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({
    clock,
    seed: 'billing',
    markets: Object.fromEntries(regions.map((r) => [r, {}])),
  });
  return { clock, cloud };
}

describe('LocalCloud billing counters', () => {
  it('counts DynamoDB request units: 1 KB per write unit, 4 KB per read unit, transactions twice, failed conditions too', async () => {
    const { cloud } = cloudIn(['us-east-1']);
    const r = cloud.region('us-east-1');
    await r.dynamodb.createTable({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    const ddb = cloud.clients().dynamodb('us-east-1');
    const units = () => r.dynamodb.requestUnits();

    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' } } }));
    expect(units()).toEqual({ read: 0, write: 1 });
    await ddb.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'big' }, blob: { S: 'x'.repeat(3000) } } }),
    );
    expect(units().write).toBe(1 + 3);
    await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } }, ConsistentRead: true }));
    expect(units().read).toBe(1);
    const failed = await ddb
      .send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((e) => e);
    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect(units().write).toBe(5);
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'b' } } } }],
      }),
    );
    expect(units().write).toBe(7);
    await cloud.close();
  });

  it('bills PutEvents entries it accepted and a cross-Region forward again where it arrives, never an AWS event', async () => {
    const { clock, cloud } = cloudIn(['us-east-1', 'us-west-2']);
    const east = cloud.region('us-east-1').events;
    const west = cloud.region('us-west-2').events;
    east.createEventBus('hub');
    west.createEventBus('worker');
    await east.putDeployedRule({
      Name: 'to-west',
      EventBusName: 'hub',
      EventPattern: JSON.stringify({ source: ['spotplane'] }),
      State: 'ENABLED',
    });
    await east.putTargets({
      Rule: 'to-west',
      EventBusName: 'hub',
      Targets: [{ Id: 't', Arn: west.busArn('worker') }],
    });

    const entry = { EventBusName: 'hub', Source: 'spotplane', DetailType: 'Launch Requested', Detail: '{}' };
    const out = await east.putEvents({ Entries: [entry, entry, { ...entry, Detail: 'not json' }] });
    expect(out.FailedEntryCount).toBe(1);
    east.emitAwsEvent({
      source: 'aws.ec2',
      detailType: 'EC2 Spot Instance Interruption Warning',
      detail: {},
    });
    await clock.advance(5_000);
    expect(east.billedEvents()).toBe(2);
    expect(west.billedEvents()).toBe(2);
    await cloud.close();
  });
});
