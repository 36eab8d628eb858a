/** One GetSpotPlacementScores request (all pages), per region, through the hub region's EC2 client. */
import { type EC2Client, GetSpotPlacementScoresCommand } from '@aws-sdk/client-ec2';
import type { ScoreConfiguration } from '../../../core/ranking/index.ts';
import type { Sleep } from '../sleep.ts';
import { callWithTimeout } from './call.ts';
import { TooManyPagesError } from './errors.ts';

const MAX_PAGES = 20;

/** The error code EC2 returns when the account may not use another new configuration today. */
export const MAX_CONFIG_LIMIT_EXCEEDED = 'MaxConfigLimitExceeded';

/**
 * Region-level placement scores (`SingleAvailabilityZone=false`) for the whole configuration, every page;
 * the best score per region. A region AWS leaves out (it returns the top 10) is simply absent.
 *
 * @throws {CallTimeoutError | TooManyPagesError} or the SDK error (e.g. `MaxConfigLimitExceeded`) as is.
 */
export async function fetchPlacementScores(
  ec2: EC2Client,
  hubRegion: string,
  configuration: ScoreConfiguration,
  timeoutMs: number,
  sleep?: Sleep,
): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const command = new GetSpotPlacementScoresCommand({
      RegionNames: [...configuration.regions],
      InstanceTypes: [...configuration.instanceTypes],
      TargetCapacity: configuration.targetCapacity,
      // Region-level scores: the ASG spreads over every AZ of the chosen region.
      SingleAvailabilityZone: false,
      NextToken: nextToken,
    });
    const output = await callWithTimeout(
      { operation: 'GetSpotPlacementScores', region: hubRegion, timeoutMs },
      (abortSignal) => ec2.send(command, { abortSignal }),
      sleep,
    );
    for (const { Region, Score } of output.SpotPlacementScores ?? []) {
      if (Region && typeof Score === 'number') scores.set(Region, Math.max(Score, scores.get(Region) ?? 0));
    }
    nextToken = output.NextToken || undefined;
    if (!nextToken) return scores;
  }
  throw new TooManyPagesError('GetSpotPlacementScores', hubRegion, MAX_PAGES);
}
