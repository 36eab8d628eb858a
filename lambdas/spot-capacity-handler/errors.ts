/**
 * SpotCapacityHandler raises no errors of its own on purpose: malformed events are dropped and stale
 * tokens acknowledged (retrying them could never succeed). What it lets through is retryable AWS
 * trouble, so that Lambda's asynchronous retries (EventBridge invokes it asynchronously) try again.
 */
export { STALE_TOKEN_ERRORS } from '../shared/task-tokens.ts';
