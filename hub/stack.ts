/**
 * The hub region: the Orchestrator, the hub Lambdas, the HTTP API, the hub bus with the worker-events
 * rule, the state table, the backstop schedule and the checkpoint bucket. Hub->worker rules live in each
 * worker stack.
 */
import { CloudwatchEventBus } from '@cdktn/provider-aws/lib/cloudwatch-event-bus/index.js';
import { CloudwatchEventRule } from '@cdktn/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktn/provider-aws/lib/cloudwatch-event-target/index.js';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity/index.js';
import { DynamodbTable } from '@cdktn/provider-aws/lib/dynamodb-table/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import { Fn, TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import type { Config } from '../core/config.ts';
import { ENDPOINT_GROUPS_ENV, ENDPOINT_URL_ENV } from '../core/endpoint.ts';
import { workerEventsPattern } from '../core/event-patterns.ts';
import { names } from '../core/naming.ts';
import { LAMBDAS, lambdaPlaceholders } from '../core/registry.ts';
import { arns, checkpointBucketName } from '../infra/arns.ts';
import type { Artifacts } from '../infra/artifacts.ts';
import { loadMachine } from '../infra/definitions.ts';
import { nodeFunctions } from '../infra/node-function.ts';
import { StateMachine } from '../infra/state-machine.ts';
import { configureTerraform, regionProvider } from '../infra/terraform.ts';
import { BACKSTOP_SCHEDULE } from '../lambdas/backstop/index.ts';
import { STATE_TABLE_SCHEMA } from '../lambdas/shared/state-table.ts';
import { orchestratorSettings } from '../statemachines/settings.ts';
import { HubApi } from './api.ts';
import { CheckpointBucket } from './checkpoint-bucket.ts';
import { GLOBAL_ACCELERATOR_REGION, StableEndpoint } from './endpoint.ts';
import { HUB_LAMBDAS, type HubLambda, hubLambdaStatements } from './permissions.ts';

export const LOG_RETENTION_DAYS = 30;

/** Each hub Lambda's timeout, from the registry (the API's stay within API Gateway's 30 s limit). */
export const HUB_LAMBDA_TIMEOUT_SECONDS = Object.fromEntries(
  HUB_LAMBDAS.map((name) => [name, LAMBDAS[name].timeoutSeconds]),
) as Record<HubLambda, number>;

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

    const table = new DynamodbTable(this, 'state', {
      provider,
      name: n.stateTable,
      billingMode: STATE_TABLE_SCHEMA.billingMode,
      hashKey: STATE_TABLE_SCHEMA.partitionKey,
      rangeKey: STATE_TABLE_SCHEMA.sortKey,
      attribute: [
        { name: STATE_TABLE_SCHEMA.partitionKey, type: 'S' },
        { name: STATE_TABLE_SCHEMA.sortKey, type: 'S' },
      ],
      pointInTimeRecovery: { enabled: true },
      // A KMS key of the account (aws/dynamodb) rather than the default AWS-owned one: visible and auditable.
      serverSideEncryption: { enabled: true },
      ttl: { attributeName: STATE_TABLE_SCHEMA.ttlAttribute, enabled: true },
    });

    const bus = new CloudwatchEventBus(this, 'bus', { provider, name: n.hubBus });
    // One token per attribute: each `bus.arn` read is a new token string, which would defeat de-duplication.
    const busArn = bus.arn;

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
    const endpointUrl = endpoint && `http://${endpoint.dnsName}:${config.container.port}/`;

    const statements = hubLambdaStatements({
      names: n,
      hub,
      tableArn: table.arn,
      workers: config.workerRegions.map((r) => ({ region: r, arns: arns({ region: r, account }) })),
      endpointGroups: endpoint ? Object.values(endpoint.endpointGroups) : [],
    });
    const functions = nodeFunctions(this, HUB_LAMBDAS, {
      provider,
      bundles: artifacts.bundles,
      names: n,
      prefix,
      region,
      config,
      statements,
      environment: {
        ORCHESTRATOR_ARN: hub.stateMachine(n.orchestratorStateMachine),
        // The hub's plan registers the replicas in these groups; the API shows the URL.
        ...(endpoint && {
          [ENDPOINT_URL_ENV]: endpointUrl as string,
          [ENDPOINT_GROUPS_ENV]: Fn.jsonencode(endpoint.endpointGroups),
        }),
      },
      timeoutSeconds: HUB_LAMBDA_TIMEOUT_SECONDS,
      logRetentionDays: LOG_RETENTION_DAYS,
    });
    const functionArn = (name: HubLambda) => functions.get(name)?.arn ?? hub.lambda(n.lambda(name));

    const orchestratorDefinition = loadMachine(artifacts.rootDir, artifacts.loadDefinition, 'orchestrator', {
      ...orchestratorSettings(config),
      ...lambdaPlaceholders('hub', (name) => functionArn(name as HubLambda)),
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

    const waker = functions.get('waker');
    const workerEvents = new CloudwatchEventRule(this, 'worker-events', {
      provider,
      name: n.workerEventsRule,
      description: `spotplane ${prefix}: worker reports to the waker`,
      eventBusName: bus.name,
      eventPattern: JSON.stringify(workerEventsPattern(prefix)),
      // Always on (nothing flows while provisioning is off): a rule enabled on demand "might not" match at
      // once (EventBridge User Guide), which would drop the first event after an enable.
      state: 'ENABLED',
    });
    if (waker) {
      new CloudwatchEventTarget(this, 'worker-events-target', {
        provider,
        rule: workerEvents.name,
        eventBusName: bus.name,
        targetId: 'waker',
        arn: waker.arn,
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 },
      });
      new LambdaPermission(this, 'worker-events-permission', {
        provider,
        statementId: 'worker-events',
        action: 'lambda:InvokeFunction',
        functionName: waker.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: workerEvents.arn,
      });
    }

    const backstop = functions.get('backstop');
    // Scheduled events come from AWS itself on the default bus: no custom-event charge.
    const schedule = new CloudwatchEventRule(this, 'backstop-schedule', {
      provider,
      name: n.backstopRule,
      description: `spotplane ${prefix}: restart the Orchestrator if one should run and none does`,
      scheduleExpression: BACKSTOP_SCHEDULE,
      state: 'ENABLED',
    });
    if (backstop) {
      new CloudwatchEventTarget(this, 'backstop-target', {
        provider,
        rule: schedule.name,
        targetId: 'backstop',
        arn: backstop.arn,
      });
      new LambdaPermission(this, 'backstop-permission', {
        provider,
        statementId: 'backstop-schedule',
        action: 'lambda:InvokeFunction',
        functionName: backstop.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: schedule.arn,
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

    this.apiUrl = api.url;
    this.orchestratorArn = orchestratorArn;
    this.checkpointBucket = bucket.bucketName;
    new TerraformOutput(this, 'api_url', { value: api.url });
    new TerraformOutput(this, 'prefix', { value: prefix });
    new TerraformOutput(this, 'hub_region', { value: region });
    new TerraformOutput(this, 'orchestrator_arn', { value: orchestratorArn });
    new TerraformOutput(this, 'checkpoint_bucket', { value: bucket.bucketName });
    new TerraformOutput(this, 'toggle_function', { value: n.lambda('toggle-provisioning') });
    new TerraformOutput(this, 'state_table', { value: table.name });
    if (endpoint) {
      new TerraformOutput(this, 'endpoint_url', { value: endpointUrl });
      new TerraformOutput(this, 'endpoint_groups', { value: endpoint.endpointGroups });
    }
  }
}
