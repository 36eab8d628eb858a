export { PlanInputError } from './errors.ts';
export { decide, makeHandler, type Observed, type PlanOutput } from './plan.ts';
