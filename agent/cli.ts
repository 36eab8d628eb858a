/** Entry point of the on-instance agent (also the bundle's entry); see `runCli` in main.ts. */
import { runCli } from './main.ts';

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => stop.abort(new Error(signal)));

runCli(
  process.argv.slice(2),
  process.env,
  {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  },
  { stopSignal: stop.signal, ...(process.argv[1] ? { bundleEntry: process.argv[1] } : {}) },
).then(
  (code) => {
    process.exitCode = code;
    // Signal listeners and sockets must not keep a finished command alive.
    process.exit();
  },
  (error: unknown) => {
    process.stderr.write(`agent failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
