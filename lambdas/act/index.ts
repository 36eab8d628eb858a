export { type ActOutcome, act, makeHandler, requestDetail } from './act.ts';
export { ActInputError, SupersededError } from './errors.ts';
