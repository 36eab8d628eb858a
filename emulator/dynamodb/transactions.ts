/**
 * TransactWriteItems and TransactGetItems, which dynalite does not implement, built on its store,
 * validations and actions so each part behaves exactly like the single-item call it stands for.
 * Rules from the DynamoDB API reference (API_TransactWriteItems.html, API_TransactGetItems.html) and
 * the Developer Guide ("Amazon DynamoDB Transactions: How it works", transaction-apis.html):
 * - 1 to 100 actions, each exactly one of ConditionCheck / Put / Update / Delete, on distinct items
 *   (otherwise `ValidationException`), aggregate size at most 4 MB;
 * - all or nothing: a failed condition cancels the whole request with `TransactionCanceledException`
 *   and `CancellationReasons` in request order (`None` for the actions that were not the cause,
 *   `ConditionalCheckFailed` with the old item when `ReturnValuesOnConditionCheckFailure` is ALL_OLD,
 *   `TransactionConflict` for an item another request is writing, `ValidationError` for an update
 *   that would break a limit);
 * - `ClientRequestToken` makes the call idempotent for 10 minutes: the same token and request
 *   succeed again without writing; the same token with other parameters is
 *   `IdempotentParameterMismatchException`; while the first is running, `TransactionInProgressException`.
 */
import {
  type ActionData,
  checkConditional,
  type DynaliteError,
  type DynaliteOperation,
  type DynaliteStore,
  dynamoError,
  getItem,
  getTable,
  itemKey,
  itemSize,
  run,
  type TableDescription,
  validate,
  validateItem,
  validateKey,
  type WireItem,
} from './dynalite.ts';
import type { ItemLocks } from './item-locks.ts';

export interface TransactionContext {
  store: DynaliteStore;
  locks: ItemLocks;
  /** LocalCloud's clock, in ms (client tokens expire on it). */
  now(): number;
  /** Client tokens seen, by token. */
  tokens: Map<string, { request: string; state: 'running' | 'done'; at: number }>;
}

const MAX_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
const TOKEN_TTL_MS = 10 * 60_000;

const WRITE_KINDS = ['ConditionCheck', 'Put', 'Update', 'Delete'] as const;
type WriteKind = (typeof WRITE_KINDS)[number];

/** Which single-item call validates (and carries out) each kind, and the fields it takes. */
const WRITE_ACTIONS: Record<WriteKind, { operation: DynaliteOperation; required: string[] }> = {
  ConditionCheck: { operation: 'DeleteItem', required: ['ConditionExpression'] },
  Put: { operation: 'PutItem', required: [] },
  Update: { operation: 'UpdateItem', required: ['UpdateExpression'] },
  Delete: { operation: 'DeleteItem', required: [] },
};

interface Reason {
  Code: string;
  Message?: string;
  Item?: WireItem;
}

interface Planned {
  kind: WriteKind | 'Get';
  data: ActionData;
  table: TableDescription;
  /** Identity of the item across tables (lock key). */
  id: string;
  /** dynalite's key of the item in its table. */
  key: string;
  returnOldOnFailure: boolean;
}

/** TransactWriteItems with DynamoDB's all-or-nothing semantics. */
export async function transactWriteItems(ctx: TransactionContext, body: ActionData): Promise<object> {
  const entries = checkCount(body.TransactItems);
  const token = typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : undefined;
  const request = JSON.stringify(entries);
  if (token !== undefined) {
    const seen = ctx.tokens.get(token);
    if (seen && ctx.now() - seen.at > TOKEN_TTL_MS) ctx.tokens.delete(token);
    else if (seen && seen.request !== request) {
      throw dynamoError(
        400,
        'IdempotentParameterMismatchException',
        'The request uses the same client token as a previous, but non-identical request.',
      );
    } else if (seen?.state === 'running') {
      throw dynamoError(
        400,
        'TransactionInProgressException',
        'The transaction with the given request token is already in progress.',
      );
    } else if (seen) return {};
  }

  const planned: Planned[] = [];
  for (const [i, entry] of entries.entries()) planned.push(await planWrite(ctx.store, entry, i));
  checkDistinct(planned);
  const bytes = planned.reduce((n, p) => n + itemSize((p.data.Item ?? p.data.Key) as WireItem), 0);
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw dynamoError(
      400,
      'ValidationException',
      'Transaction request size has exceeded the maximum allowed size of 4 MB',
    );
  }

  if (token !== undefined) ctx.tokens.set(token, { request, state: 'running', at: ctx.now() });
  let succeeded = false;
  try {
    await withItems(ctx, planned, async (existing) => {
      const reasons = planned.map((p, i) => conditionReason(p, existing[i]));
      if (reasons.some((r) => r.Code !== 'None')) throw cancelled(reasons);
      await applyAll(ctx.store, planned, existing);
    });
    succeeded = true;
    return {};
  } finally {
    if (token !== undefined) {
      if (succeeded) ctx.tokens.set(token, { request, state: 'done', at: ctx.now() });
      else ctx.tokens.delete(token);
    }
  }
}

/** TransactGetItems: a consistent snapshot of up to 100 items, or cancelled when one is being written. */
export async function transactGetItems(ctx: TransactionContext, body: ActionData): Promise<object> {
  const entries = checkCount(body.TransactItems);
  const planned: Planned[] = [];
  for (const [i, entry] of entries.entries()) {
    const get = (entry as Record<string, unknown>).Get;
    if (typeof get !== 'object' || get === null) {
      throw dynamoError(
        400,
        'ValidationException',
        `1 validation error detected: Value null at 'transactItems.${i + 1}.member.get' failed to satisfy constraint: Member must not be null`,
      );
    }
    const data = validate('GetItem', { ...(get as ActionData) }, ctx.store);
    planned.push(await locate(ctx.store, 'Get', data, data.Key as WireItem, false));
  }
  const responses: object[] = [];
  await withItems(ctx, planned, async () => {
    for (const p of planned) {
      const out = await run('GetItem', ctx.store, p.data);
      responses.push(out.Item ? { Item: out.Item } : {});
    }
  });
  return { Responses: responses };
}

function checkCount(items: unknown): unknown[] {
  if (!Array.isArray(items)) {
    throw dynamoError(
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (items.length < 1 || items.length > MAX_ACTIONS) {
    const bound = items.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ACTIONS}`;
    throw dynamoError(
      400,
      'ValidationException',
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  return items;
}

async function planWrite(store: DynaliteStore, entry: unknown, index: number): Promise<Planned> {
  const present = WRITE_KINDS.filter((k) => (entry as Record<string, unknown> | null)?.[k] != null);
  if (present.length !== 1) {
    throw dynamoError(
      400,
      'ValidationException',
      'TransactItems can only contain one of Check, Put, Update or Delete',
    );
  }
  const kind = present[0]!;
  const raw = { ...((entry as Record<string, ActionData>)[kind] as ActionData) };
  const { operation, required } = WRITE_ACTIONS[kind];
  for (const field of required) {
    if (raw[field] == null) {
      const path = `transactItems.${index + 1}.member.${kind[0]!.toLowerCase()}${kind.slice(1)}.${field[0]!.toLowerCase()}${field.slice(1)}`;
      throw dynamoError(
        400,
        'ValidationException',
        `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }
  const returnOld = raw.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
  const data = validate(operation, raw, store);
  return locate(store, kind, data, (kind === 'Put' ? data.Item : data.Key) as WireItem, returnOld);
}

async function locate(
  store: DynaliteStore,
  kind: Planned['kind'],
  data: ActionData,
  keyItem: WireItem,
  returnOldOnFailure: boolean,
): Promise<Planned> {
  const table = await getTable(store, String(data.TableName));
  const invalid = kind === 'Put' ? validateItem(keyItem, table) : validateKey(keyItem, table);
  if (invalid) throw invalid;
  const key = itemKey(keyItem, table);
  return { kind, data, table, id: `${table.TableName}\u0000${key}`, key, returnOldOnFailure };
}

function checkDistinct(planned: readonly Planned[]): void {
  if (new Set(planned.map((p) => p.id)).size !== planned.length) {
    throw dynamoError(
      400,
      'ValidationException',
      'Transaction request cannot include multiple operations on one item',
    );
  }
}

/** Holds every item of the transaction while `body` runs on their current values, or cancels on a conflict. */
async function withItems(
  ctx: TransactionContext,
  planned: readonly Planned[],
  body: (existing: (WireItem | undefined)[]) => Promise<void>,
): Promise<void> {
  const ids = planned.map((p) => p.id);
  const busy = new Set(ctx.locks.takeForTransaction(ids));
  if (busy.size > 0) {
    throw cancelled(
      planned.map((p) =>
        busy.has(p.id)
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      ),
    );
  }
  try {
    const existing: (WireItem | undefined)[] = [];
    for (const p of planned) existing.push(await getItem(ctx.store, p.table.TableName, p.key));
    await body(existing);
  } finally {
    ctx.locks.release(ids);
  }
}

function conditionReason(p: Planned, existing: WireItem | undefined): Reason {
  if (!checkConditional(p.data, existing)) return { Code: 'None' };
  return {
    Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed',
    ...(p.returnOldOnFailure && existing ? { Item: existing } : {}),
  };
}

/** Writes every action; if one fails (e.g. an update past 400 KB), restores the items already written. */
async function applyAll(
  store: DynaliteStore,
  planned: readonly Planned[],
  existing: readonly (WireItem | undefined)[],
): Promise<void> {
  const written: number[] = [];
  for (const [i, p] of planned.entries()) {
    if (p.kind === 'ConditionCheck' || p.kind === 'Get') continue;
    try {
      await run(WRITE_ACTIONS[p.kind].operation, store, p.data);
      written.push(i);
    } catch (error) {
      for (const j of written.reverse()) await restore(store, planned[j]!, existing[j]);
      const message = (error as DynaliteError).body?.message ?? (error as Error).message;
      throw cancelled(
        planned.map((_, k) => (k === i ? { Code: 'ValidationError', Message: message } : { Code: 'None' })),
      );
    }
  }
}

async function restore(store: DynaliteStore, p: Planned, old: WireItem | undefined): Promise<void> {
  const TableName = p.table.TableName;
  if (old) {
    await run('PutItem', store, { TableName, Item: old });
    return;
  }
  const source = (p.data.Item ?? p.data.Key) as WireItem;
  const Key = Object.fromEntries(p.table.KeySchema.map((k) => [k.AttributeName, source[k.AttributeName]!]));
  await run('DeleteItem', store, { TableName, Key });
}

function cancelled(reasons: Reason[]): DynaliteError {
  return dynamoError(
    400,
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}
