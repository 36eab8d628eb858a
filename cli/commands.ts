/** What each command does, on injected I/O, time and API client (tests drive them without a terminal). */
import { duration } from '../core/display.ts';
import { replicaSummary, type StatusView } from '../core/status-view.ts';
import type { ApiClient } from './api-client.ts';
import type { CliArgs } from './args.ts';
import { ApiError, WaitTimeoutError } from './errors.ts';
import { progressLine, renderStatus } from './render.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A terminal: `watch` redraws in place. */
  isTTY: boolean;
}

export interface CommandDeps {
  client: ApiClient;
  io: CliIo;
  /** Wall time, for the elapsed time of waits. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborted by Ctrl-C. */
  signal?: AbortSignal;
}

/** Clears the terminal and puts the cursor top left. */
const REDRAW = '\x1b[H\x1b[2J';
/** Between progress lines a wait says it is still waiting at least this often. */
const STILL_WAITING_MS = 30_000;

async function status(args: CliArgs, deps: CommandDeps): Promise<number> {
  const answer = await deps.client.status();
  deps.io.out(args.json ? answer.text : renderStatus(answer.body, answer.serverTime ?? deps.now()));
  return 0;
}

/** Whether `s` is the state the command waits for. */
function reached(args: CliArgs, s: StatusView): boolean {
  if (args.command === 'enable') {
    const replicas = replicaSummary(s);
    return (
      s.provisioning === 'enabled' &&
      s.status === 'RUNNING' &&
      (!replicas || replicas.ready >= replicas.target)
    );
  }
  if (args.teardown)
    return s.provisioning === 'disabled' && s.status === 'DISABLED' && s.instances.length === 0;
  // A plain disable leaves the capacity running: disabled provisioning is the whole of it.
  return s.provisioning === 'disabled';
}

const goal = (args: CliArgs) =>
  args.command === 'enable'
    ? 'RUNNING'
    : args.teardown
      ? 'DISABLED with nothing running'
      : 'provisioning disabled';

async function toggle(args: CliArgs, deps: CommandDeps): Promise<number> {
  const { client, io } = deps;
  const body =
    args.command === 'enable'
      ? { action: 'enable' as const }
      : { action: 'disable' as const, teardown: args.teardown };
  const accepted = await client.provisioning(body);
  io.err(accepted.body.message);
  if (!args.wait) {
    if (args.json) io.out((await client.status()).text);
    return 0;
  }
  const started = deps.now();
  io.err(`waiting up to ${duration(args.timeoutMs)} for ${goal(args)} (${client.url}):`);
  let shown = '';
  let shownAt = started;
  for (;;) {
    const answer = await client.status();
    const elapsed = deps.now() - started;
    const line = progressLine(answer.body, elapsed);
    const key = line.slice(line.indexOf(answer.body.status));
    if (key !== shown || deps.now() - shownAt >= STILL_WAITING_MS) {
      io.err(line);
      shown = key;
      shownAt = deps.now();
    }
    if (reached(args, answer.body)) {
      io.out(args.json ? answer.text : renderStatus(answer.body, answer.serverTime ?? deps.now()));
      return 0;
    }
    if (elapsed >= args.timeoutMs) {
      throw new WaitTimeoutError(
        `${goal(args)} not reached after ${duration(elapsed)}: ${client.url} still reports ${answer.body.status}` +
          ` (raise --timeout, or look at the run history)`,
      );
    }
    if (deps.signal?.aborted) return 130;
    await deps.sleep(Math.min(args.intervalMs, Math.max(1, args.timeoutMs - elapsed)), deps.signal);
  }
}

async function watch(args: CliArgs, deps: CommandDeps): Promise<number> {
  const { client, io } = deps;
  let lastJson = '';
  while (!deps.signal?.aborted) {
    let screen: string;
    try {
      const answer = await client.status();
      if (args.json) {
        if (answer.text !== lastJson) io.out(answer.text);
        lastJson = answer.text;
      }
      screen = renderStatus(answer.body, answer.serverTime ?? deps.now());
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      screen = `${error.message} (trying again every ${duration(args.intervalMs)})`;
      if (args.json) io.err(screen);
    }
    if (!args.json) {
      const header = `spotplane · ${client.url} · every ${duration(args.intervalMs)} · Ctrl-C to exit`;
      io.out(io.isTTY ? `${REDRAW}${header}\n\n${screen}` : `${header}\n${screen}\n`);
    }
    await deps.sleep(args.intervalMs, deps.signal);
  }
  return 0;
}

/** Runs the parsed command; API failures propagate as ApiError / WaitTimeoutError (exit 1). */
export function runCommand(args: CliArgs, deps: CommandDeps): Promise<number> {
  switch (args.command) {
    case 'status':
      return status(args, deps);
    case 'enable':
    case 'disable':
      return toggle(args, deps);
    case 'watch':
      return watch(args, deps);
  }
}
