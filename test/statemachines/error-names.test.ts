/**
 * The error names the worker machines retry and catch are names the integrations can raise. Step Functions
 * names an AWS SDK integration's error `<Service>.<ErrorName>`, both PascalCase, with an `Exception` suffix
 * added when the API reference's name lacks one ("Learning to use AWS service SDK integrations in Step
 * Functions", Step Functions Developer Guide) — so Auto Scaling's throttling code `Throttling` is
 * `AutoScaling.ThrottlingException`; the optimized EventBridge integration fails a PutEvents with failed
 * entries as `EventBridge.FailedEntry` ("Add EventBridge events with Step Functions"). A name outside this
 * catalogue never matches anything: a Retry written with it silently retries nothing.
 */
import { describe, expect, it } from 'vitest';
import { loadWorkerMachine } from './support/substitutions.ts';

const sfnName = (service: string, error: string) =>
  `${service}.${error.endsWith('Exception') ? error : `${error}Exception`}`;

/** Per API action the machines call, the errors its API reference lists (plus the service's common errors). */
const DOCUMENTED: Record<string, { service: string; errors: string[]; transient: string[] }> = {
  // Amazon EC2 Auto Scaling API Reference: UpdateAutoScalingGroup, DescribeAutoScalingGroups, DescribeTags,
  // CreateOrUpdateTags, and "Common Errors" (InternalFailure 500, ServiceUnavailable 503, Throttling 400).
  'aws-sdk:autoscaling:updateAutoScalingGroup': {
    service: 'AutoScaling',
    errors: [
      'ResourceContention',
      'ScalingActivityInProgress',
      'ServiceLinkedRoleFailure',
      'ValidationError',
    ],
    transient: ['ResourceContention', 'ScalingActivityInProgress', 'ServiceLinkedRoleFailure'],
  },
  // TerminateInstanceInAutoScalingGroup: ResourceContention (500), ScalingActivityInProgress (400).
  'aws-sdk:autoscaling:terminateInstanceInAutoScalingGroup': {
    service: 'AutoScaling',
    errors: ['ResourceContention', 'ScalingActivityInProgress', 'ValidationError'],
    transient: ['ResourceContention', 'ScalingActivityInProgress'],
  },
  'aws-sdk:autoscaling:describeAutoScalingGroups': {
    service: 'AutoScaling',
    errors: ['InvalidNextToken', 'ResourceContention'],
    transient: ['ResourceContention'],
  },
  'aws-sdk:autoscaling:describeTags': {
    service: 'AutoScaling',
    errors: ['InvalidNextToken', 'ResourceContention'],
    transient: ['ResourceContention'],
  },
  'aws-sdk:autoscaling:createOrUpdateTags': {
    service: 'AutoScaling',
    errors: ['AlreadyExists', 'LimitExceeded', 'ResourceContention', 'ResourceInUse'],
    transient: ['ResourceContention'],
  },
  // Amazon ECS API Reference: RunTask, StopTask, ListTasks (ServerException is the service's fault) and the
  // common ThrottlingException.
  'aws-sdk:ecs:runTask': {
    service: 'Ecs',
    errors: [
      'AccessDeniedException',
      'BlockedException',
      'ClientException',
      'ClusterNotFoundException',
      'ConflictException',
      'InvalidParameterException',
      'PlatformTaskDefinitionIncompatibilityException',
      'PlatformUnknownException',
      'ServerException',
      'UnsupportedFeatureException',
    ],
    transient: ['ServerException'],
  },
  'aws-sdk:ecs:stopTask': {
    service: 'Ecs',
    errors: ['ClientException', 'ClusterNotFoundException', 'InvalidParameterException', 'ServerException'],
    transient: ['ServerException'],
  },
  'aws-sdk:ecs:listTasks': {
    service: 'Ecs',
    errors: [
      'ClientException',
      'ClusterNotFoundException',
      'InvalidParameterException',
      'ServerException',
      'ServiceNotFoundException',
    ],
    transient: ['ServerException'],
  },
  // Amazon EventBridge API Reference, PutEvents: InternalException; common: ThrottlingException.
  'events:putEvents': {
    service: 'EventBridge',
    errors: ['InternalException'],
    transient: ['InternalException'],
  },
  // Step Functions Developer Guide, "Handle transient Lambda service exceptions"; Lambda Invoke's
  // TooManyRequestsException (throttling).
  'lambda:invoke': {
    service: 'Lambda',
    errors: ['ServiceException', 'AWSLambdaException', 'SdkClientException', 'TooManyRequestsException'],
    transient: ['ServiceException', 'AWSLambdaException', 'SdkClientException', 'TooManyRequestsException'],
  },
};
const COMMON: Record<string, { errors: string[]; transient: string[] }> = {
  AutoScaling: {
    errors: ['InternalFailure', 'ServiceUnavailable', 'Throttling'],
    transient: ['InternalFailure', 'ServiceUnavailable', 'Throttling'],
  },
  Ecs: { errors: ['ThrottlingException'], transient: ['ThrottlingException'] },
  EventBridge: {
    errors: ['ThrottlingException', 'FailedEntry'],
    transient: ['ThrottlingException', 'FailedEntry'],
  },
  Lambda: { errors: [], transient: [] },
};

/** The names one action's Task can fail with, as Step Functions spells them. */
function namesOf(action: string): { all: Set<string>; transient: Set<string> } {
  const doc = DOCUMENTED[action]!;
  const common = COMMON[doc.service]!;
  // FailedEntry is the optimized integration's own name, never suffixed.
  const spell = (e: string) => (e === 'FailedEntry' ? 'EventBridge.FailedEntry' : sfnName(doc.service, e));
  return {
    all: new Set([...doc.errors, ...common.errors].map(spell)),
    transient: new Set([...doc.transient, ...common.transient].map(spell)),
  };
}

interface TaskState {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[] }[];
  ItemProcessor?: { States: Record<string, TaskState> };
}

function tasks(states: Record<string, TaskState>): [string, TaskState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, TaskState]] : []),
    ...(state.ItemProcessor ? tasks(state.ItemProcessor.States) : []),
  ]);
}

const actionOf = (resource: string) =>
  resource.replace(/^arn:aws:states:::/, '').replace(/\.waitForTaskToken$/, '');

describe('Step Functions error names of the worker machines', () => {
  for (const machine of ['launch', 'teardown', 'capacityMonitor'] as const) {
    const definition = loadWorkerMachine(machine, 'us-west-2') as { States: Record<string, TaskState> };

    it(`${machine}: every error it retries or catches is one its integration documents`, () => {
      for (const [name, state] of tasks(definition.States)) {
        const action = actionOf(state.Resource!);
        expect(DOCUMENTED[action], `${name}: ${action} is in the catalogue`).toBeDefined();
        const { all } = namesOf(action);
        for (const rule of [...(state.Retry ?? []), ...(state.Catch ?? [])]) {
          for (const error of rule.ErrorEquals) {
            if (error.startsWith('States.')) continue;
            expect(all.has(error), `${name} names ${error}, which ${action} never raises`).toBe(true);
          }
        }
      }
    });

    it(`${machine}: every transient error of every call is retried`, () => {
      for (const [name, state] of tasks(definition.States)) {
        const retried = new Set((state.Retry ?? []).flatMap((r) => r.ErrorEquals));
        for (const error of namesOf(actionOf(state.Resource!)).transient) {
          expect(retried.has(error), `${name} retries ${error}`).toBe(true);
        }
      }
    });
  }

  it('spells names the way Step Functions does', () => {
    expect(sfnName('AutoScaling', 'Throttling')).toBe('AutoScaling.ThrottlingException');
    expect(sfnName('AutoScaling', 'ResourceContention')).toBe('AutoScaling.ResourceContentionException');
    expect(sfnName('Ecs', 'ServerException')).toBe('Ecs.ServerException');
  });
});
