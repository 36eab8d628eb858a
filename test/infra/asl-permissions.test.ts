import { describe, expect, it } from 'vitest';
import { aslPermissions, taskStates } from '../../infra/asl-permissions.ts';
import { InfraError } from '../../infra/errors.ts';

const ctx = {
  machine: 'demo-launch',
  selfArn: 'arn:aws:states:us-west-2:1:stateMachine:demo-launch',
  busArn: (name: string) => `arn:aws:events:us-west-2:1:event-bus/${name}`,
  grants: {
    'autoscaling:UpdateAutoScalingGroup': ['arn:asg'],
    'autoscaling:DescribeAutoScalingGroups': ['*'],
    'ecs:RunTask': ['arn:taskdef:*'],
    'iam:PassRole': ['arn:role/exec'],
  },
};

const task = (Resource: string, Parameters: object = {}) => ({
  Type: 'Task',
  Resource,
  Parameters,
  End: true,
});
const machine = (states: Record<string, object>) => ({ StartAt: Object.keys(states)[0], States: states });

describe('aslPermissions', () => {
  it('grants lambda:InvokeFunction on each named function, callback or not', () => {
    const statements = aslPermissions(
      machine({
        A: task('arn:aws:states:::lambda:invoke', { FunctionName: 'arn:fn:a' }),
        B: task('arn:aws:states:::lambda:invoke.waitForTaskToken', { FunctionName: 'arn:fn:b' }),
      }),
      ctx,
    );
    expect(statements).toEqual([{ actions: ['lambda:InvokeFunction'], resources: ['arn:fn:a', 'arn:fn:b'] }]);
  });

  it('grants events:PutEvents on the bus each entry names', () => {
    const statements = aslPermissions(
      machine({
        A: task('arn:aws:states:::events:putEvents', { Entries: [{ EventBusName: 'demo-worker' }] }),
      }),
      ctx,
    );
    expect(statements).toEqual([
      { actions: ['events:PutEvents'], resources: ['arn:aws:events:us-west-2:1:event-bus/demo-worker'] },
    ]);
  });

  it("maps SDK integrations to IAM actions with the stack's resources, implied PassRole included", () => {
    const statements = aslPermissions(
      machine({
        A: task('arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup'),
        B: task('arn:aws:states:::aws-sdk:ecs:runTask'),
      }),
      ctx,
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        { actions: ['autoscaling:UpdateAutoScalingGroup'], resources: ['arn:asg'] },
        { actions: ['ecs:RunTask'], resources: ['arn:taskdef:*'] },
        { actions: ['iam:PassRole'], resources: ['arn:role/exec'] },
      ]),
    );
  });

  it('keeps a condition-scoped grant in its own statement', () => {
    const conditions = { ArnEquals: { 'ecs:cluster': 'arn:cluster' } };
    const statements = aslPermissions(machine({ A: task('arn:aws:states:::aws-sdk:ecs:listTasks') }), {
      ...ctx,
      grants: { 'ecs:ListTasks': { resources: ['*'], conditions } },
    });
    expect(statements).toEqual([{ actions: ['ecs:ListTasks'], resources: ['*'], conditions }]);
  });

  it('grants continue-as-new on the machine itself', () => {
    const statements = aslPermissions(
      machine({
        A: task('arn:aws:states:::states:startExecution', { 'StateMachineArn.$': '$$.StateMachine.Id' }),
      }),
      ctx,
    );
    expect(statements).toEqual([{ actions: ['states:StartExecution'], resources: [ctx.selfArn] }]);
  });

  it('finds tasks inside Parallel branches and Map processors', () => {
    const inner = machine({ X: task('arn:aws:states:::aws-sdk:autoscaling:describeAutoScalingGroups') });
    const def = machine({
      P: { Type: 'Parallel', Branches: [inner], Next: 'M' },
      M: {
        Type: 'Map',
        ItemProcessor: machine({ Y: task('arn:aws:states:::lambda:invoke', { FunctionName: 'arn:fn:y' }) }),
        End: true,
      },
    });
    expect(taskStates(def).map((t) => t.name)).toEqual(['X', 'Y']);
  });

  it.each([
    [
      machine({ A: task('arn:aws:states:::aws-sdk:ec2:terminateInstances') }),
      /calls ec2:TerminateInstances, which the stack does not grant/,
    ],
    [
      machine({ A: task('arn:aws:states:::lambda:invoke', { 'FunctionName.$': '$.fn' }) }),
      /must name FunctionName literally/,
    ],
    [
      machine({ A: task('arn:aws:states:::events:putEvents', { Entries: [{ 'EventBusName.$': '$.bus' }] }) }),
      /must name EventBusName literally/,
    ],
    [
      machine({ A: task('arn:aws:states:::sqs:sendMessage', {}) }),
      /uses arn:aws:states:::sqs:sendMessage, which spotplane does not grant/,
    ],
  ])('refuses what it cannot grant least-privilege (%#)', (definition, message) => {
    expect(() => aslPermissions(definition, ctx)).toThrow(InfraError);
    expect(() => aslPermissions(definition, ctx)).toThrow(message);
  });
});
