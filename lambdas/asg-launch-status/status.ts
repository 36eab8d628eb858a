/**
 * AsgLaunchStatus (worker): polled by LaunchInstance after raising desired capacity. Reads the ASG and
 * its scaling activities since the launch began and lets the pure `decideLaunchStatus` say IN_SERVICE,
 * PENDING or FAILED — so a capacity error ends the launch at once instead of waiting out the timeout.
 */
import { type Activity, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import middy from '@middy/core';
import { z } from 'zod';
import { describeIssues } from '../../core/config.ts';
import { decideLaunchStatus, type LaunchStatus, type ScalingActivity } from '../../core/launch-status.ts';
import { describeAsg } from '../shared/asg.ts';
import { instrument, makeObservability } from '../shared/observability.ts';
import type { WorkerDeps } from '../shared/worker-deps.ts';
import { LaunchStatusInputError } from './errors.ts';

const inputSchema = z.object({
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time such as 2026-11-24T10:00:00Z'),
});

/** Activities come newest first; more than this many pages back is older than any launch we wait for. */
const MAX_ACTIVITY_PAGES = 5;

async function activitiesSince(deps: WorkerDeps, since: Date): Promise<ScalingActivity[]> {
  const found: ScalingActivity[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
    const out = await deps.clients.autoScaling(deps.region).send(
      new DescribeScalingActivitiesCommand({
        AutoScalingGroupName: deps.asgName,
        MaxRecords: 50,
        NextToken: nextToken,
      }),
    );
    const activities = (out.Activities ?? []).map(toActivity);
    found.push(...activities);
    nextToken = out.NextToken;
    const reachedOlder = activities.some((a) => a.startTime.getTime() < since.getTime());
    if (!nextToken || reachedOlder) break;
  }
  return found;
}

const toActivity = (a: Activity): ScalingActivity => ({
  statusCode: a.StatusCode ?? '',
  statusMessage: a.StatusMessage ?? '',
  description: a.Description ?? '',
  startTime: a.StartTime ? new Date(a.StartTime) : new Date(0),
});

/**
 * Where the launch begun at `input.since` stands: IN_SERVICE, PENDING, or FAILED with the EC2 error code.
 *
 * @example
 * await launchStatus(deps, { since: '2026-11-24T10:00:00Z' }); // { state: 'PENDING' }
 * @throws {LaunchStatusInputError} naming the field when `since` is missing or not a time.
 * @throws {AsgNotFoundError} when the worker's ASG does not exist.
 */
export async function launchStatus(deps: WorkerDeps, input: unknown): Promise<LaunchStatus> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new LaunchStatusInputError(
      `Invalid asg-launch-status input: ${describeIssues(parsed.error).join('; ')}`,
      {
        cause: parsed.error,
      },
    );
  }
  const since = new Date(parsed.data.since);
  const group = await describeAsg(deps.clients, deps.region, deps.asgName);
  const activities = await activitiesSince(deps, since);
  return decideLaunchStatus({
    asg: {
      desiredCapacity: group.DesiredCapacity ?? 0,
      instances: (group.Instances ?? []).map((i) => ({
        lifecycleState: i.LifecycleState ?? '',
        healthStatus: i.HealthStatus ?? '',
      })),
    },
    activities,
    since,
  });
}

/** The AsgLaunchStatus Lambda (middy + Powertools); AWS errors propagate to the state machine's Retry. */
export function makeHandler(deps: WorkerDeps) {
  const obs = deps.observability ?? makeObservability('asg-launch-status');
  return middy<unknown, LaunchStatus>()
    .use(instrument(obs, { staticContext: { region: deps.region, asg: deps.asgName } }))
    .handler(async (event) => {
      const status = await launchStatus(deps, event);
      if (status.state === 'FAILED') obs.logger.warn('launch failed', { status });
      return status;
    });
}
