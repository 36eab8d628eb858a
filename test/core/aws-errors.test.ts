import { describe, expect, it } from 'vitest';
import { isTransientAwsFailure, SERVICE_FAILURE_ERRORS, THROTTLING_ERRORS } from '../../core/aws-errors.ts';

describe('transient AWS failures', () => {
  it('every name the Lambdas retry as throttling, and every service failure, is transient for the planner too', () => {
    for (const name of [...THROTTLING_ERRORS, ...SERVICE_FAILURE_ERRORS]) {
      expect(isTransientAwsFailure(name)).toBe(true);
      expect(isTransientAwsFailure(`AutoScaling.${name}`)).toBe(true);
    }
  });

  it.each([
    'InsufficientInstanceCapacity',
    'SpotMaxPriceTooLow',
    'ValidationError',
    'States.Timeout',
    'LaunchTimeout',
  ])('%s is not transient (the region lacks capacity or the request is wrong)', (name) => {
    expect(isTransientAwsFailure(name)).toBe(false);
  });
});
