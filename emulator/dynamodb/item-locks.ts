/**
 * Who is writing which item right now, so concurrent requests conflict the way DynamoDB documents
 * ("Transaction conflict handling", DynamoDB Developer Guide, transaction-apis.html):
 * - a PutItem / UpdateItem / DeleteItem on an item an ongoing TransactWriteItems holds fails with
 *   `TransactionConflictException`;
 * - a transaction (write or get) touching an item another request is writing is cancelled with the
 *   reason `TransactionConflict` for that item;
 * - single-item writes to one item are serialized; a GetItem waits for a transaction holding the
 *   item to finish (GetItem is serializable with TransactWriteItems).
 */

type Holder = 'transaction' | 'single';

interface Held {
  holder: Holder;
  waiters: (() => void)[];
}

export class ItemLocks {
  private readonly held = new Map<string, Held>();

  /** Who holds `key`, if anyone. */
  holder(key: string): Holder | undefined {
    return this.held.get(key)?.holder;
  }

  /**
   * Takes `key` for a single-item write, after the writes queued before it. Returns false (taking
   * nothing) when a transaction holds the item: the caller answers `TransactionConflictException`.
   */
  async takeForWrite(key: string): Promise<boolean> {
    for (;;) {
      const current = this.held.get(key);
      if (!current) {
        this.held.set(key, { holder: 'single', waiters: [] });
        return true;
      }
      if (current.holder === 'transaction') return false;
      await new Promise<void>((resolve) => current.waiters.push(resolve));
    }
  }

  /**
   * Takes every key for a transaction, or none: returns the keys already held by someone else (the
   * transaction is then cancelled with `TransactionConflict` for those items).
   */
  takeForTransaction(keys: readonly string[]): string[] {
    const busy = keys.filter((k) => this.held.has(k));
    if (busy.length === 0) for (const k of keys) this.held.set(k, { holder: 'transaction', waiters: [] });
    return busy;
  }

  /** Resolves once no transaction holds `key` (reads wait out a transaction, never a single write). */
  async untilNoTransaction(key: string): Promise<void> {
    for (let current = this.held.get(key); current?.holder === 'transaction'; current = this.held.get(key)) {
      await new Promise<void>((resolve) => current!.waiters.push(resolve));
    }
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const current = this.held.get(key);
      if (!current) continue;
      this.held.delete(key);
      for (const wake of current.waiters) wake();
    }
  }
}
