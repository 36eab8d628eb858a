/**
 * Typed access to dynalite (https://github.com/architect/dynalite), the DynamoDB implementation
 * LocalCloud runs in process: its in-memory store, its request validations and its actions. We call
 * them directly (no HTTP server, no socket) so the semantics of every supported action — expressions,
 * conditional writes, `ConditionalCheckFailedException`, the 400 KB item limit, billing modes — are
 * dynalite's, i.e. DynamoDB's as dynalite reproduces them, never ours.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A DynamoDB item or key in the wire format (`{ "pk": { "S": "x" } }`). */
export type WireItem = Record<string, Record<string, unknown>>;

/** An error dynalite answers with: HTTP status and the JSON body DynamoDB sends. */
export interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type: string; message?: string; Message?: string };
}

export interface TableDescription {
  TableName: string;
  TableStatus: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  [key: string]: unknown;
}

type Callback<T> = (err: DynaliteError | null, value?: T) => void;

export interface SubDb {
  get(key: string, cb: Callback<WireItem>): void;
  put(key: string, value: unknown, cb: Callback<void>): void;
}

export interface DynaliteStore {
  options: { maxItemSize: number };
  tableDb: SubDb;
  getItemDb(tableName: string): SubDb;
  getTable(name: string, checkStatus: boolean, cb: Callback<TableDescription>): void;
  db: { close(cb: (err?: Error | null) => void): void };
}

/** A validated request, as dynalite's actions take it (parsed expressions in `_condition`, `_updates`). */
export type ActionData = Record<string, unknown>;
type Action = (store: DynaliteStore, data: ActionData, cb: Callback<Record<string, unknown>>) => void;
interface ActionValidation {
  types: Record<string, unknown>;
  custom?: (data: ActionData, store: DynaliteStore) => string | undefined;
}

const db = require('dynalite/db') as {
  create(options: Record<string, unknown>): DynaliteStore;
  createKey(item: WireItem, table: TableDescription): string;
  validateKey(key: WireItem, table: TableDescription): DynaliteError | undefined;
  validateItem(item: WireItem, table: TableDescription): DynaliteError | undefined;
  checkConditional(data: ActionData, existing: WireItem | undefined): DynaliteError | null | undefined;
  itemSize(item: WireItem): number;
};
const validations = require('dynalite/validations') as {
  checkTypes(data: ActionData, types: Record<string, unknown>): ActionData;
  checkValidations(
    data: ActionData,
    types: Record<string, unknown>,
    custom: ActionValidation['custom'],
    store: DynaliteStore,
  ): void;
};

/** Every operation dynalite implements (its `validOperations`), by DynamoDB's name. */
export const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'ListTagsOfResource',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'UpdateItem',
  'UpdateTable',
] as const;
export type DynaliteOperation = (typeof DYNALITE_OPERATIONS)[number];

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const actions = new Map<string, { run: Action; validation: ActionValidation }>(
  DYNALITE_OPERATIONS.map((op) => [
    op,
    {
      run: require(`dynalite/actions/${lowerFirst(op)}`) as Action,
      validation: require(`dynalite/validations/${lowerFirst(op)}`) as ActionValidation,
    },
  ]),
);

/**
 * A fresh in-memory store. Table status changes (CREATING -> ACTIVE, DELETING -> gone) happen on the
 * next real tick: dynalite schedules them with `setTimeout`, which LocalCloud's clock cannot drive, so
 * a delay would either hold a real timer open or fire at a random virtual time.
 */
export function createStore(): DynaliteStore {
  return db.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

/**
 * Checks a request body as DynamoDB does for `operation` (types, then constraints) and returns the
 * data dynalite's action takes. Throws a `DynaliteError` carrying DynamoDB's error body.
 */
export function validate(operation: DynaliteOperation, body: ActionData, store: DynaliteStore): ActionData {
  const { validation } = actions.get(operation)!;
  const data = validations.checkTypes(body, validation.types);
  validations.checkValidations(data, validation.types, validation.custom, store);
  return data;
}

/** Runs a validated request; rejects with a `DynaliteError` (DynamoDB's error body) on failure. */
export function run(
  operation: DynaliteOperation,
  store: DynaliteStore,
  data: ActionData,
): Promise<Record<string, unknown>> {
  const { run: action } = actions.get(operation)!;
  return new Promise((resolve, reject) => {
    action(store, data, (err, out) => (err ? reject(err) : resolve(out ?? {})));
  });
}

export function getTable(store: DynaliteStore, name: string): Promise<TableDescription> {
  return new Promise((resolve, reject) => {
    store.getTable(name, false, (err, table) => (err ? reject(err) : resolve(table!)));
  });
}

export function getItem(store: DynaliteStore, tableName: string, key: string): Promise<WireItem | undefined> {
  return new Promise((resolve, reject) => {
    store.getItemDb(tableName).get(key, (err, item) => {
      if (err && err.name !== 'NotFoundError') reject(err);
      else resolve(err ? undefined : item);
    });
  });
}

export function putTable(store: DynaliteStore, table: TableDescription): Promise<void> {
  return new Promise((resolve, reject) => {
    store.tableDb.put(table.TableName, table, (err) => (err ? reject(err) : resolve()));
  });
}

export function closeStore(store: DynaliteStore): Promise<void> {
  return new Promise((resolve, reject) => store.db.close((err) => (err ? reject(err) : resolve())));
}

export const itemKey = db.createKey;
export const validateKey = db.validateKey;
export const validateItem = db.validateItem;
export const checkConditional = db.checkConditional;
export const itemSize = db.itemSize;

/** An error in dynalite's shape, for answers LocalCloud adds (transactions, injected faults). */
export function dynamoError(
  statusCode: number,
  type: string,
  message: string,
  extra: object = {},
): DynaliteError {
  const namespace =
    type === 'ValidationException' ? 'com.amazon.coral.validate' : 'com.amazonaws.dynamodb.v20120810';
  return Object.assign(new Error(message), {
    name: type,
    statusCode,
    body: { __type: `${namespace}#${type}`, message, ...extra },
  });
}
