/**
 * The hub region: Orchestrator, hub Lambdas, the HTTP API, the hub bus with the worker-events rule,
 * provisioning state in SSM and the checkpoint bucket. Hub->worker rules live in each worker stack.
 */
import { CloudwatchEventBus } from '@cdktn/provider-aws/lib/cloudwatch-event-bus/index.js';
import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import { SsmParameter } from '@cdktn/provider-aws/lib/ssm-parameter/index.js';
import { TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { Config } from '../core/config.ts';
import { workerEventsPattern } from '../core/event-patterns.ts';
import { initialHubState } from '../core/messages.ts';
import { names } from '../core/naming.ts';
import { arns, checkpointBucketName } from '../infra/arns.ts';
import type { Artifacts } from '../infra/artifacts.ts';
import { loadMachine } from '../infra/definitions.ts';
import { nodeFunctions } from '../infra/node-function.ts';
import { StateMachine } from '../infra/state-machine.ts';
import { configureTerraform, regionProvider } from '../infra/terraform.ts';
import { orchestratorSettings } from '../statemachines/settings.ts';
import { HubApi } from './api.ts';
import { CheckpointBucket } from './checkpoint-bucket.ts';
import { GLOBAL_ACCELERATOR_REGION, StableEndpoint } from './endpoint.ts';
import { HUB_LAMBDAS, type HubLambda, hubLambdaStatements } from './permissions.ts';

export const LOG_RETENTION_DAYS = 30;

/**
 * The API's functions stay within API Gateway's 30 s integration limit; RegionFinder queries every
 * candidate region (scores, then prices per region) and gets more room.
 */
export const HUB_LAMBDA_TIMEOUT_SECONDS: Record<HubLambda, number> = {
  'region-finder': 90,
  'state-store': 30,
  'toggle-provisioning': 29,
  'get-instance-details': 29,
  'spot-capacity-handler': 60,
};

export interface HubStackProps {
  config: Config;
  artifacts: Artifacts;
  /** Terraform state file, relative to the stack's directory. */
  statePath: string;
  /** Let `terraform destroy` delete the checkpoint bucket with its objects (teardown --delete-checkpoints). */
  deleteCheckpointsOnDestroy?: boolean;
}

export class HubStack extends TerraformStack {
  readonly apiUrl: string;
  readonly orchestratorArn: string;
  readonly checkpointBucket: string;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id);
    const { config, artifacts } = props;
    const { prefix, hubRegion: region } = config;
    const n = names(prefix);
    configureTerraform(this, props.statePath);
    const provider = regionProvider(this, region, prefix);
    const account = new DataAwsCallerIdentity(this, 'account', { provider }).accountId;
    const hub = arns({ region, account });

    new SsmParameter(this, 'provisioning', {
      provider,
      name: n.provisioningParameter,
      type: 'String',
      value: 'disabled',
      // The API owns the value after the first deploy.
      lifecycle: { ignoreChanges: ['value'] },
    });
    new SsmParameter(this, 'state', {
      provider,
      name: n.stateParameter,
      type: 'String',
      // Room for many exclusions and instances; Standard parameters stop at 4 KB.
      tier: 'Advanced',
      value: JSON.stringify(initialHubState(new Date(0))),
      lifecycle: { ignoreChanges: ['value'] },
    });

    const bus = new CloudwatchEventBus(this, 'bus', { provider, name: n.hubBus });
    // One token per attribute: each `bus.arn` read is a new token string, which would defeat de-duplication.
    const busArn = bus.arn;

    const statements = hubLambdaStatements({ names: n, hub, workerRegions: config.workerRegions });
    const functions = nodeFunctions(this, HUB_LAMBDAS, {
      provider,
      bundles: artifacts.bundles,
      names: n,
      prefix,
      region,
      config,
      statements,
      environment: { ORCHESTRATOR_ARN: hub.stateMachine(n.orchestratorStateMachine) },
      timeoutSeconds: HUB_LAMBDA_TIMEOUT_SECONDS,
      logRetentionDays: LOG_RETENTION_DAYS,
    });
    const functionArn = (name: HubLambda) => functions.get(name)?.arn ?? hub.lambda(n.lambda(name));

    const orchestratorDefinition = loadMachine(artifacts.rootDir, artifacts.loadDefinition, 'orchestrator', {
      ...orchestratorSettings(config),
      RegionFinderArn: functionArn('region-finder'),
      StateStoreArn: functionArn('state-store'),
      HubBusName: n.hubBus,
      HubBusArn: busArn,
      OrchestratorArn: hub.stateMachine(n.orchestratorStateMachine),
      Prefix: prefix,
      Region: region,
      HubRegion: region,
    });
    const orchestrator =
      orchestratorDefinition &&
      new StateMachine(this, 'orchestrator', {
        provider,
        name: n.orchestratorStateMachine,
        roleName: `${prefix}-${region}-orchestrator`,
        definition: orchestratorDefinition,
        selfArn: hub.stateMachine(n.orchestratorStateMachine),
        permissions: {
          busArn: (name) => (name === n.hubBus ? busArn : hub.eventBus(name)),
          grants: {},
        },
        logRetentionDays: LOG_RETENTION_DAYS,
        dependsOn: [...functions.values()],
      });
    const orchestratorArn = orchestrator?.arn ?? hub.stateMachine(n.orchestratorStateMachine);

    const handler = functions.get('spot-capacity-handler');
    const workerEvents = new CloudwatchEventRule(this, 'worker-events', {
      provider,
      name: n.workerEventsRule,
      description: `spotplane ${prefix}: worker reports to the capacity handler`,
      eventBusName: bus.name,
      eventPattern: JSON.stringify(workerEventsPattern(prefix)),
      // Always on (nothing flows while provisioning is off): a rule enabled on demand "might not" match at
      // once (EventBridge User Guide), which would drop the first event after an enable.
      state: 'ENABLED',
    });
    if (handler) {
      new CloudwatchEventTarget(this, 'worker-events-target', {
        provider,
        rule: workerEvents.name,
        eventBusName: bus.name,
        targetId: 'spot-capacity-handler',
        arn: handler.arn,
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 },
      });
      new LambdaPermission(this, 'worker-events-permission', {
        provider,
        statementId: 'worker-events',
        action: 'lambda:InvokeFunction',
        functionName: handler.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: workerEvents.arn,
      });
    }

    const apiHandler = (name: HubLambda) => {
      const fn = functions.get(name);
      return fn ? { functionName: fn.functionName, invokeArn: fn.invokeArn } : undefined;
    };
    const api = new HubApi(this, 'api', {
      provider,
      prefix,
      handlers: {
        ...(apiHandler('get-instance-details') && { instances: apiHandler('get-instance-details') }),
        ...(apiHandler('toggle-provisioning') && { provisioning: apiHandler('toggle-provisioning') }),
      },
      logRetentionDays: LOG_RETENTION_DAYS,
    });

    const bucket = new CheckpointBucket(this, 'checkpoints', {
      provider,
      bucketName: checkpointBucketName(prefix, account, region),
      agentBundle: artifacts.agentBundle,
      forceDestroy: props.deleteCheckpointsOnDestroy ?? false,
    });

    // The stable endpoint (endpoint "global-accelerator"): its resources need us-west-2's provider.
    const endpoint =
      config.endpoint === 'global-accelerator'
        ? new StableEndpoint(this, 'endpoint', {
            provider:
              region === GLOBAL_ACCELERATOR_REGION
                ? provider
                : regionProvider(this, GLOBAL_ACCELERATOR_REGION, prefix),
            prefix,
            port: config.container.port,
            healthCheckPath: config.container.healthCheckPath,
            workerRegions: config.workerRegions,
          })
        : undefined;

    this.apiUrl = api.url;
    this.orchestratorArn = orchestratorArn;
    this.checkpointBucket = bucket.bucketName;
    new TerraformOutput(this, 'api_url', { value: api.url });
    new TerraformOutput(this, 'prefix', { value: prefix });
    new TerraformOutput(this, 'hub_region', { value: region });
    new TerraformOutput(this, 'orchestrator_arn', { value: orchestratorArn });
    new TerraformOutput(this, 'checkpoint_bucket', { value: bucket.bucketName });
    new TerraformOutput(this, 'toggle_function', { value: n.lambda('toggle-provisioning') });
    if (endpoint) {
      new TerraformOutput(this, 'endpoint_url', {
        value: `http://${endpoint.dnsName}:${config.container.port}/`,
      });
      new TerraformOutput(this, 'endpoint_groups', { value: endpoint.endpointGroups });
    }
  }
}
