/**
 * Flags of `spotplane.ts` (ARCHITECTURE.md, "Status CLI"), parsed in one place; every error names the flag
 * or the command.
 */
import { parseConfig } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { parseFlags } from '../core/flags.ts';

export const COMMANDS = ['status', 'enable', 'disable', 'watch'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = `Usage: npx tsx spotplane.ts <command> [flags]

Shows and switches a spotplane deployment through its HTTP API.

Commands:
  status               a short summary: status, endpoint, replicas, regions, instances,
                       excluded regions with the time left, the last move and its reason
  enable               enable provisioning, then wait until the status is RUNNING
  disable              disable provisioning (the capacity keeps running), wait until DISABLED
  disable --teardown   disable and tear down every worker region, wait until DISABLED
  watch                the summary, redrawn in place every --interval seconds; Ctrl-C ends it

Flags:
  --api URL            the API to call (default: the deployment deploy.ts recorded for --prefix,
                       signed with SigV4 and the default AWS credential chain; else the local
                       server at http://127.0.0.1:8787)
  --prefix P           which recorded deployment (default: spotplane)
  --json               print the GET /spot-instances document as it is (watch: one per line)
  --timeout S          how long enable / disable wait, in seconds (default 1200)
  --no-wait            enable / disable return once the API accepted the request
  --interval S         seconds between polls of watch and of the waits (default 2)
  --help               show this help

Exit codes: 0 ok, 1 the API failed or the state was not reached in time, 2 bad usage.`;

export interface CliArgs {
  command: Command;
  api?: string;
  prefix: string;
  json: boolean;
  teardown: boolean;
  wait: boolean;
  timeoutMs: number;
  intervalMs: number;
}

function seconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} must be a number of seconds above 0 (got ${JSON.stringify(raw)})`);
  }
  return value * 1000;
}

function apiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--api must be an http(s) URL such as http://127.0.0.1:8787 (got ${JSON.stringify(raw)})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--api must be an http(s) URL (got ${JSON.stringify(raw)})`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Parses the command line.
 *
 * @returns null when --help (or no command with --help) was asked for.
 * @throws {UsageError} naming the flag or command.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs | null {
  const { values, positionals } = parseFlags(
    argv,
    {
      api: { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean' },
      teardown: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      'no-wait': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    { positionals: true },
  );
  if (values.help) return null;
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError(`a command is required: ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}" (commands: ${COMMANDS.join(', ')})`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" after ${command}`);
  if (values.teardown && command !== 'disable')
    throw new UsageError(`--teardown goes with disable, not ${command}`);
  if (values['no-wait'] && command !== 'enable' && command !== 'disable') {
    throw new UsageError(`--no-wait goes with enable or disable, not ${command}`);
  }
  let prefix = 'spotplane';
  if (values.prefix !== undefined) {
    try {
      prefix = parseConfig({ prefix: values.prefix }).prefix;
    } catch (error) {
      const issue = (error as { issues?: string[] }).issues?.[0] ?? (error as Error).message;
      throw new UsageError(`--prefix: ${issue.replace(/^prefix: /, '')}`, { cause: error });
    }
  }
  return {
    command: command as Command,
    ...(values.api !== undefined && { api: apiUrl(values.api) }),
    prefix,
    json: values.json === true,
    teardown: values.teardown === true,
    wait: values['no-wait'] !== true,
    timeoutMs: seconds('--timeout', values.timeout, 1200),
    intervalMs: seconds('--interval', values.interval, 2),
  };
}
