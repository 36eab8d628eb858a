export { StateStoreInputError } from './errors.ts';
export { parseStateStoreInput, type StateStoreInput, stateStoreInputSchema } from './input.ts';
export { makeHandler, runAction, type StateStoreOutput } from './store.ts';
