/**
 * The one spotplane configuration, shared by deploy, local mode and the Lambdas. Validated once at
 * each entry point; every error names the field and, where the set is closed, the allowed values.
 */
import { z } from 'zod';
import { ConfigError } from './errors.ts';

export { ConfigError };

import { instanceTypesProblem } from './accelerator.ts';
import {
  DEFAULT_IMAGE_PULL_SECONDS,
  describeLaunchBudget,
  launchBudgetParts,
  launchBudgetSeconds,
} from './launch-budget.ts';
import { AWS_REGIONS } from './regions.ts';

/** Replicas one region holds at most: one ECS RunTask call starts at most 10 tasks. */
export const MAX_PER_REGION = 10;
/** Replicas of one deployment over all its regions. */
export const MAX_TOTAL_REPLICAS = 30;

const region = z.enum(AWS_REGIONS, {
  error: (issue) => `must be one of: ${AWS_REGIONS.join(', ')} (got ${JSON.stringify(issue.input)})`,
});

/** An IPv4 CIDR block in canonical form (no host bits set), as security group rules take it. */
const ipv4Cidr = z.string().superRefine((value, ctx) => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const bits = match ? Number(match[5]) : Number.NaN;
  if (!match || octets.some((o) => o > 255) || bits > 32) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an IPv4 CIDR block such as 203.0.113.0/24 (got ${JSON.stringify(value)})`,
    });
    return;
  }
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const network = address - (address % size);
  if (network !== address) {
    const canonical = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    ctx.addIssue({
      code: 'custom',
      message: `${value} has host bits set; did you mean ${canonical}/${bits}?`,
    });
  }
});

/** Environment variable names a container takes; spotplane's own (SPOTPLANE_*) stay reserved. */
const environmentName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, "_")')
  .refine((name) => !name.startsWith('SPOTPLANE_'), 'SPOTPLANE_* names are reserved for spotplane');

const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as g6.xlarge');

/** Starts of a name AWS refuses for a resource the prefix names (see `prefix` below). */
export const RESERVED_PREFIXES = ['aws', 'ecs', 'fargate', 'xn--', 'sthree-', 'amzn-s3-demo-'] as const;

/** Below this many instance types, Spot placement scores are low by design (see `configWarnings`). */
export const MIN_FLEXIBLE_INSTANCE_TYPES = 3;

export const configSchema = z
  .strictObject({
    /** Names every resource, parameter and event of one deployment; two prefixes never collide. */
    prefix: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,23}$/,
        'must be 2-24 characters: lowercase letters, digits and "-", starting with a letter',
      )
      // It names the ECS capacity provider `<prefix>-gpu`, whose name "can't be prefixed with aws, ecs, or
      // fargate" (ECS API Reference, CreateCapacityProvider), and the checkpoint bucket `<prefix>-ckpt-...`,
      // which must not start with xn--, sthree- or amzn-s3-demo- (Amazon S3 User Guide, "Bucket naming rules").
      .refine(
        (p) => !RESERVED_PREFIXES.some((r) => p.startsWith(r)),
        `must not start with ${RESERVED_PREFIXES.map((r) => `"${r}"`).join(', ')} (reserved by ECS capacity provider and S3 bucket names)`,
      )
      .default('spotplane'),
    hubRegion: region.default('us-east-1'),
    workerRegions: z
      .array(region)
      .min(1, 'must list at least one worker region')
      .refine((r) => new Set(r).size === r.length, 'must not repeat a region')
      .default(['us-east-1', 'us-west-2', 'eu-west-1']),
    instanceTypes: z
      .array(instanceType)
      .min(1, 'must list at least one instance type')
      .refine((t) => new Set(t).size === t.length, 'must not repeat an instance type')
      .default(['g6.xlarge', 'g5.xlarge', 'g6e.xlarge']),
    /**
     * Replicas that must be ready (healthy container) at once, over every region together; also the
     * TargetCapacity asked of GetSpotPlacementScores.
     */
    targetCapacity: z
      .int()
      .min(1)
      .max(MAX_TOTAL_REPLICAS, `must be at most ${MAX_TOTAL_REPLICAS} (up to ${MAX_PER_REGION} per region)`)
      .default(1),
    /** Spot replicas kept beyond the target, as a hedge: one interruption then costs no serving capacity. */
    spareCapacity: z.int().min(0).max(MAX_PER_REGION, `must be at most ${MAX_PER_REGION}`).default(0),
    /**
     * At most this many replicas (target + spare) in one region; a lower value spreads a fleet over several
     * regions. Default: targetCapacity + spareCapacity, at most 10.
     */
    // One region's replicas are started with one ECS RunTask call, which starts at most 10 tasks.
    maxPerRegion: z
      .int()
      .min(1)
      .max(MAX_PER_REGION, `must be at most ${MAX_PER_REGION} (one ECS RunTask call starts at most 10 tasks)`)
      .optional(),
    /**
     * How replicas are placed. `"fleet"`: spread over regions by the expected cost of serving, with Spot hedges
     * where losses are likely and on-demand for the shortfall (docs/DESIGN.md "Fleets and placement"; the only
     * policy for more than one replica). `"one-region"`: one replica in one region at a time, moved
     * make-before-break on a loss (a job that must never run twice at once, e.g. training). Default: `"fleet"` for
     * more than one replica, `"one-region"` for one.
     */
    placementPolicy: z.enum(['one-region', 'fleet']).optional(),
    /** A region scoring below this is not used (scores run 1-10). */
    minPlacementScore: z.int().min(1).max(10).default(3),
    /** USD per instance-hour; a region whose known Spot price is above it is not used. Unset = no cap. */
    maxSpotPrice: z.number().positive().optional(),
    /** How long a failed or interrupted region stays excluded before it is eligible again. */
    exclusionTtlSeconds: z
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(1800),
    /** Launch on-demand in the best region when no Spot region can take the capacity. */
    onDemandFallback: z.boolean().default(false),
    /** While on on-demand, how often to check whether Spot is back. */
    revertCheckSeconds: z.int().min(60).max(86_400).default(900),
    /** Treat EC2 rebalance recommendations as a loss signal (earlier, but noisier, than the 2-minute warning). */
    useRebalanceRecommendation: z.boolean().default(false),
    /**
     * Upper bound on one worker launch before the region is excluded. Default: the launch budget
     * (`core/launch-budget.ts`: instance ready + placement + `container.imagePullSeconds` + health check); a
     * longer one may be set, never a shorter one.
     */
    launchTimeoutSeconds: z.int().min(120).max(7200).optional(),
    /** A worker must report progress at least this often during a launch. */
    launchHeartbeatSeconds: z.int().min(30).max(3600).default(300),
    /**
     * While running on Spot, move (make-before-break) to the region the RegionFinder chooses when its known
     * price is at least this fraction below the current region's (0.1 = 10 % cheaper). 0 = never.
     */
    rebalanceMinSavings: z
      .number()
      .min(0)
      .lt(1, 'must be below 1 (a fraction of the current price)')
      .default(0.1),
    /** Cap of the exponential backoff while no region qualifies. */
    maxBackoffSeconds: z.int().min(30).max(3600).default(600),
    /**
     * The stable endpoint in front of the replicas: AWS Global Accelerator (locally, the endpoint
     * `npm start` serves), or none (clients reach instances directly).
     */
    endpoint: z.enum(['global-accelerator', 'none']).default('global-accelerator'),
    /** Who may reach the serving port (the worker security group admits only these). */
    allowedCidrs: z
      .array(ipv4Cidr)
      .min(1, 'must list at least one CIDR block (["0.0.0.0/0"] admits everyone)')
      // A security group holds 60 inbound rules by default; the Route 53 health checkers' prefix list
      // (Global Accelerator's health checks) counts as 25 of them (Amazon VPC User Guide, managed prefix lists).
      .max(30, 'must list at most 30 CIDR blocks (a security group holds 60 inbound rules by default)')
      .refine((c) => new Set(c).size === c.length, 'must not repeat a CIDR block')
      .default(['0.0.0.0/0']),
    /**
     * The workload. Without `image`, the accelerator family's default inference server (SGLang on
     * NVIDIA, vLLM on Neuron) serves Qwen2.5-1.5B-Instruct on `port`; an `image` without `command`
     * runs the image's own CMD (see core/workload.ts).
     */
    container: z
      .strictObject({
        image: z.string().min(1).optional(),
        command: z
          .array(z.string().min(1))
          .min(1, 'must not be empty (omit it to run the image CMD)')
          .optional(),
        environment: z.record(environmentName, z.string()).optional(),
        port: z.int().min(1).max(65_535).default(30_000),
        healthCheckPath: z.string().startsWith('/', 'must start with "/"').default('/health'),
        /** How long pulling the image onto a fresh instance may take (inference images are several GB). */
        imagePullSeconds: z.int().min(10).max(3600).default(DEFAULT_IMAGE_PULL_SECONDS),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const typesProblem = instanceTypesProblem(c.instanceTypes);
    if (typesProblem) ctx.addIssue({ code: 'custom', path: ['instanceTypes'], message: typesProblem });
    const budget = launchBudgetParts(c);
    if (c.launchTimeoutSeconds !== undefined && c.launchTimeoutSeconds < budget.totalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['launchTimeoutSeconds'],
        message: `must be at least the launch budget (${describeLaunchBudget(budget)}); lower container.imagePullSeconds to shorten it`,
      });
    }
    const timeout = launchBudgetSeconds(c);
    if (c.launchHeartbeatSeconds >= timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['launchHeartbeatSeconds'],
        message: `must be below the launch timeout (${timeout} s)`,
      });
    }
    const replicas = c.targetCapacity + c.spareCapacity;
    if (replicas > MAX_TOTAL_REPLICAS) {
      ctx.addIssue({
        code: 'custom',
        path: ['spareCapacity'],
        message: `targetCapacity + spareCapacity (${c.targetCapacity} + ${c.spareCapacity}) must be at most ${MAX_TOTAL_REPLICAS}`,
      });
      return;
    }
    if (c.placementPolicy === 'one-region' && replicas > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['placementPolicy'],
        message: `"one-region" runs one replica; targetCapacity + spareCapacity is ${replicas}, which only "fleet" places`,
      });
    }
    const perRegion = c.maxPerRegion ?? Math.min(replicas, MAX_PER_REGION);
    const room = perRegion * c.workerRegions.length;
    if (replicas > room) {
      const regions = c.workerRegions.length;
      ctx.addIssue({
        code: 'custom',
        // Blame the field the user most likely set last: maxPerRegion when given, else the fleet size.
        path: [c.maxPerRegion === undefined ? 'targetCapacity' : 'maxPerRegion'],
        message:
          `targetCapacity + spareCapacity (${replicas}) cannot fit: maxPerRegion (${perRegion}${c.maxPerRegion === undefined ? ', the default' : ''}) x ` +
          `${regions} worker region${regions === 1 ? '' : 's'} holds only ${room}; add workerRegions, raise maxPerRegion or lower the fleet`,
      });
    }
  })
  // maxPerRegion's and placementPolicy's defaults depend on the fleet's size, so they are filled in after validation.
  .transform((c) => ({
    ...c,
    maxPerRegion: c.maxPerRegion ?? Math.min(c.targetCapacity + c.spareCapacity, MAX_PER_REGION),
    placementPolicy: c.placementPolicy ?? (c.targetCapacity + c.spareCapacity > 1 ? 'fleet' : 'one-region'),
  }));

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/**
 * The worker group's `MaxSize`: the most one region can be asked for. A region never holds more than the whole
 * fleet (target + spare replicas), and each of them may have its make-before-break replacement booting beside it.
 * Auto Scaling refuses a desired capacity above `MaxSize` (ValidationError), so a bound below what the plan asks
 * would keep the region from launching at all.
 */
export function groupMaxSize(config: Pick<Config, 'targetCapacity' | 'spareCapacity'>): number {
  return 2 * (config.targetCapacity + config.spareCapacity);
}

/** Turns zod issues into one line per bad field: `workerRegions.1: must be one of: ...`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      return `${field}: unknown field(s) ${issue.keys.join(', ')}`;
    }
    // A bad key of a record (e.g. container.environment): say what the key's own schema said.
    if (issue.code === 'invalid_key' && issue.issues[0]) return `${field}: ${issue.issues[0].message}`;
    return `${field}: ${issue.message}`;
  });
}

/**
 * What a valid configuration may still get wrong, for deploy and `npm start` to print: fewer than three instance
 * types get low Spot placement scores and fail over more (Amazon EC2 User Guide, "How Spot placement score works":
 * be instance type flexible, at least three instance types).
 *
 * @example
 * configWarnings(parseConfig({ instanceTypes: ['g6.xlarge'] })); // ['instanceTypes: only 1 type (g6.xlarge); ...']
 */
export function configWarnings(config: Config): string[] {
  const n = config.instanceTypes.length;
  if (n >= MIN_FLEXIBLE_INSTANCE_TYPES) return [];
  return [
    `instanceTypes: only ${n} type${n === 1 ? '' : 's'} (${config.instanceTypes.join(', ')}); Spot placement scores are low with fewer than ${MIN_FLEXIBLE_INSTANCE_TYPES} (EC2 User Guide, "How Spot placement score works"), so regions score worse and launches fail more often: list at least ${MIN_FLEXIBLE_INSTANCE_TYPES} similar types`,
  ];
}

/**
 * Validates a configuration document and fills in defaults.
 *
 * @example
 * const config = parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-west-2'] });
 * @throws {ConfigError} naming each bad field.
 */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new ConfigError(`Invalid spotplane configuration:\n  ${issues.join('\n  ')}`, issues, {
      cause: result.error,
    });
  }
  return result.data;
}

/** The environment variable that carries the configuration (JSON) into Lambdas and local mode. */
export const CONFIG_ENV = 'SPOTPLANE_CONFIG';

/** Reads and validates the configuration from `SPOTPLANE_CONFIG` (JSON). */
export function configFromEnv(env: Record<string, string | undefined>): Config {
  const raw = env[CONFIG_ENV];
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError(`${CONFIG_ENV} is not set: it must hold the configuration as JSON`, [
      `${CONFIG_ENV}: missing`,
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${CONFIG_ENV} is not valid JSON`, [`${CONFIG_ENV}: not JSON`], { cause });
  }
  return parseConfig(parsed);
}
