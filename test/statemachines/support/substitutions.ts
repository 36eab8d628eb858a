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
  stateStore: lambdaArn(HUB_REGION, 'state-store'),
  regionFinder: lambdaArn(HUB_REGION, 'region-finder'),
};

export const workerFunctions = (region: string) => ({
  asgLaunchStatus: lambdaArn(region, 'asg-launch-status'),
  getInstanceFromAsg: lambdaArn(region, 'get-instance-from-asg'),
  classifyCapacityEvent: lambdaArn(region, 'classify-capacity-event'),
});

export interface OrchestratorSettings {
  workerRegions: string[];
  onDemandFallback?: boolean;
  maxCycles?: number;
  launchTimeoutSeconds?: number;
  launchHeartbeatSeconds?: number;
  lossCheckSeconds?: number;
  revertCheckSeconds?: number;
}

export function orchestratorSubstitutions(s: OrchestratorSettings): Substitutions {
  return {
    StateStoreArn: hubFunctions.stateStore,
    RegionFinderArn: hubFunctions.regionFinder,
    HubBusName: `${PREFIX}-hub`,
    Prefix: PREFIX,
    TargetCapacity: 1,
    LaunchTimeoutSeconds: s.launchTimeoutSeconds ?? 900,
    LaunchHeartbeatSeconds: s.launchHeartbeatSeconds ?? 300,
    LossCheckSeconds: s.lossCheckSeconds ?? 3600,
    RevertCheckSeconds: s.revertCheckSeconds ?? 900,
    MaxCycles: s.maxCycles ?? 50,
    OnDemandFallback: s.onDemandFallback ?? false,
    WorkerRegions: s.workerRegions,
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

export function loadOrchestrator(settings: OrchestratorSettings) {
  return loadDefinition(STATE_MACHINE_FILES.orchestrator, orchestratorSubstitutions(settings));
}
