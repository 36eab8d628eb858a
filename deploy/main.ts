/** Entry points of deploy.ts and teardown.ts: parse, run, turn expected errors into messages and exit codes. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentConfigError } from '../agent/errors.ts';
import { ConfigError } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { InfraError } from '../infra/errors.ts';
import { DefinitionError } from '../statemachines/load.ts';
import { synthesize } from './app.ts';
import { DEPLOY_USAGE, parseDeployArgs, parseTeardownArgs, TEARDOWN_USAGE } from './args.ts';
import { awsLambdaInvoker, awsPreflightDeps, awsS3Factory, findTerraform } from './aws.ts';
import { runDeploy } from './deploy-run.ts';
import { CheckpointBucketError, CommandFailedError, PreflightError, ProvisioningError } from './errors.ts';
import { spawnRunner } from './runner.ts';
import { runTeardown } from './teardown-run.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Where cdktf.out and the Terraform state live: the working directory, like the cdktf CLI. */
export const paths = (cwd: string) => ({
  rootDir: resolve(import.meta.dirname, '..'),
  outdir: resolve(cwd, 'cdktf.out'),
  stateDir: resolve(cwd, '.spotplane', 'state'),
});

/** Mistakes the user can fix get one clear line; anything else is a bug and keeps its stack. */
function report(error: unknown, io: CliIo, usage: string): number {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (
    error instanceof PreflightError ||
    error instanceof InfraError ||
    error instanceof CommandFailedError ||
    error instanceof ProvisioningError ||
    error instanceof CheckpointBucketError ||
    error instanceof DefinitionError ||
    error instanceof AgentConfigError ||
    error instanceof ConfigError
  ) {
    io.err(`error: ${error.message}`);
    return 1;
  }
  throw error;
}

export async function deployMain(
  argv: readonly string[],
  io: CliIo = consoleIo,
  cwd = process.cwd(),
): Promise<number> {
  try {
    // A --config path is relative to the directory deploy runs from, like cdktf.out and the state.
    const args = parseDeployArgs(argv, (path) => readFileSync(resolve(cwd, path), 'utf8'));
    if (args.help) {
      io.out(DEPLOY_USAGE);
      return 0;
    }
    return await runDeploy(args, {
      ...paths(cwd),
      synth: synthesize,
      preflight: awsPreflightDeps(),
      run: spawnRunner,
      ...io,
    });
  } catch (error) {
    return report(error, io, DEPLOY_USAGE);
  }
}

export async function teardownMain(
  argv: readonly string[],
  io: CliIo = consoleIo,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const args = parseTeardownArgs(argv);
    if (args.help) {
      io.out(TEARDOWN_USAGE);
      return 0;
    }
    return await runTeardown(args, {
      ...paths(cwd),
      synth: synthesize,
      findTerraform,
      run: spawnRunner,
      invoke: awsLambdaInvoker(),
      s3: awsS3Factory(),
      sleep: (ms) => sleep(ms),
      ...io,
    });
  } catch (error) {
    return report(error, io, TEARDOWN_USAGE);
  }
}
