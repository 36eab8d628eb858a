import { describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../core/clock.ts';
import { launchRequestedSchema } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import { isAwsRegion } from '../../core/regions.ts';

describe('names', () => {
  it('derives every name from the prefix so two deployments never collide', () => {
    const a = names('alpha');
    const b = names('beta');
    expect(a.stateTable).toBe('alpha-state');
    expect(a.lambda('observe')).toBe('alpha-observe');
    expect(a.hubToWorkerRule('us-west-2')).toBe('alpha-to-us-west-2');
    const valuesA = Object.values(a).filter((v) => typeof v === 'string');
    const valuesB = new Set(Object.values(b).filter((v) => typeof v === 'string'));
    expect(valuesA.some((v) => valuesB.has(v))).toBe(false);
  });
});

describe('clock', () => {
  it('moves a manual clock only when told', () => {
    const clock = manualClock('2026-11-24T10:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-11-24T10:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-11-24T10:01:30.000Z');
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().getUTCFullYear()).toBe(2027);
  });

  it('reads the system time from the system clock', () => {
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('messages', () => {
  it('takes a launch request with an intent and an absolute desired state, or capacity and lifecycle', () => {
    const fenced = launchRequestedSchema.safeParse({
      prefix: 'p',
      target_region: 'us-west-2',
      intent: 7,
      desired: { spot: 1, on_demand: 0 },
    });
    const legacy = launchRequestedSchema.safeParse({
      prefix: 'p',
      target_region: 'us-west-2',
      task_token: 't',
      capacity: 1,
      lifecycle: 'spot',
    });
    const neither = launchRequestedSchema.safeParse({ prefix: 'p', target_region: 'us-west-2', intent: 7 });
    expect([fenced.success, legacy.success, neither.success]).toEqual([true, true, false]);
    expect(neither.error?.issues[0]?.path).toEqual(['desired']);
  });
});

describe('isAwsRegion', () => {
  it.each([
    ['us-west-2', true],
    ['af-south-1', true],
    ['us-west2', false],
    ['US-WEST-2', false],
    ['', false],
  ])('says %j is a known region: %s', (region, expected) => {
    expect(isAwsRegion(region)).toBe(expected);
  });
});
