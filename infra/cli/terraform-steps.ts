/** The Terraform commands deploy and teardown run in a stack's directory, with prefixed progress lines. */
import type { SynthesizedStack } from '../app.ts';
import { CommandFailedError, type CommandRunner } from './runner.ts';

export interface StepContext {
  terraform: string;
  run: CommandRunner;
  log: (line: string) => void;
}

async function step(ctx: StepContext, stack: SynthesizedStack, args: string[]): Promise<string> {
  const result = await ctx.run(ctx.terraform, [...args, '-no-color'], {
    cwd: stack.dir,
    env: { TF_IN_AUTOMATION: '1' },
    onLine: (line) => {
      if (line.trim() !== '') ctx.log(`[${stack.name}] ${line}`);
    },
  });
  if (result.code !== 0) {
    throw new CommandFailedError(`${stack.name}: terraform ${args[0]} failed (exit ${result.code})`, result);
  }
  return result.stdout;
}

export async function applyStack(ctx: StepContext, stack: SynthesizedStack): Promise<void> {
  await step(ctx, stack, ['init', '-input=false']);
  await step(ctx, stack, ['apply', '-auto-approve', '-input=false']);
}

export async function destroyStack(ctx: StepContext, stack: SynthesizedStack): Promise<void> {
  await step(ctx, stack, ['init', '-input=false']);
  await step(ctx, stack, ['destroy', '-auto-approve', '-input=false']);
}

/** `terraform output -json`, as `{ name: value }`. */
export async function stackOutputs(
  ctx: StepContext,
  stack: SynthesizedStack,
): Promise<Record<string, unknown>> {
  const result = await ctx.run(ctx.terraform, ['output', '-json', '-no-color'], { cwd: stack.dir });
  if (result.code !== 0) throw new CommandFailedError(`${stack.name}: terraform output failed`, result);
  const parsed = JSON.parse(result.stdout || '{}') as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
}

/** Runs `fn` on every stack at once; reports every failure, not just the first. */
export async function inParallel(
  stacks: readonly SynthesizedStack[],
  fn: (stack: SynthesizedStack) => Promise<void>,
): Promise<string[]> {
  const results = await Promise.allSettled(stacks.map(fn));
  return results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${stacks[i]?.name}: ${(r.reason as Error).message}`] : [],
  );
}
