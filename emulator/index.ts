/**
 * LocalCloud's entry point. `createLocalCloud` wires the emulated services to the local Step
 * Functions runtime (`emulator/sfn/`), so the ASL files run against the same regions as the handlers.
 */

import { LocalCloud, type LocalCloudOptions } from './local-cloud.ts';
import { LocalStepFunctions } from './sfn/runtime.ts';
import type { StepFunctionsRuntimeFactory } from './sfn.ts';

export { awsError, stepFunctionsErrorName } from './errors.ts';
export type { BusEvent } from './eventbridge.ts';
export { type Fault, LocalCloud, type LocalCloudOptions, type RegionCloud } from './local-cloud.ts';
export type { LaunchTiming, MarketInputs } from './market.ts';

export const localStepFunctions: StepFunctionsRuntimeFactory = (opts) => new LocalStepFunctions(opts);

/** A LocalCloud whose Step Functions run on the local runtime. */
export function createLocalCloud(opts: Omit<LocalCloudOptions, 'stepFunctions'>): LocalCloud {
  return new LocalCloud({ ...opts, stepFunctions: localStepFunctions });
}
