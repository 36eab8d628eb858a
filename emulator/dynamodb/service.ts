/**
 * DynamoDB of one region. The SDK's own `DynamoDBClient` talks to it through an in-process transport
 * (its `requestHandler`), so the AWS JSON protocol runs for real both ways — serialization,
 * `lib-dynamodb` marshalling, error deserialization into the SDK's exception classes — and only the
 * network hop and SigV4 signing are skipped (nothing here checks a signature, as DynamoDB local does not). Behind the transport, dynalite answers the single-item and table actions;
 * LocalCloud adds what dynalite lacks: transactions, write conflicts with them, injected faults.
 */

import type {
  CreateTableCommandInput,
  DynamoDBClientConfig,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import * as ddb from '@aws-sdk/client-dynamodb';
import type { RegionContext } from '../context.ts';
import { awsError } from '../errors.ts';
import {
  type ActionData,
  closeStore,
  createStore,
  DYNALITE_OPERATIONS,
  type DynaliteError,
  type DynaliteOperation,
  dynamoError,
  getTable,
  itemKey,
  putTable,
  run,
  validate,
  validateItem,
  validateKey,
  type WireItem,
} from './dynalite.ts';
import { ItemLocks } from './item-locks.ts';
import { transactGetItems, transactWriteItems } from './transactions.ts';

/** An injected fault for a request: the AWS error name to answer with, or nothing. */
export type DynamoDbGate = (operation: string) => string | undefined;

interface WireRequest {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}
interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const SINGLE_WRITES = new Set<string>(['PutItem', 'UpdateItem', 'DeleteItem']);
/** DynamoDB reports these as the service's fault (HTTP 5xx); every other error is the caller's (400). */
const SERVER_ERRORS: Record<string, number> = { InternalServerError: 500, ServiceUnavailable: 503 };

export class DynamoDbService {
  private readonly store = createStore();
  private readonly locks = new ItemLocks();
  private readonly tokens = new Map<string, { request: string; state: 'running' | 'done'; at: number }>();
  private readonly clients = new Map<boolean, ddb.DynamoDBClient>();
  private closed = false;
  /** Requests being answered now: they span several event-loop turns, so a virtual clock waits for them. */
  private inFlight = 0;
  /** Request units consumed, estimated from wire sizes (for the control plane's bill). */
  private readonly units = { read: 0, write: 0 };

  constructor(
    private readonly ctx: RegionContext,
    private readonly gate: DynamoDbGate = () => undefined,
  ) {}

  /** The operations this service answers (dynalite's, plus the transactions LocalCloud adds). */
  static operations(): string[] {
    return [...DYNALITE_OPERATIONS, 'TransactWriteItems', 'TransactGetItems'];
  }

  /**
   * An SDK client whose requests this service answers in process. `faults: false` skips injected
   * faults (for callers that already applied them, like LocalCloud's `call`).
   */
  client(opts: { faults?: boolean } = {}): ddb.DynamoDBClient {
    const faults = opts.faults ?? true;
    let client = this.clients.get(faults);
    if (!client) {
      client = new ddb.DynamoDBClient({
        region: this.ctx.region,
        maxAttempts: 1,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler: this.transport(faults),
      });
      // Signing cost ~7 % of a simulation (an HMAC chain per request) and proves nothing nobody verifies.
      // (No `cacheMiddleware` here, unlike LocalCloud's other clients: lib-dynamodb's commands bind the handler
      // they build to their own input, so a cached one would send the first command's input every time.)
      client.middlewareStack.remove('httpSigningMiddleware');
      this.clients.set(faults, client);
    }
    return client;
  }

  /** Sends `action` (AWS's PascalCase name) with an SDK input, without injected faults. */
  async send(action: string, input: object): Promise<object> {
    const Command = (ddb as unknown as Record<string, unknown>)[`${action}Command`];
    if (typeof Command !== 'function') {
      throw awsError(
        'dynamodb',
        'UnknownOperationException',
        `LocalCloud does not emulate dynamodb:${action}`,
      );
    }
    const { $metadata: _, ...output } = await this.client({ faults: false }).send(
      new (Command as new (i: object) => ddb.PutItemCommand)(input as never),
    );
    return output;
  }

  /** Creates a table as the stack does: Terraform returns once the table is ACTIVE. */
  async createTable(input: CreateTableCommandInput): Promise<TableDescription> {
    await this.send('CreateTable', input);
    const table = await getTable(this.store, input.TableName!);
    const active = {
      ...table,
      TableStatus: 'ACTIVE',
      ...(Array.isArray(table.GlobalSecondaryIndexes)
        ? {
            GlobalSecondaryIndexes: (table.GlobalSecondaryIndexes as object[]).map((i) => ({
              ...i,
              IndexStatus: 'ACTIVE',
            })),
          }
        : {}),
    };
    await putTable(this.store, active);
    return active as TableDescription;
  }

  /**
   * Read and write request units the answered requests consumed, estimated from the wire: a write is one WRU
   * per KB of its request, a read one RRU per 4 KB of its answer (strongly consistent, as the hub reads), and a
   * transaction twice that (DynamoDB Developer Guide, "Read/write capacity mode"). The wire form carries type
   * tags and names, so this slightly overstates DynamoDB's own item sizes: an upper bound.
   */
  requestUnits(): { read: number; write: number } {
    return { ...this.units };
  }

  private account(operation: string, requestBytes: number, responseBytes: number): void {
    const writes = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
    const reads = ['GetItem', 'Query', 'Scan', 'BatchGetItem'];
    if (writes.includes(operation)) this.units.write += Math.max(1, Math.ceil(requestBytes / 1024));
    else if (reads.includes(operation)) this.units.read += Math.max(1, Math.ceil(responseBytes / 4096));
    else if (operation === 'TransactWriteItems')
      this.units.write += 2 * Math.max(1, Math.ceil(requestBytes / 1024));
    else if (operation === 'TransactGetItems')
      this.units.read += 2 * Math.max(1, Math.ceil(responseBytes / 4096));
  }

  /** Whether a request is being answered at this moment. */
  busy(): boolean {
    return this.inFlight > 0;
  }

  /** Frees the in-memory store; requests after this fail as if the service were gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.clients.values()) client.destroy();
    await closeStore(this.store);
  }

  /**
   * Answers one request of DynamoDB's JSON protocol: `operation` from `X-Amz-Target`, the JSON body.
   * Returns the HTTP status and the JSON document DynamoDB would send.
   */
  async answer(operation: string, body: string, faults = true): Promise<{ status: number; body: object }> {
    try {
      const injected = faults ? this.gate(operation) : undefined;
      if (injected) {
        throw dynamoError(
          SERVER_ERRORS[injected] ?? 400,
          injected,
          `${injected} injected by LocalCloud for dynamodb:${operation}`,
        );
      }
      if (this.closed) throw dynamoError(503, 'ServiceUnavailable', 'LocalCloud has been closed');
      let data: ActionData;
      try {
        data = JSON.parse(body === '' ? '{}' : body) as ActionData;
      } catch {
        throw dynamoError(
          400,
          'SerializationException',
          'Start of structure or map found where not expected',
        );
      }
      return { status: 200, body: await this.dispatch(operation, data) };
    } catch (error) {
      const e = error as DynaliteError;
      if (e.statusCode && e.body) return { status: e.statusCode, body: e.body };
      return {
        status: 500,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(e.message) },
      };
    }
  }

  private async dispatch(operation: string, body: ActionData): Promise<object> {
    const ctx = {
      store: this.store,
      locks: this.locks,
      tokens: this.tokens,
      now: () => this.ctx.clock.now().getTime(),
    };
    if (operation === 'TransactWriteItems') return transactWriteItems(ctx, body);
    if (operation === 'TransactGetItems') return transactGetItems(ctx, body);
    if (!(DYNALITE_OPERATIONS as readonly string[]).includes(operation)) {
      throw Object.assign(new Error(operation), {
        statusCode: 400,
        body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
      });
    }
    const op = operation as DynaliteOperation;
    const data = validate(op, body, this.store);
    const id = op === 'GetItem' || SINGLE_WRITES.has(op) ? await this.itemId(data) : undefined;
    if (id === undefined) return run(op, this.store, data);
    if (op === 'GetItem') {
      await this.locks.untilNoTransaction(id);
      return run(op, this.store, data);
    }
    if (!(await this.locks.takeForWrite(id))) {
      throw dynamoError(
        400,
        'TransactionConflictException',
        'Operation was rejected because there is an ongoing transaction for the item.',
      );
    }
    try {
      return await run(op, this.store, data);
    } finally {
      this.locks.release([id]);
    }
  }

  /** The item a single-item request names, or undefined when the table or key is wrong (the action reports it). */
  private async itemId(data: ActionData): Promise<string | undefined> {
    try {
      const table = await getTable(this.store, String(data.TableName));
      const source = (data.Item ?? data.Key) as WireItem;
      if ((data.Item ? validateItem(source, table) : validateKey(source, table)) !== undefined)
        return undefined;
      return `${table.TableName}\u0000${itemKey(source, table)}`;
    } catch {
      return undefined;
    }
  }

  /** The SDK transport (`requestHandler`) that hands each request to `answer`. */
  private transport(faults: boolean): DynamoDBClientConfig['requestHandler'] {
    const handle = async (request: WireRequest): Promise<{ response: WireResponse }> => {
      const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
      const operation = target?.split('.')[1] ?? '';
      this.inFlight++;
      let answered: { status: number; body: object };
      try {
        answered = await this.answer(operation, bodyText(request.body), faults);
      } finally {
        this.inFlight--;
      }
      const { status, body } = answered;
      const text = JSON.stringify(body);
      // A write whose condition fails still consumes write units (Developer Guide, "Condition expressions").
      const type = String((body as { __type?: unknown }).__type ?? '');
      if (status === 200 || type.endsWith('#ConditionalCheckFailedException'))
        this.account(operation, bodyText(request.body).length, text.length);
      return {
        response: {
          statusCode: status,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-requestid': this.ctx.ids.hex(52).toUpperCase(),
          },
          body: Buffer.from(text, 'utf8'),
        },
      };
    };
    return { handle, updateHttpClientConfig: () => undefined, httpHandlerConfigs: () => ({}) } as never;
  }
}

/** The serialized request body as text (the SDK hands over a string or bytes). */
function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return String(body);
}
