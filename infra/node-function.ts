/**
 * One spotplane Lambda: the esbuild bundle, its log group, a role with exactly the given statements
 * (plus its own logs and X-Ray), Node.js 22 on arm64 and active tracing.
 */
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { LambdaFunction } from '@cdktn/provider-aws/lib/lambda-function/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { AssetType, TerraformAsset } from 'cdktn';
import { Construct } from 'constructs';
import { CONFIG_ENV, type Config } from '../core/config.ts';
import type { LambdaName, Names } from '../core/naming.ts';
import { controlPlaneConfig } from '../core/workload.ts';
import { ServiceRole, type Statement, XRAY_WRITE } from './iam.ts';
import { LAMBDA_ARCHITECTURE, LAMBDA_HANDLER, LAMBDA_RUNTIME, type LambdaBundle } from './lambda-bundle.ts';

export interface NodeFunctionProps {
  provider: AwsProvider;
  bundle: LambdaBundle;
  functionName: string;
  roleName: string;
  region: string;
  config: Config;
  statements: readonly Statement[];
  environment?: Record<string, string>;
  timeoutSeconds?: number;
  memoryMb?: number;
  logRetentionDays: number;
}

export class NodeFunction extends Construct {
  readonly name: LambdaName;
  readonly arn: string;
  readonly functionName: string;
  readonly invokeArn: string;
  readonly statements: readonly Statement[];

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      provider: props.provider,
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.statements = props.statements;
    const role = new ServiceRole(this, 'role', {
      provider: props.provider,
      roleName: props.roleName,
      service: 'lambda.amazonaws.com',
      statements: [
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
        XRAY_WRITE,
        ...props.statements,
      ],
    });
    const asset = new TerraformAsset(this, 'code', { path: props.bundle.zipPath, type: AssetType.FILE });
    const fn = new LambdaFunction(this, 'function', {
      provider: props.provider,
      functionName: props.functionName,
      role: role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: LAMBDA_HANDLER,
      filename: asset.path,
      sourceCodeHash: props.bundle.sha256,
      timeout: props.timeoutSeconds ?? 30,
      memorySize: props.memoryMb ?? 256,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      environment: {
        variables: {
          [CONFIG_ENV]: JSON.stringify(controlPlaneConfig(props.config)),
          SPOTPLANE_REGION: props.region,
          ...props.environment,
        },
      },
      dependsOn: [logGroup],
    });
    this.name = props.bundle.name;
    this.arn = fn.arn;
    this.functionName = fn.functionName;
    this.invokeArn = fn.invokeArn;
  }
}

export interface NodeFunctionsProps<N extends LambdaName>
  extends Omit<NodeFunctionProps, 'bundle' | 'functionName' | 'roleName' | 'statements' | 'timeoutSeconds'> {
  bundles: ReadonlyMap<LambdaName, LambdaBundle>;
  names: Names;
  prefix: string;
  statements: Record<N, readonly Statement[]>;
  timeoutSeconds?: Partial<Record<N, number>>;
}

/**
 * One `NodeFunction` per name whose bundle was built (a missing handler is listed in the synth's
 * `missing`, and deploy refuses to apply then), named by `names.lambda` with role `<prefix>-<region>-<name>`.
 */
export function nodeFunctions<N extends LambdaName>(
  scope: Construct,
  lambdaNames: readonly N[],
  props: NodeFunctionsProps<N>,
): Map<N, NodeFunction> {
  const { bundles, names, prefix, statements, timeoutSeconds, ...common } = props;
  const functions = new Map<N, NodeFunction>();
  for (const name of lambdaNames) {
    const bundle = bundles.get(name);
    if (!bundle) continue;
    functions.set(
      name,
      new NodeFunction(scope, name, {
        ...common,
        bundle,
        functionName: names.lambda(name),
        roleName: `${prefix}-${props.region}-${name}`,
        statements: statements[name],
        timeoutSeconds: timeoutSeconds?.[name],
      }),
    );
  }
  return functions;
}
