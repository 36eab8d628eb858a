/**
 * The local tools behind `npx tsx local/cli.ts <command>`. `simulate` backtests spotplane on a market trace
 * (see `simulate --help`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/errors.ts';
import { renderHtml } from './chart.ts';
import { parseSimulateArgs, SIMULATE_USAGE } from './cli-args.ts';
import { localCloudControlPlane } from './local-cloud-plane.ts';
import { simulate } from './simulate.ts';
import { formatSummary } from './summary.ts';

const USAGE = `Usage: npx tsx local/cli.ts <command> [flags]

Commands:
  simulate   backtest spotplane's failover on a market trace (simulate --help)`;

/** Errors a user caused (bad file, bad flag value): a message, not a stack trace. */
const USER_ERRORS = new Set(['UsageError', 'TraceParseError', 'SimConfigError']);

async function runSimulate(args: readonly string[]): Promise<number> {
  const command = parseSimulateArgs(args);
  if (!command) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  const options = { ...command.options };
  const read = async (flag: string, path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  if (command.tracePath) options.priceHistory = await read('--trace', command.tracePath);
  if (command.availabilityTracePath) {
    options.availabilityTrace = await read('--availability-trace', command.availabilityTracePath);
  }
  const started = performance.now();
  const run = await simulate(options, localCloudControlPlane, {
    onProgress: (done, total) =>
      process.stderr.write(`simulate: ${done.toFixed(1)} of ${total.toFixed(1)} days simulated\n`),
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (command.json) process.stdout.write(`${JSON.stringify(run.result, null, 2)}\n`);
  else console.log(formatSummary(run.result, wallSeconds));
  if (command.htmlPath) {
    await writeFile(command.htmlPath, renderHtml(run));
    console.error(`chart written to ${command.htmlPath}`);
  }
  if (run.result.spotplaneError) {
    console.error(`spotplane could not be run: ${run.result.spotplaneError}`);
    return 1;
  }
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'simulate') {
    console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await runSimulate(rest);
  } catch (error) {
    const err = error as Error;
    if (USER_ERRORS.has(err.name)) {
      console.error(
        `simulate: ${err.message}${err.name === 'UsageError' ? '\n\nRun with --help for the flags.' : ''}`,
      );
      return 2;
    }
    throw error;
  }
}
