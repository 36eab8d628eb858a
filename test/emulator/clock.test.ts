import { describe, expect, it } from 'vitest';
import { scaledClock, virtualClock } from '../../emulator/clock.ts';

describe('virtualClock', () => {
  it('fires timers in time order and only when time reaches them', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const fired: string[] = [];
    clock.setTimer(2000, () => fired.push('b'));
    clock.setTimer(1000, () => fired.push('a'));
    await clock.advance(1500);
    expect(fired).toEqual(['a']);
    await clock.advance(500);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now().toISOString()).toBe('2026-11-24T10:00:02.000Z');
  });

  it('runs promise chains that a timer starts before moving on', async () => {
    const clock = virtualClock();
    const seen: number[] = [];
    void (async () => {
      await clock.sleep(60_000);
      seen.push(clock.now().getTime());
      await clock.sleep(30_000);
      seen.push(clock.now().getTime());
    })();
    await clock.advance(120_000);
    expect(seen.map((t) => t - seen[0]!)).toEqual([0, 30_000]);
  });

  it('cancels a timer and rejects an aborted sleep', async () => {
    const clock = virtualClock();
    let fired = false;
    const cancel = clock.setTimer(10, () => {
      fired = true;
    });
    cancel();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    await clock.advance(2000);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs until a condition holds, jumping straight to each timer', async () => {
    const clock = virtualClock();
    let done = false;
    clock.setTimer(3_600_000, () => {
      done = true;
    });
    expect(await clock.runUntil(() => done, 7_200_000)).toBe(true);
    expect(await clock.runUntil(() => false, 1000)).toBe(false);
    expect(await clock.step()).toBe(false);
  });
});

describe('virtualClock.holdWhile', () => {
  /** Work that takes `turns` event-loop turns (like a request to the in-process DynamoDB store). */
  const slowWork = (turns: number, onDone: () => void) => {
    let left = turns;
    const step = () => (--left > 0 ? setImmediate(step) : onDone());
    setImmediate(step);
  };

  it('does not jump to the next timer while a probe reports work in progress', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    let inFlight = 0;
    const release = clock.holdWhile(() => inFlight > 0);
    let finishedAt: string | null = null;
    clock.setTimer(1000, () => {
      inFlight++;
      slowWork(200, () => {
        inFlight--;
        finishedAt = clock.now().toISOString();
      });
    });
    clock.setTimer(300_000, () => undefined);
    await clock.runUntil(() => finishedAt !== null, 600_000);
    expect(finishedAt).toBe('2026-11-24T10:00:01.000Z');
    release();
  });

  it('without a probe, lets the clock move on after the usual settle (the case the probe exists for)', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    let finishedAt: string | null = null;
    clock.setTimer(1000, () =>
      slowWork(200, () => {
        finishedAt = clock.now().toISOString();
      }),
    );
    clock.setTimer(300_000, () => undefined);
    const held = await clock.runUntil(() => finishedAt !== null, 600_000);
    // Time ran out from under the work: it had not finished when the clock passed every timer.
    expect(held).toBe(false);
    expect(clock.now().toISOString()).toBe('2026-11-24T10:10:00.000Z');
  });
});

describe('scaledClock', () => {
  it('rejects a non-positive scale', () => {
    expect(() => scaledClock(0)).toThrowError(/time scale must be a positive number/);
  });

  it('runs clock time faster than real time', () => {
    const clock = scaledClock(10, new Date('2026-11-24T10:00:00Z'));
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(new Date('2026-11-24T10:00:00Z').getTime());
  });
});
