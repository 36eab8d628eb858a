import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractTarget, TargetFactory } from './target.ts';

export function sfnContract(name: string, makeTarget: TargetFactory): void {
  describe(`Step Functions contract (${name})`, () => {
    let t: ContractTarget;
    const sfn = () => t.clients.sfn(t.region);
    const start = (execName?: string) =>
      sfn().send(
        new StartExecutionCommand({ stateMachineArn: t.waitingMachineArn, name: execName, input: '{"x":1}' }),
      );
    const status = async (executionArn: string) => sfn().send(new DescribeExecutionCommand({ executionArn }));
    /** The task token the running execution published on the bus. */
    const tokenOf = (executionArn: string) => {
      const event = t.received().find((e) => e.detail.execution === executionArn);
      return String(event?.detail.token ?? '');
    };

    beforeEach(async () => {
      t = await makeTarget();
    });

    it('runs to SUCCEEDED with the output sent by SendTaskSuccess', async () => {
      const { executionArn } = await start();
      await t.advance(1_000);
      const running = await status(executionArn!);
      await sfn().send(
        new SendTaskSuccessCommand({ taskToken: tokenOf(executionArn!), output: '{"ok":true}' }),
      );
      await t.advance(1_000);
      const done = await status(executionArn!);
      expect(running.status).toBe('RUNNING');
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output ?? 'null')).toEqual({ ok: true });
    });

    it('fails the execution with the error sent by SendTaskFailure', async () => {
      const { executionArn } = await start();
      await t.advance(1_000);
      await sfn().send(
        new SendTaskFailureCommand({
          taskToken: tokenOf(executionArn!),
          error: 'InsufficientInstanceCapacity',
          cause: 'none left',
        }),
      );
      await t.advance(1_000);
      expect(await status(executionArn!)).toMatchObject({
        status: 'FAILED',
        error: 'InsufficientInstanceCapacity',
      });
    });

    it('times the task out when heartbeats stop, then answers its token with TaskTimedOut', async () => {
      const { executionArn } = await start();
      await t.advance(1_000);
      const token = tokenOf(executionArn!);
      await t.advance(50_000);
      await sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }));
      await t.advance(50_000);
      const alive = await status(executionArn!);
      await t.advance(70_000);
      const late = await sfn()
        .send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))
        .catch((e) => e);
      expect(alive.status).toBe('RUNNING');
      expect((await status(executionArn!)).status).toBe('FAILED');
      expect(late.name).toBe('TaskTimedOut');
    });

    it('throws InvalidToken for a token it never issued', async () => {
      const error = await sfn()
        .send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' }))
        .catch((e) => e);
      expect(error).toBeInstanceOf(InvalidToken);
    });

    it('throws ExecutionAlreadyExists when a finished execution name is reused', async () => {
      const execName = t.unique('run');
      const { executionArn } = await start(execName);
      await sfn().send(new StopExecutionCommand({ executionArn }));
      const error = await start(execName).catch((e) => e);
      expect(error).toBeInstanceOf(ExecutionAlreadyExists);
    });

    it('stops an execution: ABORTED, with a stop date', async () => {
      const { executionArn } = await start();
      await t.advance(1_000);
      const out = await sfn().send(
        new StopExecutionCommand({ executionArn, error: 'Disabled', cause: 'user' }),
      );
      const described = await status(executionArn!);
      expect(out.stopDate).toBeInstanceOf(Date);
      expect(described.status).toBe('ABORTED');
    });

    it('lists executions newest first, in pages, filtered by status', async () => {
      const arns: string[] = [];
      for (let i = 0; i < 3; i++) arns.push((await start()).executionArn!);
      await sfn().send(new StopExecutionCommand({ executionArn: arns[0] }));
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn().send(
          new ListExecutionsCommand({
            stateMachineArn: t.waitingMachineArn,
            statusFilter: 'RUNNING',
            maxResults: 1,
            nextToken,
          }),
        );
        seen.push(...(page.executions ?? []).map((e) => e.executionArn!));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual([arns[2], arns[1]]);
    });

    it('throws ExecutionDoesNotExist for an unknown execution', async () => {
      const error = await status(
        `${t.waitingMachineArn.replace(':stateMachine:', ':execution:')}:nope`,
      ).catch((e) => e);
      expect(error.name).toBe('ExecutionDoesNotExist');
    });
  });
}
