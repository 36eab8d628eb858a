export { type CapacityHandlerResult, handleWorkerEvent, makeHandler } from './capacity-handler.ts';
export { STALE_TOKEN_ERRORS } from './errors.ts';
