/** Entry of `spotplane.ts`: parse, pick the API, run the command, turn errors into messages and exit codes. */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../core/errors.ts';
import { apiClient, type ClientDeps } from './api-client.ts';
import { parseCliArgs, USAGE } from './args.ts';
import { type CliIo, runCommand } from './commands.ts';
import { ApiError, WaitTimeoutError } from './errors.ts';
import { resolveTarget } from './target.ts';

export interface MainDeps extends ClientDeps {
  io?: CliIo;
  /** Where deploy.ts keeps its records (default `.spotplane/state` under the working directory). */
  stateDir?: string;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted on Ctrl-C (default: the process's SIGINT). */
  signal?: AbortSignal;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTTY: process.stdout.isTTY === true,
};

/** A sleep that ends early, without throwing, when the signal aborts. */
const interruptibleSleep = (ms: number, signal?: AbortSignal) =>
  sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** Ctrl-C aborts the returned signal instead of killing the process, so `watch` ends cleanly. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

/** Returns the exit code: 0 ok, 1 the API failed or a wait timed out, 2 bad usage. */
export async function statusMain(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  try {
    const args = parseCliArgs(argv);
    if (!args) {
      io.out(USAGE);
      return 0;
    }
    const target = resolveTarget({
      ...(args.api !== undefined && { api: args.api }),
      prefix: args.prefix,
      stateDir: deps.stateDir ?? resolve(process.cwd(), '.spotplane', 'state'),
    });
    const client = apiClient(target, deps);
    const code = await runCommand(args, {
      client,
      io,
      now: deps.now ?? Date.now,
      sleep: deps.sleep ?? interruptibleSleep,
      signal: deps.signal ?? interruptSignal(),
    });
    return code;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`spotplane: ${error.message}\n\nRun with --help for the commands and flags.`);
      return 2;
    }
    if (error instanceof ApiError || error instanceof WaitTimeoutError) {
      io.err(`spotplane: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
