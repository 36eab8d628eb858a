/** The fleet placement policy (issue 13): pure, called by the planner every cycle. */
export { DEFAULT_WEIGHTS, placeFleet } from './place.ts';
export { dryUntil, HISTORY_LIMIT, HISTORY_MAX_AGE_MS, lossesPerHour, recordCapacityEvents } from './risk.ts';
export type * from './types.ts';
