/**
 * The hub's state table (`<prefix>-state`, docs/DESIGN.md "State: DynamoDB table"): every read and every
 * conditional write of its items. One partition (`pk = "hub"`), so a single strongly consistent Query
 * reads everything a cycle needs; each item has one writer and every write carries its condition.
 */
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { type Clock, isoUtc } from '../../core/clock.ts';
import { type Config, describeIssues } from '../../core/config.ts';
import { names } from '../../core/naming.ts';
import {
  type Market,
  marketSchema,
  SIGNAL_PREFIX,
  type Signal,
  type Spec,
  type StatusItem,
  signalSchema,
  specSchema,
  statusItemSchema,
} from '../../core/plan/index.ts';
import { isAwsError } from './aws-errors.ts';
import type { AwsClients } from './clients.ts';
import { ConflictError, StateItemError } from './errors.ts';

export const PARTITION = 'hub';

/**
 * The table as the hub stack creates it (and LocalCloud, from the same data): string keys `pk` / `sk`,
 * on-demand billing, TTL on `expires_at`.
 */
export const STATE_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expires_at',
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** CreateTable input for the state table (LocalCloud; the stack writes the same fields in Terraform). */
export const createStateTableInput = (tableName: string) => ({
  TableName: tableName,
  BillingMode: STATE_TABLE_SCHEMA.billingMode,
  AttributeDefinitions: [
    { AttributeName: STATE_TABLE_SCHEMA.partitionKey, AttributeType: 'S' as const },
    { AttributeName: STATE_TABLE_SCHEMA.sortKey, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: STATE_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: STATE_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' as const },
  ],
});
/** Signals nobody consumed (no Orchestrator ran) expire through the table's TTL after a week. */
export const SIGNAL_TTL_SECONDS = 7 * 24 * 3600;
/** Re-reads of `spec` after a lost race with another toggle. */
const SPEC_ATTEMPTS = 5;
/** TransactWriteItems takes 100 items: the status write, the spec check and 98 signal deletions. */
export const MAX_CONSUMED_PER_WRITE = 98;

export interface TableSnapshot {
  spec: Spec | null;
  status: StatusItem | null;
  signals: Signal[];
  wakes: number;
  token: string | null;
  market: Market | null;
  runs: { count: number; epoch: string } | null;
}

export type StatusWriteResult = 'written' | 'superseded' | 'spec-changed';

type Item = Record<string, unknown>;

function parse<T>(schema: z.ZodType<T>, item: Item, what: string): T {
  const { pk: _pk, sk: _sk, expires_at: _ttl, ...rest } = item;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    throw new StateItemError(`state item ${what} is not valid: ${describeIssues(parsed.error).join('; ')}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

const conditionFailed = (error: unknown) => isAwsError(error, 'ConditionalCheckFailedException');

/** The hub's state table, through the injected hub-region DynamoDB client. */
export class StateTable {
  readonly tableName: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly deps: { clients: AwsClients; config: Config; clock: Clock }) {
    this.tableName = names(deps.config.prefix).stateTable;
    this.doc = DynamoDBDocumentClient.from(deps.clients.dynamodb(deps.config.hubRegion), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  private key(sk: string) {
    return { pk: PARTITION, sk };
  }

  /**
   * Every item at once (one strongly consistent Query, all pages).
   *
   * @example
   * const { spec, status, signals, wakes } = await table.snapshot();
   * @throws {StateItemError} when an item is not what its writer stores.
   */
  async snapshot(): Promise<TableSnapshot> {
    const out: TableSnapshot = {
      spec: null,
      status: null,
      signals: [],
      wakes: 0,
      token: null,
      market: null,
      runs: null,
    };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (page.Items ?? []) as Item[]) this.absorb(out, item);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private absorb(out: TableSnapshot, item: Item): void {
    const sk = String(item.sk);
    if (sk === 'spec') out.spec = parse(specSchema, item, 'spec');
    else if (sk === 'status') out.status = parse(statusItemSchema, item, 'status');
    else if (sk === 'market') out.market = parse(marketSchema, item, 'market');
    else if (sk === 'wake') {
      out.wakes = typeof item.wakes === 'number' ? item.wakes : 0;
      out.token = typeof item.token === 'string' ? item.token : null;
    } else if (sk === 'runs') {
      out.runs = { count: Number(item.count ?? 0), epoch: String(item.epoch ?? '') };
    } else if (sk.startsWith(SIGNAL_PREFIX)) {
      out.signals.push(parse(signalSchema, { ...item, id: sk }, sk));
    }
  }

  private async get<T>(sk: string, schema: z.ZodType<T>): Promise<T | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(sk), ConsistentRead: true }),
    );
    return out.Item ? parse(schema, out.Item as Item, sk) : null;
  }

  /** The `spec` item, or null before the first toggle. */
  spec(): Promise<Spec | null> {
    return this.get('spec', specSchema);
  }

  /** The `status` item, or null before the first Orchestrator wrote one. */
  status(): Promise<StatusItem | null> {
    return this.get('status', statusItemSchema);
  }

  /**
   * Writes `spec` from its current value, conditional on the generation read; a lost race re-reads and
   * recomputes (up to 5 times). `change` must bump `generation`.
   *
   * @throws {ConflictError} when every attempt lost a race.
   */
  async writeSpec(change: (current: Spec | null, now: Date) => Spec): Promise<Spec> {
    for (let attempt = 0; attempt < SPEC_ATTEMPTS; attempt++) {
      const current = await this.spec();
      const next = change(current, this.deps.clock.now());
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...this.key('spec'), ...next },
            ...(current
              ? {
                  ConditionExpression: 'generation = :generation',
                  ExpressionAttributeValues: { ':generation': current.generation },
                }
              : { ConditionExpression: 'attribute_not_exists(sk)' }),
          }),
        );
        return next;
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    }
    throw new ConflictError(`spec changed under every one of ${SPEC_ATTEMPTS} attempts to write it`);
  }

  /**
   * Writes `status` if its version is still `expectedVersion` (null: no status yet) and (with `run`) no
   * later run wrote it, deleting the signals it absorbed in the same transaction. With `exitGeneration`
   * the write also requires `spec.generation` to be that value, so a toggle landing meanwhile cancels an exit.
   */
  async writeStatus(
    item: StatusItem,
    expectedVersion: number | null,
    options: {
      consumed?: readonly string[];
      exitGeneration?: number;
      run?: number;
      /** The writer's continuation count and execution: orders executions of one run (see below). */
      execution?: { k: number; name: string };
    } = {},
  ): Promise<StatusWriteResult> {
    const consumed = (options.consumed ?? []).slice(0, MAX_CONSUMED_PER_WRITE);
    // Two live runs would otherwise take turns without ever conflicting: a status written by a later run
    // (a higher run number) refuses an earlier one, so the older Orchestrator stops. Within one run, a later
    // continuation (higher k) follows an earlier one; two executions with the same run and k (a start by
    // hand or a retried start with the same input) are told apart by name: the one that wrote last keeps
    // the status, the other is superseded at its next write.
    // The whole condition is written as one OR list of AND terms, without parentheses (AND binds tighter than
    // OR in DynamoDB's condition grammar, so `version = :version` is repeated in each term): each level of
    // parentheses multiplies the work of a backtracking expression parser such as the one LocalCloud's
    // DynamoDB (dynalite) uses, and this condition is parsed on every status write (24 ms nested three deep,
    // 1.9 ms with the terms in one pair of parentheses, 0.4 ms flat).
    const later =
      options.execution === undefined
        ? ['orchestrator.#run <= :run']
        : [
            'orchestrator.#run < :run',
            'orchestrator.#run = :run AND attribute_not_exists(orchestrator.#k)',
            'orchestrator.#run = :run AND orchestrator.#k < :k',
            'orchestrator.#run = :run AND orchestrator.#k = :k AND orchestrator.#execution = :execution',
          ];
    const condition =
      options.run === undefined
        ? 'version = :version'
        : ['attribute_not_exists(orchestrator.#run)', ...later]
            .map((term) => `version = :version AND ${term}`)
            .join(' OR ');
    const put = {
      TableName: this.tableName,
      Item: { ...this.key('status'), ...item },
      ...(expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(sk)' }
        : {
            ConditionExpression: condition,
            ExpressionAttributeValues: {
              ':version': expectedVersion,
              ...(options.run !== undefined && { ':run': options.run }),
              ...(options.run !== undefined &&
                options.execution && { ':k': options.execution.k, ':execution': options.execution.name }),
            },
            ...(options.run !== undefined && {
              ExpressionAttributeNames: {
                '#run': 'run',
                ...(options.execution && { '#k': 'k', '#execution': 'execution' }),
              },
            }),
          }),
    };
    if (consumed.length === 0 && options.exitGeneration === undefined) {
      try {
        await this.doc.send(new PutCommand(put));
        return 'written';
      } catch (error) {
        if (conditionFailed(error)) return 'superseded';
        throw error;
      }
    }
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [{ Put: put }];
    if (options.exitGeneration !== undefined) {
      items.push({
        ConditionCheck: {
          TableName: this.tableName,
          Key: this.key('spec'),
          ConditionExpression: 'attribute_not_exists(sk) OR generation = :generation',
          ExpressionAttributeValues: { ':generation': options.exitGeneration },
        },
      });
    }
    for (const id of consumed) items.push({ Delete: { TableName: this.tableName, Key: this.key(id) } });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if (!isAwsError(error, 'TransactionCanceledException')) throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'superseded';
      if (options.exitGeneration !== undefined && reasons[1]?.Code === 'ConditionalCheckFailed')
        return 'spec-changed';
      throw error;
    }
  }

  /**
   * Stores a signal once: a redelivered event (same id) is not stored twice. Returns whether it was new.
   */
  async putSignal(signal: Signal): Promise<boolean> {
    if (!signal.id.startsWith(SIGNAL_PREFIX))
      throw new StateItemError(`signal id must start with ${SIGNAL_PREFIX}`);
    const expiresAt = Math.floor(this.deps.clock.now().getTime() / 1000) + SIGNAL_TTL_SECONDS;
    const { id, ...fields } = signal;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(id), ...fields, expires_at: expiresAt },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /** Counts a wake and returns the token of the Act task waiting now (if any). */
  async wake(): Promise<{ wakes: number; token: string | null }> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key('wake'),
        UpdateExpression: 'ADD wakes :one SET woken_at = :now',
        ExpressionAttributeValues: { ':one': 1, ':now': isoUtc(this.deps.clock.now()) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = (out.Attributes ?? {}) as Item;
    return { wakes: Number(item.wakes ?? 0), token: typeof item.token === 'string' ? item.token : null };
  }

  /** Registers the waiting Act task's token; returns the wake count at that instant. */
  async registerToken(token: string): Promise<{ wakes: number }> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key('wake'),
        UpdateExpression: 'SET #token = :token, token_at = :now',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token, ':now': isoUtc(this.deps.clock.now()) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { wakes: Number((out.Attributes as Item | undefined)?.wakes ?? 0) };
  }

  /** Stores fresher market data; an older write arriving late never replaces newer data. */
  async putMarket(market: Market): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key('market'), ...market },
          ConditionExpression: 'attribute_not_exists(sk) OR prices_at < :at',
          ExpressionAttributeValues: { ':at': market.prices_at ?? '' },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  /** Takes the next run number (and fixes the epoch at the first one); used to name executions. */
  async nextRun(): Promise<{ count: number; epoch: string }> {
    const epoch = isoUtc(this.deps.clock.now()).replace(/[-:]/g, '').slice(0, 13);
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key('runs'),
        UpdateExpression: 'ADD #count :one SET epoch = if_not_exists(epoch, :epoch)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':epoch': epoch },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = (out.Attributes ?? {}) as Item;
    return { count: Number(item.count), epoch: String(item.epoch) };
  }

  /** Deletes signals (those an exiting or superseded writer must not leave behind are few). */
  async deleteSignal(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(id) }));
  }
}
