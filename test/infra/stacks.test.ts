/** Properties of the synthesized Terraform for a hub and two workers (one with given subnets). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupMaxSize, parseConfig } from '../../core/config.ts';
import { HUB_SOURCE } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import { DEFAULT_NEURON_IMAGE, workload } from '../../core/workload.ts';
import { synthesize } from '../../deploy/app.ts';
import { bucketAddressesInConfig } from '../../deploy/checkpoints.ts';
import { API_ROUTES } from '../../hub/api.ts';
import { HUB_LAMBDAS } from '../../hub/permissions.ts';
import { MACHINE_FILES, type MachineKey } from '../../infra/definitions.ts';
import { discoverHandlers, LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '../../infra/lambda-bundle.ts';
import { hubStackName, workerStackName } from '../../infra/stack-names.ts';
import { providerAlias } from '../../infra/terraform.ts';
import { loadDefinition } from '../../statemachines/load.ts';
import { ECS_GPU_AMI_PARAMETER, ECS_NEURON_AMI_PARAMETER } from '../../worker/capacity.ts';
import { WORKER_LAMBDAS } from '../../worker/stack.ts';
import { actionsIn } from './sdk-actions.ts';
import {
  allResources,
  type Fixture,
  GIVEN_SUBNETS,
  ROOT,
  resources,
  synthFixture,
  type TfJson,
} from './synth-fixture.ts';
import { matchTemplate } from './template-match.ts';

/**
 * Calls present in a bundle that the function never makes: each hub Lambda bundles the shared state table
 * (lambdas/shared/state-table.ts) and task-token helpers but uses a few of their calls, and its role grants
 * only those (GET /spot-instances only reads; the waker never deletes; nothing but Act answers a task with
 * a failure or heartbeat).
 */
const TOKEN_CALLS = ['states:SendTaskFailure', 'states:SendTaskHeartbeat'];
const table = (...actions: string[]) => actions.map((a) => `dynamodb:${a}`);
const NEVER_CALLED: Record<string, string[]> = {
  observe: table('GetItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'),
  act: [...table('GetItem', 'Query'), ...TOKEN_CALLS],
  waker: [...table('GetItem', 'Query', 'DeleteItem', 'ConditionCheckItem'), ...TOKEN_CALLS],
  backstop: [
    ...table('PutItem', 'Query', 'DeleteItem', 'ConditionCheckItem'),
    'states:SendTaskSuccess',
    ...TOKEN_CALLS,
  ],
  'toggle-provisioning': [...table('Query', 'DeleteItem', 'ConditionCheckItem'), ...TOKEN_CALLS],
  'get-instance-details': [
    ...table('PutItem', 'UpdateItem', 'Query', 'DeleteItem', 'ConditionCheckItem'),
    'states:SendTaskSuccess',
    'states:ListExecutions',
    'states:StartExecution',
    ...TOKEN_CALLS,
  ],
};
/** What every function's role has besides its SDK calls. */
const BASELINE = /^(logs:(CreateLogStream|PutLogEvents)|xray:[A-Za-z]+)$/;

let fx: Fixture;
const n = names('sptest');
const HUB = hubStackName('sptest');
const WEST = workerStackName('sptest', 'us-west-2');
const EU = workerStackName('sptest', 'eu-west-1');

// Bundling every Lambda takes ~30 s alone and far longer on a loaded machine.
beforeAll(async () => {
  fx = await synthFixture();
}, 300_000);

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const policies = (stacks: Record<string, TfJson>): { id: string; statements: PolicyStatement[] }[] =>
  allResources(stacks, 'aws_iam_role_policy').map(([id, body]) => ({
    id,
    statements: (JSON.parse(body.policy as string) as { Statement: PolicyStatement[] }).Statement,
  }));

/** Actions AWS authorizes only on "*" (no resource type), the only ones allowed a "*" resource. */
const STAR_RESOURCE_ACTIONS = [
  /^ec2:Describe[A-Za-z]+$/,
  /^ec2:GetSpotPlacementScores$/,
  /^autoscaling:Describe[A-Za-z]+$/,
  /^xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)$/,
  /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/,
  /^states:SendTask(Success|Failure|Heartbeat)$/,
];

function allowedActions(stack: TfJson, functionName: string): Set<string> {
  const [fnId] =
    resources(stack, 'aws_lambda_function').find(([, f]) => f.function_name === functionName) ?? [];
  expect(fnId, functionName).toBeDefined();
  // The function construct's id prefixes its role policy's id (both live under the same construct).
  const construct = (fnId as string).replace(/_function_[0-9A-F]+$/, '');
  const [, policy] =
    resources(stack, 'aws_iam_role_policy').find(([id]) => id.startsWith(`${construct}_role_policy`)) ?? [];
  expect(policy, `${functionName} role policy`).toBeDefined();
  const statements = JSON.parse(policy?.policy as string).Statement as {
    Effect: string;
    Action: string[] | string;
  }[];
  return new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()));
}

describe('synthesized stacks', () => {
  it('writes one hub stack and one stack per worker region', () => {
    expect(Object.keys(fx.stacks).sort()).toEqual([EU, WEST, HUB].sort());
    for (const s of fx.result.stacks)
      expect(s.file).toBe(join(fx.dir, 'cdktf.out', 'stacks', s.name, 'cdk.tf.json'));
  });

  it('gives every region its own aliased provider and pins the range the offline provider meets', () => {
    for (const stack of Object.values(fx.stacks)) {
      expect(stack.terraform.required_providers.aws.version).toBe('>= 5.100, < 7');
      const aliases = (stack.provider.aws as TfJson[]).map((p) => p.alias);
      expect(new Set(aliases).size).toBe(aliases.length);
      for (const p of stack.provider.aws as TfJson[]) expect(p.alias).toBe(providerAlias(p.region));
    }
    expect(((fx.stacks[WEST] as TfJson).provider.aws as TfJson[]).map((p) => p.region).sort()).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
  });

  it('sets no per-resource region (an AWS provider 6 argument the 5.100 provider rejects)', () => {
    for (const stack of Object.values(fx.stacks)) {
      for (const bodies of Object.values(stack.resource as Record<string, Record<string, TfJson>>)) {
        for (const body of Object.values(bodies)) expect(body).not.toHaveProperty('region');
      }
    }
  });
});

describe('IAM', () => {
  it('grants no "*" action and no service-wide action in any policy', () => {
    const all = policies(fx.stacks);
    expect(all.length).toBeGreaterThan(10);
    for (const { id, statements } of all) {
      for (const s of statements.filter((st) => st.Effect === 'Allow')) {
        for (const action of asList(s.Action)) {
          expect(action, id).not.toContain('*');
          expect(action, id).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        }
      }
    }
  });

  it('uses a "*" resource only for actions AWS cannot scope to a resource', () => {
    for (const { id, statements } of policies(fx.stacks)) {
      for (const s of statements.filter((st) => asList(st.Resource).includes('*'))) {
        // Scoped by a condition key instead of a resource: allowed, and only that way.
        if ((s as TfJson).Condition?.ArnEquals?.['ecs:cluster']) {
          expect(asList(s.Action), id).toEqual(['ecs:ListTasks']);
          continue;
        }
        for (const action of asList(s.Action)) {
          expect(
            STAR_RESOURCE_ACTIONS.some((re) => re.test(action)),
            `${id}: ${action} on "*"`,
          ).toBe(true);
        }
      }
    }
  });

  it('limits the GPU instance role to the checkpoint prefix of the bucket', () => {
    for (const worker of [WEST, EU]) {
      const role = policies({ w: fx.stacks[worker] as TfJson }).find((p) => p.id.includes('instance-role'));
      expect(role, worker).toBeDefined();
      const writes = role?.statements.filter((s) => asList(s.Action).includes('s3:PutObject')) ?? [];
      expect(writes).toHaveLength(1);
      expect(asList(writes[0]?.Resource ?? [])).toEqual([
        expect.stringMatching(/^arn:aws:s3:::sptest-ckpt-.*\/checkpoints\/\*$/),
      ]);
      const list = role?.statements.find((s) => asList(s.Action).includes('s3:ListBucket')) as
        | TfJson
        | undefined;
      expect(list?.Condition.StringLike['s3:prefix']).toEqual(['checkpoints/*', 'checkpoints/']);
    }
  });
});

describe('hub', () => {
  it("fronts the workers with one accelerator whose resources use us-west-2's provider, a group per worker region", () => {
    const hub = fx.stacks[HUB] as TfJson;
    const west = `aws.${providerAlias('us-west-2')}`;
    const accelerators = resources(hub, 'aws_globalaccelerator_accelerator').map(([, a]) => a);
    expect(accelerators).toHaveLength(1);
    expect(accelerators[0]).toMatchObject({ provider: west, ip_address_type: 'IPV4', enabled: true });
    const [listener] = resources(hub, 'aws_globalaccelerator_listener').map(([, l]) => l);
    expect(listener).toMatchObject({ provider: west, protocol: 'TCP' });
    const port = fx.config.container.port;
    expect(listener?.port_range).toEqual([{ from_port: port, to_port: port }]);
    const groups = resources(hub, 'aws_globalaccelerator_endpoint_group').map(([, g]) => g);
    expect(groups.map((g) => g.endpoint_group_region).sort()).toEqual([...fx.config.workerRegions].sort());
    for (const g of groups) {
      expect(g).toMatchObject({
        provider: west,
        health_check_protocol: 'HTTP',
        health_check_port: port,
        health_check_path: fx.config.container.healthCheckPath,
        health_check_interval_seconds: 10,
        threshold_count: 3,
        traffic_dial_percentage: 100,
      });
      // The hub's plan adds and removes the instances; Terraform must not undo that.
      expect(g.lifecycle.ignore_changes).toEqual(['endpoint_configuration']);
      expect(g.endpoint_configuration).toBeUndefined();
    }
    expect(hub.output.endpoint_url.value).toMatch(
      /^http:\/\/\$\{aws_globalaccelerator_accelerator\..+\.dns_name\}:30000\/$/,
    );
  });

  it("hands the hub's Lambdas the endpoint groups and URL, and lets only Observe / Act touch the groups", () => {
    const hub = fx.stacks[HUB] as TfJson;
    const groupIds = resources(hub, 'aws_globalaccelerator_endpoint_group').map(([id]) => id);
    const observe = resources(hub, 'aws_lambda_function').find(([, f]) =>
      String(f.function_name).endsWith('-observe'),
    )?.[1];
    const env = observe?.environment.variables;
    expect(env.ENDPOINT_URL).toBe(hub.output.endpoint_url.value);
    for (const id of groupIds)
      expect(env.ENDPOINT_GROUPS).toContain(`aws_globalaccelerator_endpoint_group.${id}.id`);
    const policy = (name: string) => {
      const [fnId] =
        resources(hub, 'aws_lambda_function').find(([, f]) => String(f.function_name).endsWith(`-${name}`)) ??
        [];
      const construct = String(fnId).replace(/_function_[0-9A-F]+$/, '');
      const [, p] =
        resources(hub, 'aws_iam_role_policy').find(([id]) => id.startsWith(`${construct}_role_policy`)) ?? [];
      return (
        JSON.parse(p?.policy as string).Statement as {
          Action: string[] | string;
          Resource: string[] | string;
        }[]
      )
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('globalaccelerator:')))
        .map((st) => ({ actions: [st.Action].flat().sort(), resources: [st.Resource].flat().length }));
    };
    expect(policy('observe')).toEqual([
      { actions: ['globalaccelerator:DescribeEndpointGroup'], resources: groupIds.length },
    ]);
    expect(policy('act')).toEqual([
      {
        actions: [
          'globalaccelerator:AddEndpoints',
          'globalaccelerator:RemoveEndpoints',
          'globalaccelerator:UpdateEndpointGroup',
        ],
        resources: groupIds.length,
      },
    ]);
    expect(policy('plan')).toEqual([]);
    expect(policy('waker')).toEqual([]);
  });

  it('routes the API with AWS_IAM authorization on every route', () => {
    const routes = resources(fx.stacks[HUB] as TfJson, 'aws_apigatewayv2_route').map(([, r]) => r);
    for (const r of routes) expect(r.authorization_type).toBe('AWS_IAM');
    const present = discoverHandlers(ROOT, ['get-instance-details', 'toggle-provisioning']).present;
    const expected = API_ROUTES.filter((r) =>
      present.includes(r.handler === 'instances' ? 'get-instance-details' : 'toggle-provisioning'),
    ).map((r) => r.routeKey);
    expect(routes.map((r) => r.route_key).sort()).toEqual([...expected].sort());
    if (present.length === 2)
      expect(expected).toEqual(expect.arrayContaining(['GET /spot-instances', 'POST /spot-provisioning']));
  });

  it('never lets destroy delete the checkpoint bucket unless teardown asks for it', async () => {
    const bucket = () => resources(fx.stacks[HUB] as TfJson, 'aws_s3_bucket');
    expect(bucket()).toHaveLength(1);
    expect(bucket()[0]?.[1].force_destroy).toBe(false);
    const outdir = join(fx.dir, 'delete-checkpoints');
    const again = await synthesize({
      config: fx.config,
      rootDir: ROOT,
      outdir,
      stateDir: join(fx.dir, 'state'),
      artifacts: fx.result.artifacts,
      deleteCheckpointsOnDestroy: true,
    });
    const hub = JSON.parse(
      readFileSync(again.stacks.find((s) => s.kind === 'hub')?.file as string, 'utf8'),
    ) as TfJson;
    expect(resources(hub, 'aws_s3_bucket')[0]?.[1].force_destroy).toBe(true);
  });

  it('names the checkpoint bucket and every bucket-config resource on it, not the objects in it', () => {
    const hub = fx.stacks[HUB] as TfJson;
    const found = bucketAddressesInConfig(hub);
    const [bucketId] = resources(hub, 'aws_s3_bucket')[0] ?? [];
    expect(found?.bucket).toBe(`aws_s3_bucket.${bucketId}`);
    const configTypes = Object.keys(hub.resource).filter((t) => t.startsWith('aws_s3_bucket_'));
    const expected = configTypes.flatMap((t) => resources(hub, t).map(([id]) => `${t}.${id}`));
    expect(expected.length).toBeGreaterThanOrEqual(6);
    expect(found?.all.slice(1)).toEqual(expected.sort());
    expect(found?.all.some((a) => a.startsWith('aws_s3_object.'))).toBe(false);
    expect(bucketAddressesInConfig(fx.stacks[WEST] as TfJson)).toBeUndefined();
  });

  it('keeps checkpoints encrypted, versioned, private, TLS-only and expiring old versions', () => {
    const hub = fx.stacks[HUB] as TfJson;
    const sse = resources(hub, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse).toHaveLength(1);
    expect(sse[0]?.[1].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(resources(hub, 'aws_s3_bucket_versioning')[0]?.[1].versioning_configuration.status).toBe(
      'Enabled',
    );
    const block = resources(hub, 'aws_s3_bucket_public_access_block')[0]?.[1];
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const lifecycle = resources(hub, 'aws_s3_bucket_lifecycle_configuration')[0]?.[1];
    expect(lifecycle?.rule[0].status).toBe('Enabled');
    expect(lifecycle?.rule[0].noncurrent_version_expiration[0].noncurrent_days).toBeGreaterThan(0);
    const policy = JSON.parse(resources(hub, 'aws_s3_bucket_policy')[0]?.[1].policy as string);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it("delivers only this prefix's worker events to the waker, always on", () => {
    const [, rule] =
      resources(fx.stacks[HUB] as TfJson, 'aws_cloudwatch_event_rule').find(
        ([, r]) => r.name === n.workerEventsRule,
      ) ?? [];
    expect(JSON.parse(rule?.event_pattern as string)).toEqual({
      source: ['spotplane.worker'],
      detail: { prefix: ['sptest'] },
    });
    // Always on: a rule enabled on demand may not match at once (EventBridge User Guide).
    expect(rule?.state).toBe('ENABLED');
    expect(rule?.lifecycle).toBeUndefined();
    const target = resources(fx.stacks[HUB] as TfJson, 'aws_cloudwatch_event_target').find(
      ([, t]) => t.target_id === 'waker',
    );
    expect(target?.[1].arn).toMatch(/aws_lambda_function\..*waker.*\.arn/);
  });

  it('keeps the hub state in one on-demand DynamoDB table with point-in-time recovery, encryption and TTL', () => {
    const tables = resources(fx.stacks[HUB] as TfJson, 'aws_dynamodb_table').map(([, t]) => t);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({
      name: n.stateTable,
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      ttl: { attribute_name: 'expires_at', enabled: true },
    });
    expect(resources(fx.stacks[HUB] as TfJson, 'aws_ssm_parameter')).toEqual([]);
  });

  it('runs the backstop every 5 minutes from a scheduled rule on the default bus', () => {
    const [, rule] =
      resources(fx.stacks[HUB] as TfJson, 'aws_cloudwatch_event_rule').find(
        ([, r]) => r.name === n.backstopRule,
      ) ?? [];
    expect(rule).toMatchObject({ schedule_expression: 'rate(5 minutes)', state: 'ENABLED' });
    expect(rule?.event_bus_name).toBeUndefined();
    const target = resources(fx.stacks[HUB] as TfJson, 'aws_cloudwatch_event_target').find(
      ([, t]) => t.target_id === 'backstop',
    );
    expect(target?.[1].arn).toMatch(/aws_lambda_function\..*backstop.*\.arn/);
  });
});

describe('Lambdas', () => {
  it('deploys every hub and worker handler in the tree on Node.js 22 arm64 with active tracing', () => {
    const present = discoverHandlers(ROOT, [...HUB_LAMBDAS, ...WORKER_LAMBDAS]).present;
    const deployed = allResources(fx.stacks, 'aws_lambda_function').map(([, f]) => f);
    const perWorker = present.filter((p) => (WORKER_LAMBDAS as readonly string[]).includes(p)).length;
    const perHub = present.length - perWorker;
    expect(deployed).toHaveLength(perHub + 2 * perWorker);
    expect(deployed.map((f) => f.function_name).sort()).toEqual(
      [
        ...present.filter((p) => (HUB_LAMBDAS as readonly string[]).includes(p)),
        ...present.filter((p) => (WORKER_LAMBDAS as readonly string[]).includes(p)).flatMap((p) => [p, p]),
      ]
        .map((p) => `sptest-${p}`)
        .sort(),
    );
    for (const f of deployed) {
      expect(f.runtime).toBe(LAMBDA_RUNTIME);
      expect(f.architectures).toEqual([LAMBDA_ARCHITECTURE]);
      expect(f.tracing_config.mode).toBe('Active');
      expect(JSON.parse(f.environment.variables.SPOTPLANE_CONFIG).prefix).toBe('sptest');
    }
  });

  it('reports the handlers not written yet instead of deploying a placeholder', () => {
    const { missing } = discoverHandlers(ROOT, [...HUB_LAMBDAS, ...WORKER_LAMBDAS]);
    expect(fx.result.missing).toEqual(expect.arrayContaining(missing.map((m) => `lambdas/${m}/handler.ts`)));
  });

  it('bundles each handler into an ESM module that plain Node loads and that exports handler', () => {
    const built = [...fx.result.artifacts.bundles.values()].map((b) =>
      join(fx.dir, 'cdktf.out', '.build', 'lambdas', 'lambda-build', b.name, 'index.mjs'),
    );
    expect(built.length).toBeGreaterThan(0);
    // A plain Node process, as in Lambda: no vitest transform, no tsx.
    const script = `const files = JSON.parse(process.argv[1]);
      const kinds = await Promise.all(files.map(async (f) => typeof (await import(f)).handler));
      process.stdout.write(JSON.stringify(kinds));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(built)], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(built.map(() => 'function'));
    // Ten bundles, each with its SDK clients, loaded in one plain Node process: slow on a loaded machine.
  }, 180_000);
});

describe('state machines', () => {
  const machinesIn = (stack: string) =>
    resources(fx.stacks[stack] as TfJson, 'aws_sfn_state_machine').map(([, m]) => m);
  const present = (Object.keys(MACHINE_FILES) as MachineKey[]).filter((k) =>
    existsSync(join(ROOT, 'statemachines', MACHINE_FILES[k])),
  );

  it('deploys one Standard machine per statemachines/ file present, each logging ALL and traced', () => {
    const hubCount = present.includes('orchestrator') ? 1 : 0;
    expect(machinesIn(HUB)).toHaveLength(hubCount);
    for (const w of [WEST, EU]) expect(machinesIn(w)).toHaveLength(present.length - hubCount);
    for (const m of [HUB, WEST, EU].flatMap(machinesIn)) {
      expect(m.type).toBe('STANDARD');
      expect(m.logging_configuration.level).toBe('ALL');
      expect(m.logging_configuration.include_execution_data).toBe(true);
      expect(m.logging_configuration.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/);
      expect(m.tracing_configuration.enabled).toBe(true);
    }
  });

  it('alarms on failed, timed-out and aborted executions of every machine', () => {
    for (const stack of [HUB, WEST, EU]) {
      const alarms = resources(fx.stacks[stack] as TfJson, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
      expect(alarms).toHaveLength(machinesIn(stack).length);
      for (const a of alarms) {
        const metrics = (a.metric_query as TfJson[]).filter((q) => q.metric).map((q) => q.metric.metric_name);
        expect(metrics.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      }
    }
  });

  it('deploys exactly the statemachines/ file, each placeholder bound to one value', () => {
    const hub = fx.stacks[HUB] as TfJson;
    const fnArn = (stack: TfJson, fn: string) => {
      const found = resources(stack, 'aws_lambda_function').find(
        ([, f]) => f.function_name === `sptest-${fn}`,
      );
      return found ? `\${aws_lambda_function.${found[0]}.arn}` : undefined;
    };
    for (const key of present) {
      const file = join(ROOT, 'statemachines', MACHINE_FILES[key]);
      const template = JSON.parse(readFileSync(file, 'utf8'));
      const stacks = key === 'orchestrator' ? [HUB] : [WEST, EU];
      for (const stackName of stacks) {
        const stack = fx.stacks[stackName] as TfJson;
        const deployed = machinesIn(stackName).find((m) =>
          m.name.endsWith(MACHINE_FILES[key].replace('.asl.json', '')),
        );
        expect(deployed, `${key} in ${stackName}`).toBeDefined();
        const definition = JSON.parse(deployed?.definition as string);
        const { bindings, mismatches } = matchTemplate(template, definition);
        expect(mismatches, `${key} in ${stackName}`).toEqual([]);
        if (bindings.has('Prefix')) expect(bindings.get('Prefix')).toBe('sptest');
        if (bindings.has('HubBusName')) expect(bindings.get('HubBusName')).toBe(n.hubBus);
        if (bindings.has('WorkerBusName')) expect(bindings.get('WorkerBusName')).toBe(n.workerBus);
        if (bindings.has('AsgName')) expect(bindings.get('AsgName')).toBe(n.autoScalingGroup);
        for (const [placeholder, fn] of [
          ['ObserveArn', 'observe'],
          ['PlanArn', 'plan'],
          ['ActArn', 'act'],
          ['GetInstanceFromAsgArn', 'get-instance-from-asg'],
          ['AsgLaunchStatusArn', 'asg-launch-status'],
          ['ClassifyCapacityEventArn', 'classify-capacity-event'],
        ] as const) {
          const arn = fnArn(stack, fn);
          if (bindings.has(placeholder) && arn) expect(bindings.get(placeholder)).toBe(arn);
        }
        // The loader, given the values found, produces the deployed definition exactly.
        const asStrings = Object.fromEntries(
          [...bindings].map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
        );
        expect(loadDefinition(file, asStrings)).toEqual(definition);
      }
    }
    expect(hub).toBeDefined();
  });
});

/** Every inbound rule of the instances' security group. */
function servingIngress(stack: TfJson): TfJson[] {
  const [sgId] =
    resources(stack, 'aws_security_group').find(([, g]) => g.name.endsWith('-gpu-instances')) ?? [];
  expect(sgId).toBeDefined();
  return resources(stack, 'aws_vpc_security_group_ingress_rule')
    .map(([, r]) => r)
    .filter((r) => r.security_group_id === `\${aws_security_group.${sgId}.id}`);
}

describe('workers', () => {
  const worker = (name: string) => fx.stacks[name] as TfJson;

  it('requires IMDSv2 with a hop limit of 2 on every launch template', () => {
    const templates = allResources(fx.stacks, 'aws_launch_template').map(([, t]) => t);
    expect(templates).toHaveLength(2);
    for (const t of templates) {
      expect(t.metadata_options).toMatchObject({
        http_endpoint: 'enabled',
        http_tokens: 'required',
        http_put_response_hop_limit: 2,
      });
    }
  });

  it('boots the ECS GPU-optimized AMI from its public SSM parameter', () => {
    for (const w of [WEST, EU]) {
      const params = Object.values(worker(w).data.aws_ssm_parameter as Record<string, TfJson>);
      expect(params.map((p) => p.name)).toEqual([ECS_GPU_AMI_PARAMETER]);
      const [, template] = resources(worker(w), 'aws_launch_template')[0] ?? [];
      expect(template?.image_id).toMatch(/^\$\{data\.aws_ssm_parameter\..+\.insecure_value\}$/);
    }
  });

  it('runs a 100 % Spot, price-capacity-optimized group over several types without Capacity Rebalancing', () => {
    for (const w of [WEST, EU]) {
      const [, asg] = resources(worker(w), 'aws_autoscaling_group')[0] ?? [];
      expect(asg?.name).toBe(n.autoScalingGroup);
      // With it, Auto Scaling would replace the serving instance on a mere recommendation: the hub decides moves.
      expect(asg?.capacity_rebalance).toBe(false);
      // Under Default, a scale-in takes the instance closest to its next billing hour: often a ready replica.
      expect(asg?.termination_policies).toEqual(['NewestInstance']);
      expect(asg?.max_size).toBe(groupMaxSize(fx.config));
      const policy = asg?.mixed_instances_policy;
      expect(policy.launch_template.override.map((o: TfJson) => o.instance_type)).toEqual(
        fx.config.instanceTypes,
      );
      expect(policy.instances_distribution).toMatchObject({
        on_demand_base_capacity: 0,
        on_demand_percentage_above_base_capacity: 0,
        spot_allocation_strategy: 'price-capacity-optimized',
      });
    }
  });

  it('suspends AZRebalance, so Auto Scaling never moves a serving replica to even the zones', () => {
    for (const w of [WEST, EU]) {
      const [, asg] = resources(worker(w), 'aws_autoscaling_group')[0] ?? [];
      expect(asg?.suspended_processes).toContain('AZRebalance');
    }
  });

  it('uses the given subnets where given, and creates a VPC only where none were given', () => {
    const [, west] = resources(worker(WEST), 'aws_autoscaling_group')[0] ?? [];
    expect(west?.vpc_zone_identifier).toEqual(GIVEN_SUBNETS);
    expect(resources(worker(WEST), 'aws_vpc')).toHaveLength(0);
    const [, eu] = resources(worker(EU), 'aws_autoscaling_group')[0] ?? [];
    expect(resources(worker(EU), 'aws_vpc')).toHaveLength(1);
    expect(eu?.vpc_zone_identifier).toMatch(/^\$\{aws_subnet\.[^.]+\[\*\]\.id\}$/);
  });

  it('creates one subnet per available zone, at most three, so a two-zone region gets a valid network', () => {
    const subnets = resources(worker(EU), 'aws_subnet');
    expect(subnets).toHaveLength(1);
    const [, subnet] = subnets[0] ?? [];
    // count = min(3, zones) and zone = zones[count.index]: never two subnets in one zone (no wrap-around).
    expect(subnet?.count).toMatch(/^\$\{min\(3, length\(data\.aws_availability_zones\.[^)]+\.names\)\)\}$/);
    expect(subnet?.availability_zone).toMatch(
      /^\$\{element\(data\.aws_availability_zones\.[^,]+\.names, count\.index\)\}$/,
    );
    const [, association] = resources(worker(EU), 'aws_route_table_association')[0] ?? [];
    expect(association?.count).toBe(subnet?.count);
  });

  it('puts one EFS mount target per zone (EFS refuses a second one: MountTargetConflict)', () => {
    for (const w of [WEST, EU]) {
      const mounts = resources(worker(w), 'aws_efs_mount_target');
      expect(mounts).toHaveLength(1);
      const [, mount] = mounts[0] ?? [];
      expect(mount?.subnet_id).toBe('${each.value}');
      const local = /^\$\{local\.(.+)\}$/.exec(mount?.for_each)?.[1] ?? '';
      // Keyed by availability zone: a map from zone to one subnet of it.
      expect(worker(w).locals[local]).toMatch(/s\.availability_zone => s\.id/);
    }
    // Given subnets may share a zone: the first of each zone is taken.
    const westLocal = Object.values(worker(WEST).locals as Record<string, string>)[0];
    expect(westLocal).toMatch(/=> s\.id\.\.\. \} : zone => ids\[0\]/);
    expect(westLocal).toMatch(/data\.aws_subnet\..+, data\.aws_subnet\./);
  });

  it("keeps the AmazonECSManaged tag ECS puts on a capacity provider's group (no perpetual diff)", () => {
    for (const w of [WEST, EU]) {
      const [, asg] = resources(worker(w), 'aws_autoscaling_group')[0] ?? [];
      expect(asg?.tag).toContainEqual({ key: 'AmazonECSManaged', value: 'true', propagate_at_launch: true });
    }
  });

  it('encrypts the model cache and mounts it into the SGLang container, with a GPU and a health check', () => {
    for (const w of [WEST, EU]) {
      expect(resources(worker(w), 'aws_efs_file_system')[0]?.[1].encrypted).toBe(true);
      const [, task] = resources(worker(w), 'aws_ecs_task_definition')[0] ?? [];
      const [container] = JSON.parse(task?.container_definitions as string);
      expect(container.resourceRequirements).toEqual([{ type: 'GPU', value: '1' }]);
      expect(container.healthCheck.command.join(' ')).toContain('/health');
      const cacheVolume = ((task as TfJson).volume as TfJson[]).find((v) => v.efs_volume_configuration);
      expect(cacheVolume?.efs_volume_configuration.transit_encryption).toBe('ENABLED');
      expect(container.mountPoints.map((m: TfJson) => m.sourceVolume)).toContain(cacheVolume?.name);
      expect(container.image).toBe(workload(fx.config).image);
      expect(container.linuxParameters.devices).toBeUndefined();
    }
  });

  it("opens only the serving port of the instances: to allowedCidrs and to Global Accelerator's health checkers", () => {
    for (const [w, region] of [
      [WEST, 'us-west-2'],
      [EU, 'eu-west-1'],
    ] as const) {
      const ingress = servingIngress(worker(w));
      const port = fx.config.container.port;
      expect(
        ingress.every((r) => r.from_port === port && r.to_port === port && r.ip_protocol === 'tcp'),
      ).toBe(true);
      expect(ingress.filter((r) => r.cidr_ipv4).map((r) => r.cidr_ipv4)).toEqual(fx.config.allowedCidrs);
      const lists = Object.entries(worker(w).data.aws_ec2_managed_prefix_list as Record<string, TfJson>);
      expect(lists.map(([, l]) => l.name)).toEqual([`com.amazonaws.${region}.route53-healthchecks`]);
      const [listId] = lists[0] as [string, TfJson];
      expect(ingress.filter((r) => r.prefix_list_id).map((r) => r.prefix_list_id)).toEqual([
        `\${data.aws_ec2_managed_prefix_list.${listId}.id}`,
      ]);
      expect(ingress).toHaveLength(fx.config.allowedCidrs.length + 1);
    }
  });

  it('forwards hub requests only for its own region, from the hub bus through its own role', () => {
    for (const [w, region] of [
      [WEST, 'us-west-2'],
      [EU, 'eu-west-1'],
    ] as const) {
      const rules = resources(worker(w), 'aws_cloudwatch_event_rule').map(([, r]) => r);
      const hubRule = rules.find((r) => r.name === n.hubToWorkerRule(region));
      expect(hubRule?.provider).toBe(`aws.${providerAlias('us-east-1')}`);
      expect(hubRule?.event_bus_name).toBe(n.hubBus);
      expect(hubRule?.state).toBe('ENABLED');
      expect(JSON.parse(hubRule?.event_pattern as string)).toEqual({
        source: [HUB_SOURCE],
        detail: { prefix: ['sptest'], target_region: [region] },
      });
      for (const name of [n.launchRequestRule, n.teardownRequestRule]) {
        const rule = rules.find((r) => r.name === name);
        expect(JSON.parse(rule?.event_pattern as string).detail.target_region).toEqual([region]);
      }
      const targets = resources(worker(w), 'aws_cloudwatch_event_target').map(([, t]) => t);
      const toWorker = targets.find((t) => t.target_id === 'worker-bus');
      expect(toWorker?.role_arn).toMatch(/^\$\{aws_iam_role\..+\.arn\}$/);
      const toHub = targets.find((t) => t.target_id === 'hub-bus');
      expect(toHub?.arn).toMatch(/^arn:aws:events:us-east-1:.+:event-bus\/sptest-hub$/);
      expect(toHub?.role_arn).not.toBe(toWorker?.role_arn);
    }
  });

  it("sends interruption, state-change and this group's launch failures to the capacity monitor", () => {
    const rules = resources(worker(WEST), 'aws_cloudwatch_event_rule').map(([, r]) => r);
    const pattern = (name: string) => JSON.parse(rules.find((r) => r.name === name)?.event_pattern as string);
    expect(pattern(n.interruptionRule)['detail-type']).toEqual(['EC2 Spot Instance Interruption Warning']);
    expect(pattern(n.stateChangeRule).detail.state).toEqual(['shutting-down', 'terminated', 'stopping']);
    expect(pattern(n.launchUnsuccessfulRule).detail.AutoScalingGroupName).toEqual([n.autoScalingGroup]);
    // Rebalance recommendations are opt-in (useRebalanceRecommendation defaults to false).
    expect(rules.find((r) => r.name === n.rebalanceRule)).toBeUndefined();
  });
});

describe('Neuron workers', () => {
  let stack: TfJson;
  let neuronHub: TfJson;
  beforeAll(async () => {
    const config = parseConfig({
      ...fx.config,
      workerRegions: ['us-west-2'],
      instanceTypes: ['inf2.24xlarge', 'inf2.48xlarge'],
      container: { environment: { NEURON_RT_LOG_LEVEL: 'INFO' }, port: 8000 },
      endpoint: 'none',
      allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
    });
    const result = await synthesize({
      config,
      rootDir: ROOT,
      outdir: join(fx.dir, 'neuron'),
      stateDir: join(fx.dir, 'neuron-state'),
      artifacts: fx.result.artifacts,
    });
    const file = result.stacks.find((x) => x.kind === 'worker')?.file as string;
    stack = JSON.parse(readFileSync(file, 'utf8')) as TfJson;
    const hubFile = result.stacks.find((x) => x.kind === 'hub')?.file as string;
    neuronHub = JSON.parse(readFileSync(hubFile, 'utf8')) as TfJson;
  }, 120_000);

  it('creates no accelerator with endpoint "none"', () => {
    expect(resources(neuronHub, 'aws_globalaccelerator_accelerator')).toEqual([]);
    expect(resources(neuronHub, 'aws_globalaccelerator_endpoint_group')).toEqual([]);
    expect(neuronHub.output.endpoint_url).toBeUndefined();
  });

  it('boots the ECS Neuron AMI from its public SSM parameter', () => {
    const params = Object.values(stack.data.aws_ssm_parameter as Record<string, TfJson>);
    expect(params.map((p) => p.name)).toEqual([ECS_NEURON_AMI_PARAMETER]);
  });

  it('maps the Neuron devices every type has into the task, with no GPU requirement', () => {
    const [, task] = resources(stack, 'aws_ecs_task_definition')[0] ?? [];
    const [container] = JSON.parse(task?.container_definitions as string);
    expect(container.resourceRequirements).toBeUndefined();
    // inf2.24xlarge has 6 devices, inf2.48xlarge 12: only neuron0-5 exist on both.
    expect(container.linuxParameters.devices).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ({
        hostPath: `/dev/neuron${i}`,
        containerPath: `/dev/neuron${i}`,
        permissions: ['read', 'write'],
      })),
    );
    expect(container.image).toBe(DEFAULT_NEURON_IMAGE);
    expect(container.environment).toContainEqual({ name: 'NEURON_RT_LOG_LEVEL', value: 'INFO' });
  });

  it('opens the serving port to allowedCidrs only, with no health-check rule without an accelerator', () => {
    const ingress = servingIngress(stack);
    expect(ingress.map((r) => [r.from_port, r.to_port, r.ip_protocol, r.cidr_ipv4])).toEqual([
      [8000, 8000, 'tcp', '203.0.113.0/24'],
      [8000, 8000, 'tcp', '198.51.100.0/24'],
    ]);
    expect(stack.data.aws_ec2_managed_prefix_list).toBeUndefined();
  });

  it('does not turn on ECS GPU support in the instance boot script', () => {
    const [, template] = resources(stack, 'aws_launch_template')[0] ?? [];
    expect(JSON.stringify(template?.user_data)).not.toContain('ECS_ENABLE_GPU_SUPPORT');
  });
});

describe('Lambda roles', () => {
  const each = (
    check: (name: string, stackName: string, needed: Set<string>, allowed: Set<string>) => void,
  ) => {
    let checked = 0;
    for (const bundle of fx.result.artifacts.bundles.values()) {
      const needed = new Set(
        bundle.sources
          .flatMap((file) => actionsIn(readFileSync(join(ROOT, file), 'utf8')))
          .filter((a) => !(NEVER_CALLED[bundle.name] ?? []).includes(a)),
      );
      for (const [stackName, stack] of Object.entries(fx.stacks)) {
        const fn = `sptest-${bundle.name}`;
        if (!resources(stack, 'aws_lambda_function').some(([, f]) => f.function_name === fn)) continue;
        check(bundle.name, stackName, needed, allowedActions(stack, fn));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(fx.result.artifacts.bundles.size);
  };

  it('allow every SDK call their bundled sources make', () => {
    each((name, stack, needed, allowed) => {
      expect(
        [...needed].filter((a) => !allowed.has(a)),
        `${name} in ${stack}`,
      ).toEqual([]);
    });
  });

  it('allow nothing their sources never call (least privilege)', () => {
    each((name, stack, needed, allowed) => {
      expect(
        [...allowed].filter((a) => !needed.has(a) && !BASELINE.test(a)),
        `${name} in ${stack}`,
      ).toEqual([]);
    });
  });
});
