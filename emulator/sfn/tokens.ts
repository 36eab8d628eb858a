/** Task tokens of `.waitForTaskToken` tasks: one per task invocation, answered by SendTask* calls. */
import { randomBytes } from 'node:crypto';
import { SfnError } from './errors.ts';

export interface TokenWaiter {
  succeed(output: unknown): void;
  fail(error: string, cause: string): void;
  heartbeat(): void;
}

export class TokenRegistry {
  private readonly waiting = new Map<string, TokenWaiter>();
  /** Tokens whose task has ended: answering them is `TaskTimedOut`, as in AWS. */
  private readonly closed = new Set<string>();

  mint(): string {
    return `AQ${randomBytes(48).toString('base64url')}`;
  }

  register(token: string, waiter: TokenWaiter): void {
    this.waiting.set(token, waiter);
  }

  close(token: string): void {
    if (this.waiting.delete(token)) this.closed.add(token);
  }

  /** The waiter for a token; throws `InvalidToken` / `TaskTimedOut` like the API. */
  waiter(token: string): TokenWaiter {
    if (typeof token !== 'string' || token.length === 0 || token.length > 1024) {
      throw new SfnError('InvalidToken', 'taskToken must be a string of 1 to 1024 characters');
    }
    const waiter = this.waiting.get(token);
    if (waiter) return waiter;
    if (this.closed.has(token)) {
      throw new SfnError('TaskTimedOut', 'The task of this token has already finished or timed out');
    }
    throw new SfnError('InvalidToken', 'Invalid token: no task was issued this token');
  }
}
