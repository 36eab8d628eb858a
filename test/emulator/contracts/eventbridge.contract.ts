import {
  DisableRuleCommand,
  EnableRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function eventBridgeContract(name: string, makeTarget: TargetFactory): void {
  describe(`EventBridge contract (${name})`, () => {
    let t: ContractTarget;
    let source: string;
    const events = (region?: string) => t.clients.eventBridge(region ?? t.region);
    const put = (detail: object, region?: string) =>
      events(region).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: t.busName,
              Source: source,
              DetailType: 'Test Event',
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
    const ruleToSink = async (pattern: object, region?: string, targetArn?: string) => {
      const rule = t.unique('rule');
      await events(region).send(
        new PutRuleCommand({ Name: rule, EventBusName: t.busName, EventPattern: JSON.stringify(pattern) }),
      );
      await events(region).send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: t.busName,
          Targets: [{ Id: 'sink', Arn: targetArn ?? t.sinkArn }],
        }),
      );
      return rule;
    };
    const receivedHere = () => t.received().filter((e) => e.source === source);

    beforeEach(async () => {
      t = await makeTarget();
      source = `contract.${t.unique('src')}`;
    });

    it('fires a rate() scheduled rule on the default bus on its period, as an aws.events Scheduled Event', async () => {
      const rule = t.unique('schedule');
      const out = await events().send(
        new PutRuleCommand({ Name: rule, ScheduleExpression: 'rate(5 minutes)' }),
      );
      await events().send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'sink', Arn: t.sinkArn }] }));
      const scheduled = () => t.received().filter((e) => e.source === 'aws.events');
      await t.advance(4 * 60_000);
      const early = scheduled().length;
      await t.advance(6 * 60_000 + 1_000);
      expect(early).toBe(0);
      expect(scheduled()).toHaveLength(2);
      expect(scheduled()[0]).toMatchObject({
        'detail-type': 'Scheduled Event',
        region: t.region,
        detail: {},
      });
      expect((scheduled()[0] as unknown as { resources: string[] }).resources).toEqual([out.RuleArn]);
      const bad = await events()
        .send(new PutRuleCommand({ Name: t.unique('bad'), ScheduleExpression: 'rate(1 minutes)' }))
        .catch((e) => e);
      expect(bad.name).toBe('ValidationException');
      const onCustomBus = await events()
        .send(
          new PutRuleCommand({
            Name: t.unique('bus'),
            EventBusName: t.busName,
            ScheduleExpression: 'rate(5 minutes)',
          }),
        )
        .catch((e) => e);
      expect(onCustomBus.name).toBe('ValidationException');
    });

    it('delivers a matching event to the rule target, in the EventBridge event envelope', async () => {
      await ruleToSink({ source: [source], detail: { target_region: [t.region] } });
      const out = await put({ target_region: t.region, n: 1 });
      await t.advance(1_000);
      expect(out.FailedEntryCount).toBe(0);
      expect(out.Entries?.[0]?.EventId).toBeTruthy();
      expect(receivedHere()).toHaveLength(1);
      expect(receivedHere()[0]).toMatchObject({
        source,
        'detail-type': 'Test Event',
        region: t.region,
        detail: { target_region: t.region, n: 1 },
      });
    });

    it('does not deliver an event the pattern does not match', async () => {
      await ruleToSink({ source: [source], detail: { target_region: [t.region] } });
      await put({ target_region: 'somewhere-else-1' });
      await t.advance(1_000);
      expect(receivedHere()).toEqual([]);
    });

    it('does not deliver through a disabled rule, and delivers again once it is enabled', async () => {
      const rule = await ruleToSink({ source: [source] });
      await events().send(new DisableRuleCommand({ Name: rule, EventBusName: t.busName }));
      await put({ n: 1 });
      await t.advance(1_000);
      await events().send(new EnableRuleCommand({ Name: rule, EventBusName: t.busName }));
      await put({ n: 2 });
      await t.advance(1_000);
      expect(receivedHere().map((e) => e.detail.n)).toEqual([2]);
    });

    it('forwards to a bus in another region, keeping source, detail-type and detail', async () => {
      const otherBus = `arn:aws:events:${t.otherRegion}:${t.sinkArn.split(':')[4]}:event-bus/${t.busName}`;
      await ruleToSink({ source: [source] }, t.otherRegion);
      await ruleToSink({ source: [source] }, t.region, otherBus);
      await put({ hop: 'cross-region' });
      await t.advance(1_000);
      expect(receivedHere().map((e) => e.detail)).toEqual([{ hop: 'cross-region' }]);
    });

    it('refuses events that claim an aws.* source', async () => {
      const out = await events().send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: t.busName,
              Source: 'aws.ec2',
              DetailType: 'EC2 Spot Instance Interruption Warning',
              Detail: '{}',
            },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    });

    it('reports a malformed Detail per entry instead of failing the call', async () => {
      const out = await events().send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: t.busName, Source: source, DetailType: 'x', Detail: 'not json' },
            { EventBusName: t.busName, Source: source, DetailType: 'x', Detail: '{}' },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
      expect(out.Entries?.[1]?.EventId).toBeTruthy();
    });

    it('rejects an invalid event pattern with InvalidEventPatternException', async () => {
      const error = await events()
        .send(
          new PutRuleCommand({
            Name: t.unique('rule'),
            EventBusName: t.busName,
            EventPattern: '{"source": "not-an-array"}',
          }),
        )
        .catch((e) => e);
      expect(error.name).toBe('InvalidEventPatternException');
    });

    it('throws ResourceNotFoundException for a rule or bus that does not exist', async () => {
      const missingRule = await events()
        .send(new EnableRuleCommand({ Name: t.unique('nope'), EventBusName: t.busName }))
        .catch((e) => e);
      const missingBus = await events()
        .send(
          new PutRuleCommand({
            Name: t.unique('rule'),
            EventBusName: t.unique('no-bus'),
            EventPattern: '{"source":["x"]}',
          }),
        )
        .catch((e) => e);
      expect(missingRule.name).toBe('ResourceNotFoundException');
      expect(missingBus.name).toBe('ResourceNotFoundException');
    });
  });
}
