/**
 * The hub's Lambdas against LocalCloud (DynamoDB through dynalite, Step Functions on the local runtime):
 * the state table as the stack creates it and a stand-in Orchestrator whose one task waits on its token
 * the way Act does (registered in the `wake` item), so wakes, starts and exits are AWS's behaviour.
 */
import { parseConfig } from '../../core/config.ts';
import { names } from '../../core/naming.ts';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud } from '../../emulator/index.ts';
import { createStateTableInput, StateTable } from '../../lambdas/shared/state-table.ts';
import { quietObservability } from './helpers.ts';

export const hubConfig = parseConfig({
  prefix: 'sp',
  hubRegion: 'us-east-1',
  workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
});
const n = names(hubConfig.prefix);

export async function hubHarness() {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const cloud = createLocalCloud({ clock, seed: 'hub' });
  const hub = cloud.region('us-east-1');
  await hub.dynamodb.createTable(createStateTableInput(n.stateTable));
  const clients = cloud.clients();
  const table = new StateTable({ clients, config: hubConfig, clock });
  const register = cloud.lambdas.register('us-east-1', 'sp-register', async (event) => {
    await table.registerToken((event as { token: string }).token);
    return {};
  });
  const { stateMachineArn } = await hub.sfn.createStateMachine({
    name: n.orchestratorStateMachine,
    roleArn: 'arn:aws:iam::123456789012:role/o',
    definition: JSON.stringify({
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: register, Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          End: true,
        },
      },
    }),
  });
  const orchestratorArn = stateMachineArn ?? '';
  const deps = { clients, config: hubConfig, clock, observability: quietObservability(), orchestratorArn };
  const executions = () => hub.sfn.runtime.executions();
  const running = () => executions().filter((e) => e.status === 'RUNNING');
  return {
    clock,
    cloud,
    clients,
    table,
    deps,
    orchestratorArn,
    executions,
    running,
    close: () => cloud.close(),
  };
}
