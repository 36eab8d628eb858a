/**
 * Every AWS action spotplane's deployed code calls, enumerated from the code itself (never by hand):
 * the SDK commands in the Lambda sources (`new XCommand(` and `paginateX(`, as the IAM check counts
 * them) and the Task resources of the state machine files (`aws-sdk:<service>:<action>`,
 * `events:putEvents`, `lambda:invoke`, `states:startExecution`, `dynamodb:<action>`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultService } from '../../emulator/errors.ts';
import { actionsIn } from '../infra/sdk-actions.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** LocalCloud's service name for each IAM prefix `actionsIn` reports. */
const SERVICE_OF_PREFIX: Record<string, FaultService> = {
  ec2: 'ec2',
  autoscaling: 'autoscaling',
  ecs: 'ecs',
  ssm: 'ssm',
  events: 'eventbridge',
  states: 'sfn',
  dynamodb: 'dynamodb',
  lambda: 'lambda',
  globalaccelerator: 'globalaccelerator',
};

/** Step Functions' names in `aws-sdk:<service>:` resources, where they differ from LocalCloud's. */
const SERVICE_OF_SDK_INTEGRATION: Record<string, FaultService> = { states: 'sfn', sfn: 'sfn' };

export interface UsedAction {
  service: FaultService;
  /** PascalCase, as AWS names the action. */
  action: string;
  /** Where it is called from, e.g. `lambdas/region-finder/spot-prices.ts` or `launch-instance.asl.json`. */
  from: string[];
}

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name));
}

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Task resources of a state machine definition, nested states (Parallel, Map) included. */
function resources(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(resources);
  if (typeof node !== 'object' || node === null) return [];
  const own =
    (node as { Type?: string; Resource?: unknown }).Type === 'Task'
      ? [(node as { Resource: string }).Resource]
      : [];
  return [...own, ...Object.values(node).flatMap(resources)];
}

/** The (service, action) a Task resource calls, or undefined for a resource that calls no AWS API of ours. */
export function actionOfResource(resource: string): { service: FaultService; action: string } | undefined {
  const bare = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(bare);
  if (sdk)
    return {
      service: SERVICE_OF_SDK_INTEGRATION[sdk[1]!] ?? (sdk[1] as FaultService),
      action: pascal(sdk[2]!),
    };
  const optimized = /^arn:aws:states:::(events|lambda|states|dynamodb):([A-Za-z]+)$/.exec(bare);
  if (!optimized) return undefined;
  const service = ({ events: 'eventbridge', lambda: 'lambda', states: 'sfn', dynamodb: 'dynamodb' } as const)[
    optimized[1] as 'events' | 'lambda' | 'states' | 'dynamodb'
  ];
  return { service, action: pascal(optimized[2]!) };
}

/** Every action spotplane uses, sorted by service then action. */
export function usedActions(root = ROOT): UsedAction[] {
  const used = new Map<string, UsedAction>();
  const add = (service: FaultService, action: string, from: string) => {
    const key = `${service}:${action}`;
    const entry = used.get(key) ?? { service, action, from: [] };
    if (!entry.from.includes(from)) entry.from.push(from);
    used.set(key, entry);
  };
  for (const file of files(join(root, 'lambdas'), '.ts')) {
    for (const iam of actionsIn(readFileSync(file, 'utf8'))) {
      const [prefix, action] = iam.split(':') as [string, string];
      const service = SERVICE_OF_PREFIX[prefix];
      // IAM authorizes a TransactWriteItems per action it holds; ConditionCheckItem only comes from one, and
      // the API action a caller sees throttled is the transaction itself.
      const api = iam === 'dynamodb:ConditionCheckItem' ? 'TransactWriteItems' : action;
      if (service) add(service, api, file.slice(root.length + 1));
    }
  }
  for (const file of files(join(root, 'statemachines'), '.asl.json')) {
    for (const resource of resources(JSON.parse(readFileSync(file, 'utf8')))) {
      const found = actionOfResource(resource);
      if (found) add(found.service, found.action, file.slice(root.length + 1));
    }
  }
  return [...used.values()].sort((a, b) =>
    `${a.service}:${a.action}`.localeCompare(`${b.service}:${b.action}`),
  );
}

/**
 * The error each service answers when it throttles a caller, from each API reference's common errors:
 * EC2 `RequestLimitExceeded`; Auto Scaling `Throttling`; DynamoDB's item and query actions
 * `ProvisionedThroughputExceededException` (its other actions `ThrottlingException`); Lambda Invoke
 * `TooManyRequestsException`; ECS, SSM, EventBridge and Step Functions `ThrottlingException`.
 */
export function throttlingError(service: FaultService, action: string): string {
  switch (service) {
    case 'ec2':
      return 'RequestLimitExceeded';
    case 'autoscaling':
      return 'Throttling';
    case 'lambda':
      return 'TooManyRequestsException';
    case 'dynamodb':
      return /Item|Query|Scan/.test(action)
        ? 'ProvisionedThroughputExceededException'
        : 'ThrottlingException';
    default:
      return 'ThrottlingException';
  }
}
