/**
 * Derives a state machine's IAM statements from its definition, so the role grants exactly the
 * integrations the file uses: a new Task in a `statemachines/` file fails the synth until the stack
 * says which resources it may touch, instead of silently widening or breaking permissions.
 */
import { InfraError } from './errors.ts';
import type { Statement } from './iam.ts';

/** Resources of one action, with conditions when AWS scopes the action by a condition key instead. */
export interface ConditionalGrant {
  resources: readonly string[];
  conditions: NonNullable<Statement['conditions']>;
}

/** IAM resources per IAM action for the SDK integrations a machine may use (`"*"` only where AWS requires). */
export type Grants = Readonly<Record<string, readonly string[] | ConditionalGrant>>;

export interface AslPermissionContext {
  /** Machine name, for error messages. */
  machine: string;
  /** The machine's own ARN: what `"StateMachineArn.$": "$$.StateMachine.Id"` (continue-as-new) starts. */
  selfArn: string;
  /** Event bus name (as written in `EventBusName`) -> its ARN. */
  busArn: (name: string) => string;
  grants: Grants;
}

/** Step Functions service names in `aws-sdk:<service>:` that differ from the IAM prefix. */
const IAM_PREFIX: Record<string, string> = { sfn: 'states', eventbridge: 'events', cloudwatchlogs: 'logs' };

/** Calls that make AWS use another permission on the caller's behalf. */
const IMPLIED: Record<string, string[]> = {
  'ecs:RunTask': ['iam:PassRole'],
  'ecs:StartTask': ['iam:PassRole'],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every Task state's Resource and Parameters, including those inside Parallel branches and Map processors. */
export function taskStates(
  definition: Readonly<Record<string, unknown>>,
): { name: string; resource: string; parameters: JsonObject }[] {
  const found: { name: string; resource: string; parameters: JsonObject }[] = [];
  const visit = (machine: JsonObject) => {
    const states = machine.States;
    if (!isObject(states)) return;
    for (const [name, state] of Object.entries(states)) {
      if (!isObject(state)) continue;
      if (state.Type === 'Task' && typeof state.Resource === 'string') {
        found.push({
          name,
          resource: state.Resource,
          parameters: isObject(state.Parameters) ? state.Parameters : {},
        });
      }
      if (Array.isArray(state.Branches)) for (const b of state.Branches) if (isObject(b)) visit(b);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isObject(processor)) visit(processor);
    }
  };
  visit(definition as JsonObject);
  return found;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function literal(ctx: AslPermissionContext, state: string, params: JsonObject, key: string): string {
  const value = params[key];
  if (typeof value !== 'string') {
    throw new InfraError(
      `${ctx.machine}: state "${state}" must name ${key} literally (a dynamic "${key}.$" cannot be granted least-privilege)`,
    );
  }
  return value;
}

function granted(
  ctx: AslPermissionContext,
  state: string,
  action: string,
): readonly string[] | ConditionalGrant {
  const resources = ctx.grants[action];
  if (!resources || ('resources' in resources ? resources.resources : resources).length === 0) {
    throw new InfraError(
      `${ctx.machine}: state "${state}" calls ${action}, which the stack does not grant: add it to the machine's grants`,
    );
  }
  return resources;
}

/** The statements a machine's role needs for the Tasks in `definition` (logging and tracing are added by the construct). */
export function aslPermissions(
  definition: Readonly<Record<string, unknown>>,
  ctx: AslPermissionContext,
): Statement[] {
  const byAction = new Map<string, Set<string>>();
  const conditional = new Map<string, ConditionalGrant>();
  const grant = (action: string, resources: readonly string[] | ConditionalGrant) => {
    if ('resources' in resources) {
      conditional.set(action, resources);
      return;
    }
    const set = byAction.get(action) ?? new Set<string>();
    for (const r of resources) set.add(r);
    byAction.set(action, set);
  };
  for (const { name, resource, parameters } of taskStates(definition)) {
    const integration = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
    if (integration === 'arn:aws:states:::lambda:invoke') {
      grant('lambda:InvokeFunction', [literal(ctx, name, parameters, 'FunctionName')]);
    } else if (integration === 'arn:aws:states:::events:putEvents') {
      const entries = parameters.Entries;
      if (!Array.isArray(entries) || entries.length === 0) {
        throw new InfraError(`${ctx.machine}: state "${name}" puts events without a literal Entries list`);
      }
      for (const entry of entries) {
        const bus = isObject(entry) ? entry.EventBusName : undefined;
        if (typeof bus !== 'string') {
          throw new InfraError(`${ctx.machine}: state "${name}" must name EventBusName literally`);
        }
        grant('events:PutEvents', [bus.startsWith('arn:') ? bus : ctx.busArn(bus)]);
      }
    } else if (integration.startsWith('arn:aws:states:::aws-sdk:')) {
      const [service = '', action = ''] = integration.slice('arn:aws:states:::aws-sdk:'.length).split(':');
      const iamAction = `${IAM_PREFIX[service] ?? service}:${pascal(action)}`;
      grant(iamAction, granted(ctx, name, iamAction));
      for (const implied of IMPLIED[iamAction] ?? []) grant(implied, granted(ctx, name, implied));
    } else if (integration === 'arn:aws:states:::states:startExecution') {
      const self = parameters['StateMachineArn.$'] === '$$.StateMachine.Id';
      grant('states:StartExecution', [
        self ? ctx.selfArn : literal(ctx, name, parameters, 'StateMachineArn'),
      ]);
    } else if (resource.startsWith('arn:aws:lambda:') || !resource.startsWith('arn:aws:states:')) {
      // A bare function ARN (or a Terraform reference to one) as the Resource.
      grant('lambda:InvokeFunction', [resource]);
    } else {
      throw new InfraError(
        `${ctx.machine}: state "${name}" uses ${resource}, which spotplane does not grant`,
      );
    }
  }
  // One statement per distinct resource set keeps the policy small and readable.
  const grouped = new Map<string, Statement>();
  for (const [action, resources] of byAction) {
    const list = [...resources].sort();
    const key = JSON.stringify(list);
    const statement = grouped.get(key) ?? { actions: [], resources: list };
    statement.actions.push(action);
    grouped.set(key, statement);
  }
  const withConditions = [...conditional].map(([action, g]) => ({
    actions: [action],
    resources: [...g.resources],
    conditions: g.conditions,
  }));
  return [...grouped.values(), ...withConditions];
}
