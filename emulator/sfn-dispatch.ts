/**
 * How a Step Functions Task reaches LocalCloud: `lambda:invoke` -> the local function registry,
 * `events:putEvents` -> EventBridge, `states:startExecution` -> Step Functions, and
 * `aws-sdk:<service>:<action>` -> the same service/action table the SDK clients use, with Step
 * Functions' conventions: PascalCase parameters and results (the SDK is camelCase for ECS and SFN),
 * errors named `<Service>.<Error>Exception`.
 */

import { FunctionError, SERVICE_NAMES, type ServiceName, stepFunctionsErrorName } from './errors.ts';
import type { LocalCloud } from './local-cloud.ts';
import { TaskError } from './sfn/runtime.ts';
import type { TaskCall } from './sfn.ts';

/** Services whose SDK v3 shapes are camelCase, so Step Functions' PascalCase must be mapped. */
const CAMEL_CASE_SERVICES = new Set<ServiceName>(['ecs', 'sfn']);
/** Step Functions' aws-sdk service names that differ from LocalCloud's. */
const SERVICE_ALIASES: Record<string, ServiceName> = { states: 'sfn' };

export async function dispatchTask(cloud: LocalCloud, call: TaskCall): Promise<unknown> {
  const resource = call.resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
  const input = (call.input ?? {}) as Record<string, unknown>;
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return invokeLambda(cloud, String(input.FunctionName ?? ''), input.Payload, call.region);
  }
  if (resource.startsWith('arn:aws:lambda:')) {
    return (await invokeLambda(cloud, resource, input, call.region)).Payload;
  }
  if (resource === 'arn:aws:states:::events:putEvents') return putEvents(cloud, input, call.region);
  if (resource === 'arn:aws:states:::states:startExecution') return startExecution(cloud, input, call.region);
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/.exec(resource);
  if (sdk) return sdkCall(cloud, sdk[1]!, sdk[2]!, input, call.region);
  const dynamo = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(resource);
  if (dynamo) return dynamoDbCall(cloud, dynamo[1]!, input, call.region);
  // As in AWS, an unsupported resource is a runtime error no Catch can hide.
  throw new TaskError('States.Runtime', `LocalCloud has no integration for resource ${call.resource}`, {
    catchable: false,
  });
}

async function invokeLambda(cloud: LocalCloud, functionName: string, payload: unknown, region: string) {
  try {
    const result = await cloud.invokeOnClock(functionName, payload ?? {}, region);
    return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
  } catch (error) {
    if (error instanceof FunctionError) throw new TaskError(error.errorType, error.message, { cause: error });
    // Errors of the Invoke call itself (not of the function): Step Functions names them `Lambda.<Name>`.
    if (error instanceof Error) throw new TaskError(`Lambda.${error.name}`, error.message, { cause: error });
    throw error;
  }
}

async function putEvents(cloud: LocalCloud, input: Record<string, unknown>, region: string) {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
  let result: { FailedEntryCount?: number };
  try {
    // Through LocalCloud's action table, so injected faults (throttling, failed entries) apply here too.
    result = await cloud.call(region, 'eventbridge', 'PutEvents', {
      Entries: entries.map((e) => ({
        ...e,
        // Step Functions accepts Detail as JSON and serializes it for EventBridge.
        Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {}),
      })),
    });
  } catch (error) {
    if (error instanceof Error) {
      throw new TaskError(stepFunctionsErrorName('eventbridge', error.name), error.message, { cause: error });
    }
    throw error;
  }
  if ((result.FailedEntryCount ?? 0) > 0) {
    throw new TaskError('EventBridge.FailedEntry', JSON.stringify(result));
  }
  return result;
}

async function startExecution(cloud: LocalCloud, input: Record<string, unknown>, region: string) {
  const arn = String(input.StateMachineArn ?? '');
  const target = /^arn:aws:states:([a-z0-9-]+):/.exec(arn)?.[1] ?? region;
  const raw = input.Input;
  const result = await sdkCall(
    cloud,
    'sfn',
    'startExecution',
    {
      StateMachineArn: arn,
      Name: input.Name,
      Input: typeof raw === 'string' ? raw : JSON.stringify(raw ?? {}),
    },
    target,
  );
  return result;
}

async function sdkCall(
  cloud: LocalCloud,
  serviceName: string,
  action: string,
  input: Record<string, unknown>,
  region: string,
): Promise<unknown> {
  const service = (SERVICE_ALIASES[serviceName] ?? serviceName) as ServiceName;
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    throw new TaskError('States.Runtime', `LocalCloud does not emulate the ${serviceName} service`, {
      catchable: false,
    });
  }
  const camel = CAMEL_CASE_SERVICES.has(service);
  const sdkInput = camel ? (mapKeys(input, lowerFirst) as object) : input;
  try {
    const output = await cloud.call(region, service, action[0]!.toUpperCase() + action.slice(1), sdkInput);
    const json = toJson(output);
    return camel ? mapKeys(json, upperFirst) : json;
  } catch (error) {
    if (error instanceof Error && !(error instanceof TaskError)) {
      throw new TaskError(stepFunctionsErrorName(service, error.name), error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * The optimized DynamoDB integration: the same API call as `aws-sdk:dynamodb:*`, but Step Functions
 * names its errors `DynamoDB.<Name>` (capital B), unlike the SDK integration's `DynamoDb.<Name>`.
 */
async function dynamoDbCall(
  cloud: LocalCloud,
  action: string,
  input: Record<string, unknown>,
  region: string,
) {
  try {
    return await sdkCall(cloud, 'dynamodb', action, input, region);
  } catch (error) {
    if (error instanceof TaskError && error.name.startsWith('DynamoDb.')) {
      throw new TaskError(`DynamoDB.${error.name.slice('DynamoDb.'.length)}`, error.message, {
        cause: error,
      });
    }
    throw error;
  }
}

function lowerFirst(key: string): string {
  return key[0]!.toLowerCase() + key.slice(1);
}
function upperFirst(key: string): string {
  return key[0]!.toUpperCase() + key.slice(1);
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), mapKeys(v, rename)]));
}

/** Dates become ISO strings and undefined fields disappear, as in a Task's JSON result. */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
