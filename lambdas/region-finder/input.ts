/** The RegionFinder's input: `{}` to choose a region, `{ current_region }` to also weigh a price rebalance. */
import { z } from 'zod';
import { describeIssues } from '../../core/config.ts';
import { AWS_REGIONS } from '../../core/regions.ts';
import { FinderInputError } from './errors.ts';

// Loose: a state machine also passes `execution` (logged by the observability middleware).
const finderInputSchema = z.looseObject({
  current_region: z
    .enum(AWS_REGIONS, {
      error: (issue) => `must be an AWS region such as us-west-2 (got ${JSON.stringify(issue.input)})`,
    })
    .optional(),
});

export interface FinderRequest {
  /** The region spotplane runs in; its price is looked up and a rebalance away from it decided. */
  currentRegion?: string | undefined;
}

/**
 * Parses the Lambda event; `null`/`undefined` count as `{}`.
 *
 * @example
 * parseFinderInput({ current_region: 'us-west-2' }); // { currentRegion: 'us-west-2' }
 * @throws {FinderInputError} naming the bad field.
 */
export function parseFinderInput(event: unknown): FinderRequest {
  const result = finderInputSchema.safeParse(event ?? {});
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new FinderInputError(`Invalid RegionFinder input: ${issues.join('; ')}`, issues, {
      cause: result.error,
    });
  }
  return { currentRegion: result.data.current_region };
}
