import { describe, expect, it } from 'vitest';
import { actionsIn } from './sdk-actions.ts';

describe('actionsIn', () => {
  it('finds the commands a source file sends', () => {
    const source = `import { GetParameterCommand, type PutParameterCommandInput, PutParameterCommand } from '@aws-sdk/client-ssm';
      // new DescribeInstancesCommand({}) in a comment is not imported, so it does not count
      await ssm.send(new GetParameterCommand({})); await ssm.send(new PutParameterCommand({}));`;
    expect(actionsIn(source)).toEqual(['ssm:GetParameter', 'ssm:PutParameter']);
  });

  it('counts an SDK paginator as the command it pages through', () => {
    const source = `import { paginateListExecutions, type SFNClient } from '@aws-sdk/client-sfn';
      for await (const page of paginateListExecutions({ client }, { stateMachineArn })) use(page);`;
    expect(actionsIn(source)).toEqual(['states:ListExecutions']);
  });

  it('counts a DocumentClient command as the DynamoDB actions IAM checks for it', () => {
    const source = `import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
      await doc.send(new GetCommand({})); await doc.send(new TransactWriteCommand({}));`;
    expect(actionsIn(source)).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
  });
});
