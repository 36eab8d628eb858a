export { type ActDeps, type ActOutcome, act, makeHandler, requestDetail } from './act.ts';
export { ActInputError, SupersededError } from './errors.ts';
