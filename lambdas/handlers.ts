/**
 * Each Lambda of the registry (`core/registry.ts`) with its handler factory, so LocalCloud builds exactly
 * the handlers the stacks bundle. A factory takes the union of what the factories need; each reads its keys.
 */
import type { Context } from 'aws-lambda';
import type { LambdaName } from '../core/registry.ts';
import { makeHandler as act } from './act/index.ts';
import { makeHandler as asgLaunchStatus } from './asg-launch-status/index.ts';
import { makeHandler as backstop } from './backstop/index.ts';
import { makeHandler as classifyCapacityEvent } from './classify-capacity-event/index.ts';
import { makeHandler as getInstanceDetails } from './get-instance-details/index.ts';
import { makeHandler as getInstanceFromAsg } from './get-instance-from-asg/index.ts';
import { makeHandler as observe } from './observe/index.ts';
import { makeHandler as plan } from './plan/index.ts';
import type { HandlerDeps } from './shared/deps.ts';
import { makeHandler as toggleProvisioning } from './toggle-provisioning/index.ts';
import { makeHandler as waker } from './waker/index.ts';

/** What any handler factory may take (DESIGN.md "Configuration reaches code like this"). */
export interface FactoryDeps extends HandlerDeps {
  /** The region the function runs in (a worker Lambda serves it). */
  region: string;
  orchestratorArn: string;
  asgName: string;
}

export type Handler = (event: never, context: Context) => Promise<unknown>;

export const HANDLERS: Record<LambdaName, (deps: FactoryDeps) => Handler> = {
  observe,
  plan,
  act,
  waker,
  backstop,
  'toggle-provisioning': toggleProvisioning,
  'get-instance-details': getInstanceDetails,
  'get-instance-from-asg': getInstanceFromAsg,
  'asg-launch-status': asgLaunchStatus,
  'classify-capacity-event': classifyCapacityEvent,
};
