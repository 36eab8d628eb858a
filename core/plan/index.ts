/** The hub's control loop, pure: observation -> plan (docs/DESIGN.md "The hub's control loop"). */
export * from './endpoints.ts';
export * from './failures.ts';
export * from './memory.ts';
export * from './placement.ts';
export * from './plan.ts';
export * from './requests.ts';
export * from './signals.ts';
export * from './timing.ts';
export * from './types.ts';
export * from './view.ts';
export * from './wake.ts';
