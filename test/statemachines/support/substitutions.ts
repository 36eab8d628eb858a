/** Placeholder values for loading the state machine files in tests (typed, as the loader accepts). */
import { parseConfig } from '../../../core/config.ts';
import {
  loadDefinition,
  STATE_MACHINE_FILES,
  type StateMachineKey,
  type Substitutions,
} from '../../../statemachines/load.ts';
import { workerSettings } from '../../../statemachines/settings.ts';

export const ACCOUNT = '123456789012';
export const HUB_REGION = 'us-east-1';
export const PREFIX = 'spotplane';

const lambdaArn = (region: string, name: string) =>
  `arn:aws:lambda:${region}:${ACCOUNT}:function:${PREFIX}-${name}`;

export const hubFunctions = {
  observe: lambdaArn(HUB_REGION, 'observe'),
  plan: lambdaArn(HUB_REGION, 'plan'),
  act: lambdaArn(HUB_REGION, 'act'),
};

export const workerFunctions = (region: string) => ({
  asgLaunchStatus: lambdaArn(region, 'asg-launch-status'),
  getInstanceFromAsg: lambdaArn(region, 'get-instance-from-asg'),
  classifyCapacityEvent: lambdaArn(region, 'classify-capacity-event'),
});

export interface OrchestratorSettings {
  maxCycles?: number;
  errorPauseSeconds?: number;
}

export function orchestratorSubstitutions(s: OrchestratorSettings = {}): Substitutions {
  return {
    ObserveArn: hubFunctions.observe,
    PlanArn: hubFunctions.plan,
    ActArn: hubFunctions.act,
    MaxCycles: s.maxCycles ?? 500,
    ErrorPauseSeconds: s.errorPauseSeconds ?? 30,
  };
}

/** Everything a worker stack supplies; each worker file uses a subset (load with `allowUnused`). */
export function workerSubstitutions(region: string): Substitutions {
  const fns = workerFunctions(region);
  return {
    Prefix: PREFIX,
    Region: region,
    WorkerBusName: `${PREFIX}-worker`,
    AsgName: `${PREFIX}-gpu`,
    ClusterName: `${PREFIX}-cluster`,
    CapacityProviderName: `${PREFIX}-gpu`,
    TaskDefinition: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${PREFIX}-sglang:1`,
    AsgLaunchStatusArn: fns.asgLaunchStatus,
    GetInstanceFromAsgArn: fns.getInstanceFromAsg,
    ClassifyCapacityEventArn: fns.classifyCapacityEvent,
    // The default configuration's launch budget: LaunchBudgetSeconds, LaunchPollLimit, TaskGpus.
    ...workerSettings(parseConfig({})),
  };
}

export function loadWorkerMachine(machine: Exclude<StateMachineKey, 'orchestrator'>, region: string) {
  return loadDefinition(STATE_MACHINE_FILES[machine], workerSubstitutions(region), { allowUnused: true });
}

export function loadOrchestrator(settings: OrchestratorSettings = {}) {
  return loadDefinition(STATE_MACHINE_FILES.orchestrator, orchestratorSubstitutions(settings));
}
