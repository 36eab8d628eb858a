/**
 * Decides whether a worker's launch has succeeded, is still under way, or has failed, from what the
 * Auto Scaling group reports. Failing fast on a failed scaling activity is the point: capacity
 * exhaustion must never be waited out (or, worse, reported as success).
 */

export const LAUNCH_ERRORS = [
  'InsufficientInstanceCapacity',
  'UnfulfillableCapacity',
  'MaxSpotInstanceCountExceeded',
  'LaunchFailed',
] as const;
export type LaunchError = (typeof LAUNCH_ERRORS)[number];

/** Activity status codes that mean the launch attempt is over without an instance. */
const FAILED_STATUS_CODES = new Set(['Failed', 'Cancelled']);

export interface AsgSnapshot {
  desiredCapacity: number;
  instances: readonly { lifecycleState: string; healthStatus: string }[];
}

export interface ScalingActivity {
  statusCode: string;
  statusMessage: string;
  description: string;
  startTime: Date;
}

export type LaunchStatus =
  | { state: 'IN_SERVICE' }
  | { state: 'PENDING' }
  | { state: 'FAILED'; error: LaunchError; cause: string };

/**
 * Maps an activity's StatusMessage to spotplane's launch error. EC2 puts its error code in the text
 * ("Could not launch Spot Instances. UnfulfillableCapacity - ..."); on-demand capacity errors are
 * worded ("We currently do not have sufficient g6.xlarge capacity ...").
 */
export function launchErrorFromMessage(message: string): LaunchError {
  for (const code of LAUNCH_ERRORS) if (message.includes(code)) return code;
  if (/do not have sufficient .* capacity/i.test(message)) return 'InsufficientInstanceCapacity';
  return 'LaunchFailed';
}

/**
 * IN_SERVICE once the desired number of instances are InService and healthy (a capacity error in one
 * AZ that the group then filled from another is not a failure); otherwise FAILED if a scaling activity
 * started at or after `since` failed or was cancelled; otherwise PENDING.
 */
export function decideLaunchStatus(input: {
  asg: AsgSnapshot;
  activities: readonly ScalingActivity[];
  since: Date;
}): LaunchStatus {
  const { asg, activities, since } = input;
  const healthy = asg.instances.filter(
    (i) => i.lifecycleState === 'InService' && i.healthStatus === 'Healthy',
  );
  if (asg.desiredCapacity > 0 && healthy.length >= asg.desiredCapacity) return { state: 'IN_SERVICE' };

  const failed = activities
    .filter((a) => FAILED_STATUS_CODES.has(a.statusCode) && a.startTime.getTime() >= since.getTime())
    .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())[0];
  if (failed) {
    const cause = [failed.statusMessage, failed.description].filter((s) => s !== '').join(' | ');
    return { state: 'FAILED', error: launchErrorFromMessage(failed.statusMessage), cause };
  }
  return { state: 'PENDING' };
}
