/**
 * EventBridge of one region: buses, rules with event patterns, and targets. A matching event is
 * delivered to each target asynchronously (like AWS, PutEvents returns before targets run): another
 * region's bus, a state machine (StartExecution with the event as input) or a Lambda function.
 */
import type {
  DescribeRuleCommandInput,
  DescribeRuleCommandOutput,
  DisableRuleCommandInput,
  EnableRuleCommandInput,
  ListRulesCommandInput,
  ListRulesCommandOutput,
  ListTargetsByRuleCommandInput,
  ListTargetsByRuleCommandOutput,
  PutEventsCommandInput,
  PutEventsCommandOutput,
  PutEventsResultEntry,
  PutRuleCommandInput,
  PutRuleCommandOutput,
  PutTargetsCommandInput,
  PutTargetsCommandOutput,
  Target,
} from '@aws-sdk/client-eventbridge';
import { isoUtc } from '../core/clock.ts';
import type { AwsEventInput, RegionContext } from './context.ts';
import { paginate } from './context.ts';
import { awsError } from './errors.ts';
import { matchesPattern, validatePattern } from './event-pattern.ts';
import type { LatencyModel } from './latency.ts';

type Output<T> = Omit<T, '$metadata'>;

/** An event as EventBridge delivers it to targets. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface LocalRule {
  name: string;
  arn: string;
  busName: string;
  pattern: Record<string, unknown>;
  patternText: string;
  /** The state the API reports (what was last asked for). */
  state: 'ENABLED' | 'DISABLED';
  /** The state events meet: a change takes effect `ruleChangePropagation` after it was asked for. */
  matching: { state: 'ENABLED' | 'DISABLED'; from: number; before: 'ENABLED' | 'DISABLED' };
  description: string | undefined;
  targets: Map<string, Target>;
  /** A scheduled rule (no event pattern): its expression and how to stop its clock timer. */
  schedule?: { expression: string; everyMs: number; cancel: () => void };
}

const RATE_UNITS_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The period of a `rate(value unit)` schedule expression (EventBridge User Guide, "Schedule expressions
 * for rules": a positive integer and minute(s) / hour(s) / day(s), singular for 1). LocalCloud runs rate
 * schedules only; a cron expression is refused rather than silently never firing.
 */
export function rateMs(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  const value = match ? Number(match[1]) : 0;
  const unit = match?.[2] ?? '';
  if (!match || value < 1 || (value === 1) !== !unit.endsWith('s')) {
    throw awsError('eventbridge', 'ValidationException', 'Parameter ScheduleExpression is not valid.');
  }
  return value * RATE_UNITS_MS[unit.replace(/s$/, '')]!;
}

export interface Delivery {
  at: string;
  bus: string;
  rule: string;
  targetArn: string;
  eventId: string;
  detailType: string;
  error: string | null;
}

/** Sends the (possibly transformed) event to a target ARN; provided by LocalCloud, which knows all regions. */
export type TargetDelivery = (targetArn: string, input: unknown, event: BusEvent) => Promise<void>;

/** A rule -> target delivery made late, twice, or never (`LocalCloud.injectDeliveryFault`). */
export interface DeliveryFault {
  /** Region of the bus whose rule delivers; every region when omitted. */
  region?: string;
  rule?: string;
  source?: string;
  detailType?: string;
  kind: 'delay' | 'duplicate' | 'drop';
  /** Extra delay of a `delay` fault (ms of clock time). */
  delayMs?: number;
  /** How many matching deliveries it changes (default 1). */
  times?: number;
}

export interface EventBridgeDeps {
  deliver: TargetDelivery;
  latency: LatencyModel;
  /** The delivery fault that applies to this rule -> target delivery, if any (consumed). */
  takeFault?: (rule: string, event: BusEvent) => DeliveryFault | undefined;
}

const MAX_ENTRIES = 10;
const DELIVERY_LOG_LIMIT = 500;

export class EventBridgeService {
  /** Custom events ingested, for the control plane's bill (AWS events on the default bus are free). */
  private customEvents = 0;
  private readonly buses = new Map<string, Map<string, LocalRule>>([['default', new Map()]]);
  private readonly deliveries: Delivery[] = [];
  private pending = 0;

  constructor(
    private readonly ctx: RegionContext,
    private readonly deps: EventBridgeDeps,
  ) {}

  createEventBus(name: string): string {
    if (!this.buses.has(name)) this.buses.set(name, new Map());
    return this.busArn(name);
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.ctx.region}:${this.ctx.accountId}:event-bus/${name}`;
  }

  rules(): LocalRule[] {
    return [...this.buses.values()].flatMap((rules) => [...rules.values()]);
  }

  recentDeliveries(): Delivery[] {
    return [...this.deliveries];
  }

  /** Deliveries started and not yet finished (tests wait for this to reach 0). */
  inFlight(): number {
    return this.pending;
  }

  /** Publishes an AWS service event (`aws.*` sources are reserved for AWS, so PutEvents refuses them). */
  emitAwsEvent(input: AwsEventInput): void {
    this.publish('default', {
      version: '0',
      id: this.ctx.ids.uuid(),
      'detail-type': input.detailType,
      source: input.source,
      account: this.ctx.accountId,
      time: isoUtc(this.ctx.clock.now()),
      region: this.ctx.region,
      resources: input.resources ?? [],
      detail: input.detail,
    });
  }

  /** Receives an event another region's rule sent to one of this region's buses. */
  receive(busName: string, event: BusEvent): void {
    if (!this.buses.has(busName)) {
      throw awsError('eventbridge', 'ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    }
    // A cross-Region bus target is billed as a custom event in the receiving Region (EventBridge pricing).
    this.customEvents++;
    this.publish(busName, event);
  }

  /** Custom events this region's buses took in (PutEvents entries and events from another region's bus). */
  billedEvents(): number {
    return this.customEvents;
  }

  async putEvents(input: PutEventsCommandInput): Promise<Output<PutEventsCommandOutput>> {
    const entries = input.Entries ?? [];
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw awsError(
        'eventbridge',
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    const results: PutEventsResultEntry[] = entries.map((entry) => {
      const busName = this.busName(entry.EventBusName);
      if (!this.buses.has(busName)) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${busName} does not exist.` };
      }
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
        };
      }
      if (entry.Source.startsWith('aws.')) {
        return {
          ErrorCode: 'NotAuthorizedForSourceException',
          ErrorMessage: 'Not authorized for the source.',
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const event: BusEvent = {
        version: '0',
        id: this.ctx.ids.uuid(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.ctx.accountId,
        time: isoUtc(entry.Time ? new Date(entry.Time) : this.ctx.clock.now()),
        region: this.ctx.region,
        resources: entry.Resources ?? [],
        detail: detail as Record<string, unknown>,
      };
      this.customEvents++;
      this.publish(busName, event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  async putRule(input: PutRuleCommandInput): Promise<Output<PutRuleCommandOutput>> {
    const rules = this.requireBus(input.EventBusName);
    const name = input.Name;
    if (!name || !/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
      throw awsError(
        'eventbridge',
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      );
    }
    if (!input.EventPattern && !input.ScheduleExpression) {
      throw awsError(
        'eventbridge',
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    let pattern: Record<string, unknown> = {};
    if (input.EventPattern) {
      try {
        pattern = JSON.parse(input.EventPattern) as Record<string, unknown>;
        validatePattern(pattern);
      } catch (cause) {
        throw awsError(
          'eventbridge',
          'InvalidEventPatternException',
          `Event pattern is not valid. Reason: ${(cause as Error).message}`,
        );
      }
    }
    const busName = this.busName(input.EventBusName);
    const everyMs = input.ScheduleExpression ? rateMs(input.ScheduleExpression) : undefined;
    if (everyMs !== undefined && busName !== 'default') {
      throw awsError(
        'eventbridge',
        'ValidationException',
        'ScheduleExpression is supported only on the default event bus.',
      );
    }
    const existing = rules.get(name);
    existing?.schedule?.cancel();
    const state = input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    const rule: LocalRule = {
      name,
      arn: `arn:aws:events:${this.ctx.region}:${this.ctx.accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`,
      busName,
      pattern,
      patternText: input.EventPattern ?? '',
      state,
      matching: existing?.matching ?? { state: 'DISABLED', from: 0, before: 'DISABLED' },
      description: input.Description,
      targets: existing?.targets ?? new Map(),
    };
    this.changeMatching(rule, state);
    if (input.ScheduleExpression && everyMs !== undefined) {
      rule.schedule = { expression: input.ScheduleExpression, everyMs, cancel: this.every(everyMs, rule) };
    }
    rules.set(name, rule);
    return { RuleArn: rule.arn };
  }

  /**
   * Creates (or replaces) a rule that matches from now on, as one deployed long before it is used does (the
   * stacks create rules at deploy time); API callers get `putRule`, whose changes take effect later.
   */
  async putDeployedRule(input: PutRuleCommandInput): Promise<Output<PutRuleCommandOutput>> {
    const result = await this.putRule(input);
    const rule = this.requireRule(input.Name, input.EventBusName);
    rule.matching = { state: rule.state, from: 0, before: rule.state };
    return result;
  }

  /** Fires a scheduled rule's targets every `everyMs` on the clock while the rule is enabled. */
  private every(everyMs: number, rule: LocalRule): () => void {
    let cancel = () => {};
    const tick = () => {
      cancel = this.ctx.clock.setTimer(everyMs, tick);
      if (this.matchingState(rule, this.ctx.clock.now().getTime()) !== 'ENABLED') return;
      // AWS's scheduled event (EventBridge User Guide, "Scheduled events"): from aws.events, naming the rule.
      const event: BusEvent = {
        version: '0',
        id: this.ctx.ids.uuid(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: this.ctx.accountId,
        time: isoUtc(this.ctx.clock.now()),
        region: this.ctx.region,
        resources: [rule.arn],
        detail: {},
      };
      for (const target of rule.targets.values()) this.deliverLater(rule, target, event);
    };
    cancel = this.ctx.clock.setTimer(everyMs, tick);
    return () => cancel();
  }

  async enableRule(input: EnableRuleCommandInput): Promise<Record<string, never>> {
    this.changeMatching(this.requireRule(input.Name, input.EventBusName), 'ENABLED');
    return {};
  }

  async disableRule(input: DisableRuleCommandInput): Promise<Record<string, never>> {
    this.changeMatching(this.requireRule(input.Name, input.EventBusName), 'DISABLED');
    return {};
  }

  async describeRule(input: DescribeRuleCommandInput): Promise<Output<DescribeRuleCommandOutput>> {
    const rule = this.requireRule(input.Name, input.EventBusName);
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.schedule ? undefined : rule.patternText,
      ScheduleExpression: rule.schedule?.expression,
      State: rule.state,
      Description: rule.description,
      EventBusName: rule.busName,
    };
  }

  async listRules(input: ListRulesCommandInput): Promise<Output<ListRulesCommandOutput>> {
    const rules = [...this.requireBus(input.EventBusName).values()].filter(
      (r) => !input.NamePrefix || r.name.startsWith(input.NamePrefix),
    );
    const { page, nextToken } = paginate(rules, input.Limit, input.NextToken, 100, () =>
      awsError('eventbridge', 'ValidationException', 'Invalid NextToken.'),
    );
    return {
      Rules: page.map((r) => ({
        Name: r.name,
        Arn: r.arn,
        EventPattern: r.patternText,
        State: r.state,
        EventBusName: r.busName,
      })),
      NextToken: nextToken,
    };
  }

  async putTargets(input: PutTargetsCommandInput): Promise<Output<PutTargetsCommandOutput>> {
    const rule = this.requireRule(input.Rule, input.EventBusName);
    const targets = input.Targets ?? [];
    if (targets.length === 0 || targets.length > 10) {
      throw awsError(
        'eventbridge',
        'ValidationException',
        "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const failed: { TargetId?: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of targets) {
      if (!target.Id || !target.Arn) {
        failed.push({
          TargetId: target.Id,
          ErrorCode: 'ValidationException',
          ErrorMessage: 'Target Id and Arn are required.',
        });
        continue;
      }
      if (target.Input !== undefined && target.InputPath !== undefined) {
        failed.push({
          TargetId: target.Id,
          ErrorCode: 'ValidationException',
          ErrorMessage: 'Only one of Input, InputPath, or InputTransformer can be specified.',
        });
        continue;
      }
      rule.targets.set(target.Id, { ...target });
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  async listTargetsByRule(
    input: ListTargetsByRuleCommandInput,
  ): Promise<Output<ListTargetsByRuleCommandOutput>> {
    const rule = this.requireRule(input.Rule, input.EventBusName);
    return { Targets: [...rule.targets.values()] };
  }

  /**
   * A rule's new state takes effect after a propagation delay: "a new or updated rule might not take effect
   * immediately" (EventBridge User Guide), so events put right after EnableRule can miss the rule.
   */
  private changeMatching(rule: LocalRule, state: 'ENABLED' | 'DISABLED'): void {
    const now = this.ctx.clock.now().getTime();
    const before = this.matchingState(rule, now);
    rule.state = state;
    rule.matching = { state, from: now + this.deps.latency.sample('ruleChangePropagation'), before };
  }

  private matchingState(rule: LocalRule, at: number): 'ENABLED' | 'DISABLED' {
    return at >= rule.matching.from ? rule.matching.state : rule.matching.before;
  }

  private publish(busName: string, event: BusEvent): void {
    const now = this.ctx.clock.now().getTime();
    for (const rule of this.buses.get(busName)?.values() ?? []) {
      // A scheduled rule has no event pattern: only its clock fires it.
      if (
        rule.schedule ||
        this.matchingState(rule, now) !== 'ENABLED' ||
        !matchesPattern(rule.pattern, event)
      )
        continue;
      for (const target of rule.targets.values()) this.deliverLater(rule, target, event);
    }
  }

  private deliverLater(rule: LocalRule, target: Target, event: BusEvent): void {
    const fault = this.deps.takeFault?.(rule.name, event);
    const record: Delivery = {
      at: this.ctx.clock.now().toISOString(),
      bus: rule.busName,
      rule: rule.name,
      targetArn: target.Arn!,
      eventId: event.id,
      detailType: event['detail-type'],
      error: fault?.kind === 'drop' ? 'dropped (injected delivery fault)' : null,
    };
    this.deliveries.push(record);
    if (this.deliveries.length > DELIVERY_LOG_LIMIT) this.deliveries.shift();
    if (fault?.kind === 'drop') return;
    const copies = fault?.kind === 'duplicate' ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const delayMs =
        this.deps.latency.sample('eventBridgeDelivery') +
        (fault?.kind === 'delay' ? (fault.delayMs ?? 0) : 0);
      this.pending++;
      Promise.resolve()
        .then(() => (delayMs > 0 ? this.ctx.clock.sleep(delayMs) : undefined))
        .then(() => this.deps.deliver(target.Arn!, transformInput(target, event), event))
        .catch((error: unknown) => {
          record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        })
        .finally(() => {
          this.pending--;
        });
    }
  }

  private busName(ref: string | undefined): string {
    if (!ref) return 'default';
    return ref.replace(/^arn:aws:events:[^:]+:[^:]+:event-bus\//, '');
  }

  private requireBus(ref: string | undefined): Map<string, LocalRule> {
    const name = this.busName(ref);
    const rules = this.buses.get(name);
    if (!rules)
      throw awsError('eventbridge', 'ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return rules;
  }

  private requireRule(name: string | undefined, bus: string | undefined): LocalRule {
    const rule = this.requireBus(bus).get(name ?? '');
    if (!rule) {
      throw awsError(
        'eventbridge',
        'ResourceNotFoundException',
        `Rule ${name} does not exist on EventBus ${this.busName(bus)}.`,
      );
    }
    return rule;
  }
}

/** Target `Input` (constant JSON), `InputPath` (`$.detail`-style) or the whole event. */
function transformInput(target: Target, event: BusEvent): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath) {
    let value: unknown = event;
    for (const part of target.InputPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    return value;
  }
  return event;
}
