/**
 * Every Lambda and state machine of a deployment, as data: where each runs (hub or worker region), the
 * ASL placeholder its ARN fills, its timeout. The stacks, LocalCloud's deployment and the tests read
 * this instead of keeping their own lists; `lambdas/handlers.ts` adds each Lambda's `makeHandler`.
 */

export type Side = 'hub' | 'worker';

export interface LambdaSpec {
  side: Side;
  /** The `${Placeholder}` a state machine uses for this function's ARN. */
  placeholder: string;
  /** Lambda timeout; the API's functions stay within API Gateway's 30 s integration limit. */
  timeoutSeconds: number;
}

export const LAMBDAS = {
  observe: { side: 'hub', placeholder: 'ObserveArn', timeoutSeconds: 90 },
  plan: { side: 'hub', placeholder: 'PlanArn', timeoutSeconds: 30 },
  act: { side: 'hub', placeholder: 'ActArn', timeoutSeconds: 60 },
  waker: { side: 'hub', placeholder: 'WakerArn', timeoutSeconds: 30 },
  backstop: { side: 'hub', placeholder: 'BackstopArn', timeoutSeconds: 60 },
  'toggle-provisioning': { side: 'hub', placeholder: 'ToggleProvisioningArn', timeoutSeconds: 29 },
  'get-instance-details': { side: 'hub', placeholder: 'GetInstanceDetailsArn', timeoutSeconds: 29 },
  'get-instance-from-asg': { side: 'worker', placeholder: 'GetInstanceFromAsgArn', timeoutSeconds: 60 },
  'asg-launch-status': { side: 'worker', placeholder: 'AsgLaunchStatusArn', timeoutSeconds: 60 },
  'classify-capacity-event': { side: 'worker', placeholder: 'ClassifyCapacityEventArn', timeoutSeconds: 60 },
} as const satisfies Record<string, LambdaSpec>;

export type LambdaName = keyof typeof LAMBDAS;
export type HubLambda = {
  [K in LambdaName]: (typeof LAMBDAS)[K]['side'] extends 'hub' ? K : never;
}[LambdaName];
export type WorkerLambda = Exclude<LambdaName, HubLambda>;

export const LAMBDA_NAMES = Object.keys(LAMBDAS) as LambdaName[];
export const HUB_LAMBDAS = LAMBDA_NAMES.filter((n) => LAMBDAS[n].side === 'hub') as HubLambda[];
export const WORKER_LAMBDAS = LAMBDA_NAMES.filter((n) => LAMBDAS[n].side === 'worker') as WorkerLambda[];

export interface MachineSpec {
  side: Side;
  /** File in `statemachines/`. */
  file: string;
}

export const STATE_MACHINES = {
  orchestrator: { side: 'hub', file: 'orchestrator.asl.json' },
  launch: { side: 'worker', file: 'launch-instance.asl.json' },
  teardown: { side: 'worker', file: 'teardown-instance.asl.json' },
  capacityMonitor: { side: 'worker', file: 'capacity-monitor.asl.json' },
} as const satisfies Record<string, MachineSpec>;

export type MachineKey = keyof typeof STATE_MACHINES;
export const MACHINE_KEYS = Object.keys(STATE_MACHINES) as MachineKey[];

/** The ARN placeholders of every Lambda on one side, for a state machine's substitutions. */
export function lambdaPlaceholders(side: Side, arnOf: (name: LambdaName) => string): Record<string, string> {
  return Object.fromEntries(
    LAMBDA_NAMES.filter((n) => LAMBDAS[n].side === side).map((n) => [LAMBDAS[n].placeholder, arnOf(n)]),
  );
}
