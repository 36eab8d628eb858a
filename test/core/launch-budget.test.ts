import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import {
  describeLaunchBudget,
  HEALTH_CHECK,
  launchBudgetParts,
  launchBudgetSeconds,
} from '../../core/launch-budget.ts';

describe('launch budget', () => {
  it.each([
    // [imagePullSeconds, launchTimeoutSeconds, budget]
    [600, undefined, 300 + 120 + 600 + 450],
    [60, undefined, 300 + 120 + 60 + 450],
    [60, 2000, 2000],
  ])('image pull %s s, timeout %s -> %s s', (imagePullSeconds, launchTimeoutSeconds, budget) => {
    const config = parseConfig({ container: { imagePullSeconds }, launchTimeoutSeconds });
    expect(launchBudgetSeconds(config)).toBe(budget);
  });

  it('adds up boot and registration, placement, image pull and the whole health check window', () => {
    const parts = launchBudgetParts(parseConfig({}));
    expect(parts.healthSeconds).toBe(
      HEALTH_CHECK.startPeriodSeconds + HEALTH_CHECK.intervalSeconds * HEALTH_CHECK.retries,
    );
    expect(parts.totalSeconds).toBe(
      parts.instanceReadySeconds + parts.placementSeconds + parts.imagePullSeconds + parts.healthSeconds,
    );
    expect(describeLaunchBudget(parts)).toBe(
      '300 s instance ready + 120 s placement + 600 s image pull + 450 s health = 1470 s',
    );
  });

  it('refuses a launch timeout below the budget, naming the field and the parts', () => {
    expect(() => parseConfig({ launchTimeoutSeconds: 900 })).toThrowError(
      /launchTimeoutSeconds: must be at least the launch budget \(300 s instance ready .* = 1470 s\)/,
    );
  });

  it('keeps the heartbeat below the launch timeout the budget sets', () => {
    expect(() => parseConfig({ launchHeartbeatSeconds: 1500 })).toThrowError(
      /launchHeartbeatSeconds: must be below the launch timeout \(1470 s\)/,
    );
  });
});
