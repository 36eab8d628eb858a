/** Runs shell commands (the checkpoint command, shutdown), injected so tests never spawn a real one. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** null when the command was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface CommandRunner {
  /** Runs `command` with /bin/sh; aborting `signal` kills the command and everything it started. */
  run(command: string, options?: { signal?: AbortSignal }): Promise<CommandResult>;
}

export const shellRunner: CommandRunner = {
  run: (command, options = {}) =>
    new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ exitCode: null, signal: 'SIGKILL' });
        return;
      }
      // Its own process group, so a kill reaches the children a shell pipeline starts.
      const child = spawn('/bin/sh', ['-c', command], {
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const kill = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      options.signal?.addEventListener('abort', kill, { once: true });
      child.once('error', (error) => {
        options.signal?.removeEventListener('abort', kill);
        reject(error);
      });
      child.once('exit', (exitCode, signal) => {
        options.signal?.removeEventListener('abort', kill);
        resolve({ exitCode, signal });
      });
    }),
};

/** Runs `file` with `args` (no shell) and returns its stdout; used by the idle probes. */
export type OutputRunner = (file: string, args: readonly string[]) => Promise<string>;
