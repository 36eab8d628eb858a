import { describe, expect, it } from 'vitest';
import { workerEventsPattern, workerPatterns } from '../../core/event-patterns.ts';
import { HUB_SOURCE, LAUNCH_REQUESTED, TEARDOWN_REQUESTED, WORKER_SOURCE } from '../../core/messages.ts';
import { matchesPattern } from '../../emulator/event-pattern.ts';
import {
  launchUnsuccessfulSample,
  rebalanceRecommendationSample,
  spotInterruptionWarningSample,
  stateChangeSample,
} from './events.samples.ts';

const p = workerPatterns('spotplane', 'us-west-2', 'spotplane-gpu');
const hubEvent = (detailType: string, detail: Record<string, unknown>) => ({
  source: HUB_SOURCE,
  'detail-type': detailType,
  detail: { prefix: 'spotplane', ...detail },
});

describe('worker event patterns', () => {
  it('start a launch only in the region the hub asked', () => {
    const forWest = hubEvent(LAUNCH_REQUESTED, { target_region: 'us-west-2' });
    const forEu = hubEvent(LAUNCH_REQUESTED, { target_region: 'eu-west-1' });
    expect(matchesPattern(p.launchRequested, forWest)).toBe(true);
    expect(matchesPattern(p.launchRequested, forEu)).toBe(false);
    expect(matchesPattern(p.hubToWorker, forEu)).toBe(false);
    expect(matchesPattern(p.teardownRequested, forWest)).toBe(false);
    expect(
      matchesPattern(p.teardownRequested, hubEvent(TEARDOWN_REQUESTED, { target_region: 'us-west-2' })),
    ).toBe(true);
  });

  it("ignore another deployment's requests", () => {
    const other = {
      ...hubEvent(LAUNCH_REQUESTED, { target_region: 'us-west-2' }),
      detail: { prefix: 'other', target_region: 'us-west-2' },
    };
    expect(matchesPattern(p.hubToWorker, other)).toBe(false);
    expect(
      matchesPattern(workerEventsPattern('spotplane'), {
        source: WORKER_SOURCE,
        detail: { prefix: 'other' },
      }),
    ).toBe(false);
  });

  it("match AWS's documented capacity events", () => {
    expect(matchesPattern(p.interruption, spotInterruptionWarningSample)).toBe(true);
    expect(matchesPattern(p.rebalance, rebalanceRecommendationSample)).toBe(true);
    expect(matchesPattern(p.interruption, rebalanceRecommendationSample)).toBe(false);
  });

  it('pass only state changes that mean capacity is going away', () => {
    const withState = (state: string) => ({
      ...stateChangeSample,
      detail: { ...stateChangeSample.detail, state },
    });
    expect(matchesPattern(p.stateChange, withState('shutting-down'))).toBe(true);
    expect(matchesPattern(p.stateChange, withState('terminated'))).toBe(true);
    expect(matchesPattern(p.stateChange, withState('running'))).toBe(false);
    expect(matchesPattern(p.stateChange, withState('pending'))).toBe(false);
  });

  it("pass launch failures of this deployment's group only", () => {
    const ofGroup = (name: string) => ({
      ...launchUnsuccessfulSample,
      detail: { ...launchUnsuccessfulSample.detail, AutoScalingGroupName: name },
    });
    expect(matchesPattern(p.launchUnsuccessful, ofGroup('spotplane-gpu'))).toBe(true);
    expect(matchesPattern(p.launchUnsuccessful, ofGroup('someone-elses-asg'))).toBe(false);
  });
});
