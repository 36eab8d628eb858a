/**
 * The agent's config file (JSON), validated once at start. Every error names the field, so a broken
 * user-data template fails at boot with a message an operator can act on.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AgentConfigError } from './errors.ts';

const absolutePath = z.string().startsWith('/', 'must be an absolute path');

const idleSchema = z.strictObject({
  /** No idle check counts until the instance has been up this long (slow boots, model downloads). */
  boot_grace_seconds: z.int().min(0).max(86_400).default(900),
  /** Idle checks in a row (one a minute) before the instance shuts down. */
  idle_checks_before_shutdown: z.int().min(1).max(1440).default(30),
  /** Average CPU use (all cores, since the previous check) at or above this counts as activity. */
  cpu_threshold_percent: z.number().min(0).max(100).default(10),
  /** Remembers the idle streak and the previous CPU sample between checks (each check is its own process). */
  state_file: absolutePath.default('/var/lib/spotplane/idle-state.json'),
  /** Held during a check so that two checks never run at once. */
  lock_file: absolutePath.default('/run/spotplane/idle.lock'),
  shutdown_command: z.string().min(1).default('shutdown -h now'),
});

export const agentConfigSchema = z.strictObject({
  job_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_" or "-"'),
  s3_bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be an S3 bucket name (3-63 lowercase letters, digits, ".", "-")',
    ),
  /** Key prefix under the bucket; "" puts job folders at the top of the bucket. */
  s3_prefix: z
    .string()
    .refine((p) => p === '' || /^[^/](.*[^/])?$/.test(p), 'must not start or end with "/"')
    .refine((p) => !p.includes('//'), 'must not contain "//"'),
  checkpoint_dir: absolutePath,
  lock_file: absolutePath,
  /** The workload's PID; it gets SIGTERM on a notice and SIGKILL at the deadline. */
  workload_pid_file: absolutePath.optional(),
  /** Shell command that writes the checkpoint into checkpoint_dir. */
  checkpoint_command: z.string().min(1).optional(),
  /** Hard limit from detection to the end of the checkpoint; the 2-minute warning leaves time to upload. */
  deadline_seconds: z.int().min(1).max(110).default(60),
  poll_interval_seconds: z.number().min(0.5).max(60).default(2),
  use_rebalance_recommendation: z.boolean().default(false),
  /** Uploads checkpoint_dir this often even without a notice, bounding the work a missed notice loses. */
  sync_interval_seconds: z.int().min(30).max(86_400).optional(),
  idle: idleSchema.optional(),
  /** Region of the bucket; defaults to AWS_REGION or the instance's region. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2')
    .optional(),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type IdleConfig = z.infer<typeof idleSchema>;

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown field`;
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${field}: is required`;
    return `${field}: ${issue.message}`;
  });
}

/** Validates an already-parsed document; throws `AgentConfigError` naming each bad field. */
export function parseAgentConfig(raw: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  throw new AgentConfigError(`invalid agent config: ${issues.join('; ')}`, issues, { cause: result.error });
}

/** Reads and validates the JSON config file at `path`. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentConfigError(`cannot read config file ${path}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AgentConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return parseAgentConfig(raw);
}
