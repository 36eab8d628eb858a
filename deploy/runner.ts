/**
 * Running Terraform/OpenTofu: a small injectable seam (`CommandRunner`) so the deploy and teardown
 * sequences are testable without a binary, plus the real implementation over child_process.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; onLine?: (line: string) => void },
) => Promise<CommandResult>;

/** Streams output line by line to `onLine` and collects it. */
export const spawnRunner: CommandRunner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const err: string[] = [];
    const pipe = (stream: NodeJS.ReadableStream, sink: string[]) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        sink.push(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) options.onLine?.(line);
      });
      stream.on('end', () => {
        if (pending) options.onLine?.(pending);
      });
    };
    pipe(child.stdout, out);
    pipe(child.stderr, err);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: out.join(''), stderr: err.join('') }));
  });

/** The first of `names` found as an executable on PATH. */
export function findOnPath(names: readonly string[], path = process.env.PATH ?? ''): string | undefined {
  for (const name of names) {
    for (const dir of path.split(delimiter)) {
      if (!dir) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}
