/** The Terraform commands deploy and teardown run in a stack's directory, with prefixed progress lines. */
import type { SynthesizedStack } from './app.ts';
import { CommandFailedError } from './errors.ts';
import type { Progress } from './progress.ts';
import type { CommandRunner } from './runner.ts';

export interface StepContext {
  terraform: string;
  run: CommandRunner;
  log: (line: string) => void;
  /** A start and a `done in` line per step, with the elapsed time (deploy's progress). */
  progress?: Progress;
}

export async function step(ctx: StepContext, stack: SynthesizedStack, args: string[]): Promise<string> {
  const command = args[0] === 'state' ? args.slice(0, 2).join(' ') : args[0];
  const label = `${stack.name} (${stack.region}): terraform ${command}`;
  return ctx.progress
    ? ctx.progress.timed(label, () => runStep(ctx, stack, args))
    : runStep(ctx, stack, args);
}

async function runStep(ctx: StepContext, stack: SynthesizedStack, args: string[]): Promise<string> {
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

/** `beforeApply` runs after init (e.g. importing resources that already exist). */
export async function applyStack(
  ctx: StepContext,
  stack: SynthesizedStack,
  beforeApply?: () => Promise<void>,
): Promise<void> {
  await step(ctx, stack, ['init', '-input=false']);
  await beforeApply?.();
  await step(ctx, stack, ['apply', '-auto-approve', '-input=false']);
}

export async function destroyStack(ctx: StepContext, stack: SynthesizedStack): Promise<void> {
  await step(ctx, stack, ['init', '-input=false']);
  await step(ctx, stack, ['destroy', '-auto-approve', '-input=false']);
}

/** Forgets resources without destroying them, so a later `destroy` leaves them in the account. */
export async function forgetResources(
  ctx: StepContext,
  stack: SynthesizedStack,
  addresses: readonly string[],
): Promise<void> {
  if (addresses.length === 0) return;
  await step(ctx, stack, ['init', '-input=false']);
  await step(ctx, stack, ['state', 'rm', ...addresses]);
}

/** Applies only `addresses` (and what they depend on): e.g. switching on force_destroy before a destroy. */
export async function applyOnly(
  ctx: StepContext,
  stack: SynthesizedStack,
  addresses: readonly string[],
): Promise<void> {
  await step(ctx, stack, ['apply', '-auto-approve', '-input=false', ...addresses.map((a) => `-target=${a}`)]);
}

/** Addresses the stack's state holds (`terraform state list`); empty for a stack never applied. */
export async function stateList(ctx: StepContext, stack: SynthesizedStack): Promise<string[]> {
  const result = await ctx.run(ctx.terraform, ['state', 'list', '-no-color'], { cwd: stack.dir });
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** `terraform import ADDRESS ID`; resolves false (after logging why) when the import fails. */
export async function importResource(
  ctx: StepContext,
  stack: SynthesizedStack,
  address: string,
  id: string,
): Promise<boolean> {
  try {
    await step(ctx, stack, ['import', '-input=false', address, id]);
    return true;
  } catch (error) {
    if (error instanceof CommandFailedError) return false;
    throw error;
  }
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
