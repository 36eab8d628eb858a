import { describe, expect, it } from 'vitest';
import { dateTime, dollars, duration, niceTicks, timeOfDay } from '../../core/display.ts';

describe('display', () => {
  it.each([
    ['2026-11-24T10:01:00Z', '2026-11-24 10:01:00 UTC'],
    ['2026-11-24T10:01:00.793Z', '2026-11-24 10:01:00 UTC'],
    ['2026-11-24T11:01:00+01:00', '2026-11-24 10:01:00 UTC'],
    [null, '–'],
    ['', '–'],
    ['soon', 'soon'],
  ])('dateTime(%j) is %j', (input, expected) => {
    expect(dateTime(input)).toBe(expected);
  });

  it('gives the time of day alone', () => {
    expect(timeOfDay('2026-11-24T10:01:02Z')).toBe('10:01:02');
    expect(timeOfDay(undefined)).toBe('–');
  });

  it.each([
    [400, '0.4 s'],
    [9_949, '9.9 s'],
    [42_000, '42 s'],
    [250_000, '4 min 10 s'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('duration(%d) is %j', (ms, expected) => {
    expect(duration(ms)).toBe(expected);
  });

  it.each([
    [0.25, '$0.25'],
    [0.0123, '$0.0123'],
    [1234.5, '$1,234.50'],
    [-3, '-$3.00'],
    [0, '$0.00'],
  ])('dollars(%d) is %j', (amount, expected) => {
    expect(dollars(amount)).toBe(expected);
  });
});

describe('niceTicks', () => {
  it.each([
    [0.19, 0.31, 5, [0.2, 0.25, 0.3], 2],
    [0.203, 0.297, 6, [0.22, 0.24, 0.26, 0.28], 2],
    [0, 10, 6, [0, 2, 4, 6, 8, 10], 0],
    [0, 1, 5, [0, 0.5, 1], 1],
    [1.2, 1.2, 5, [1.1, 1.15, 1.2, 1.25, 1.3], 2],
  ])('niceTicks(%d, %d, %d) gives %j', (min, max, count, ticks, decimals) => {
    const result = niceTicks(min, max, count);
    expect(result.ticks).toEqual(ticks);
    expect(result.decimals).toBe(decimals);
  });

  it('never gives more than maxTicks ticks, each a round multiple of the step', () => {
    for (const [min, max] of [
      [0.0131, 0.0457],
      [3, 1004],
      [-5.5, 7.25],
    ] as const) {
      const { ticks, step } = niceTicks(min, max, 6);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const t of ticks) expect(Math.abs(t / step - Math.round(t / step))).toBeLessThan(1e-6);
    }
  });
});
