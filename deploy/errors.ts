/** Errors of deploy.ts and teardown.ts that a user can act on: each becomes one line and exit code 1. */
import type { CommandResult } from './runner.ts';

/** A pre-flight check failed (credentials, region, terraform, quotas, instance types); the message names it. */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/** The hub did not reach the provisioning state teardown asked for. */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** terraform / tofu exited non-zero; `result` keeps its output. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  constructor(
    message: string,
    readonly result: CommandResult,
  ) {
    super(message);
  }
}

/** The checkpoint bucket could not be kept, found or emptied. */
export class CheckpointBucketError extends Error {
  override readonly name = 'CheckpointBucketError';
}
