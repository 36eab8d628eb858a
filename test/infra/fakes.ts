/** Test doubles for the deploy/teardown sequences: a recording command runner and a synth that writes nothing. */
import { join } from 'node:path';
import type { SynthOptions, SynthResult } from '../../infra/app.ts';
import type { CommandResult, CommandRunner } from '../../infra/cli/runner.ts';
import { hubStackName, workerStackName } from '../../infra/stack-names.ts';

export interface RecordedCall {
  stack: string;
  args: string[];
}

/** Records every terraform call; `respond` decides each result (default: success). */
export function recordingRunner(
  respond: (call: RecordedCall) => Promise<CommandResult> | CommandResult = () => ({
    code: 0,
    stdout: '',
    stderr: '',
  }),
): { run: CommandRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const run: CommandRunner = async (_command, args, options) => {
    const call = { stack: options.cwd.split('/').pop() ?? '', args: [...args] };
    calls.push(call);
    const result = await respond(call);
    for (const line of result.stdout.split('\n')) if (line) options.onLine?.(line);
    return result;
  };
  return { run, calls };
}

export function fakeSynth(missing: string[] = []): {
  synth: (o: SynthOptions) => Promise<SynthResult>;
  seen: SynthOptions[];
} {
  const seen: SynthOptions[] = [];
  const synth = async (o: SynthOptions): Promise<SynthResult> => {
    seen.push(o);
    const stack = (name: string, kind: 'hub' | 'worker', region: string) => ({
      name,
      kind,
      region,
      dir: join(o.outdir, 'stacks', name),
      file: join(o.outdir, 'stacks', name, 'cdk.tf.json'),
    });
    return {
      stacks: [
        stack(hubStackName(o.config.prefix), 'hub', o.config.hubRegion),
        ...o.config.workerRegions.map((r) => stack(workerStackName(o.config.prefix, r), 'worker', r)),
      ],
      missing,
      artifacts: { rootDir: o.rootDir, bundles: new Map(), loadDefinition: () => ({}), missing },
    };
  };
  return { synth, seen };
}

export const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};
