/**
 * IAM building blocks: policy statements as data (so tests can inspect them) and a role construct
 * whose name carries the region, because IAM names are global while spotplane deploys per region.
 */
import { IamRole } from '@cdktn/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy/index.js';
import { IamRolePolicyAttachment } from '@cdktn/provider-aws/lib/iam-role-policy-attachment/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';
import { InfraError } from './errors.ts';

export interface Statement {
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

/** Actions AWS only authorizes on `"*"` (they have no resource type); the only place `"*"` may appear. */
export const XRAY_WRITE: Statement = {
  actions: [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
  ],
  resources: ['*'],
};

export function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Effect: 'Allow',
      Action: [...new Set(s.actions)].sort(),
      Resource: s.resources.length === 1 ? s.resources[0] : [...new Set(s.resources)],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Trust policy for an AWS service principal, e.g. `states.amazonaws.com`. */
export function trustPolicy(service: string, conditions?: Statement['conditions']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(conditions ? { Condition: conditions } : {}),
      },
    ],
  });
}

const MAX_ROLE_NAME = 64;

export interface ServiceRoleProps {
  /** Globally unique name: include prefix and region. */
  roleName: string;
  service: string;
  statements: readonly Statement[];
  provider: AwsProvider;
  managedPolicyArns?: string[];
  trustConditions?: Statement['conditions'];
}

/** A role assumable by one AWS service, with one inline policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.roleName.length > MAX_ROLE_NAME) {
      throw new InfraError(
        `IAM role name "${props.roleName}" is ${props.roleName.length} characters (max ${MAX_ROLE_NAME}): use a shorter --prefix`,
      );
    }
    this.role = new IamRole(this, 'role', {
      provider: props.provider,
      name: props.roleName,
      assumeRolePolicy: trustPolicy(props.service, props.trustConditions),
    });
    for (const [i, policyArn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-${i}`, {
        provider: props.provider,
        role: this.role.name,
        policyArn,
      });
    }
    if (props.statements.length > 0) {
      new IamRolePolicy(this, 'policy', {
        provider: props.provider,
        name: 'least-privilege',
        role: this.role.id,
        policy: policyDocument(props.statements),
      });
    }
    this.arn = this.role.arn;
    this.name = this.role.name;
  }
}
