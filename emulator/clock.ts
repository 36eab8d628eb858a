/**
 * The one clock of a local run. Every timer in LocalCloud, the local Step Functions runtime and the
 * simulator goes through it, so the same code runs on a virtual clock in tests (no sleeps) and on
 * scaled real time under `npm start` (`SPOTPLANE_TIME_SCALE`, default 10).
 */
import { type Clock, type SetTimer, sleepOn } from '../core/clock.ts';

export interface TimerClock extends Clock {
  /** Calls `fn` once `ms` of clock time have passed; returns a function that cancels it. */
  setTimer: SetTimer;
  /** Resolves after `ms` of clock time; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time, `scale` times faster: one real second is `scale` clock seconds. */
export function scaledClock(scale: number, start: Date = new Date()): TimerClock {
  if (!(scale > 0)) throw new RangeError(`time scale must be a positive number (got ${scale})`);
  const realStart = Date.now();
  const clock: TimerClock = {
    now: () => new Date(start.getTime() + (Date.now() - realStart) * scale),
    setTimer: (ms, fn) => {
      const handle = setTimeout(fn, Math.max(0, ms) / scale);
      return () => clearTimeout(handle);
    },
    sleep: (ms, signal) => sleepOn(clock.setTimer, ms, signal),
  };
  return clock;
}

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A bound on one settle: even a probe that never clears cannot hang the clock. */
const MAX_SETTLE_ROUNDS = 100_000;

/**
 * Lets every promise chain that is ready run to completion before the clock moves on: `rounds` event-loop
 * turns in a row during which no busy probe reports work in progress (work that spans turns, such as a
 * request to LocalCloud's DynamoDB store, must finish before time may jump).
 */
async function settle(rounds = 20, busy: () => boolean = () => false): Promise<void> {
  let quiet = 0;
  for (let i = 0; quiet < rounds && i < MAX_SETTLE_ROUNDS; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    quiet = busy() ? 0 : quiet + 1;
  }
}

export interface VirtualClock extends TimerClock {
  /** Moves time forward by `ms`, firing due timers in order and letting work settle after each. */
  advance(ms: number): Promise<void>;
  /** Advances to the next pending timer (if any) and fires it; returns false when none is pending. */
  step(): Promise<boolean>;
  /** Advances until `predicate()` holds or `maxMs` of clock time have passed; returns whether it held. */
  runUntil(predicate: () => boolean, maxMs: number): Promise<boolean>;
  /** Lets ready promise chains run without moving time. */
  settle(): Promise<void>;
  pendingTimers(): number;
  /** When the next pending timer is due (ms since the epoch), or undefined when none is pending. */
  nextTimerAt(): number | undefined;
  /**
   * Keeps the clock from moving while `probe()` reports work in progress (in-process I/O that takes several
   * event-loop turns); returns a function that removes the probe.
   */
  holdWhile(probe: () => boolean): () => void;
}

/**
 * A clock that moves only when told. Time jumps straight to the next timer, so a simulated month
 * runs in seconds.
 */
export function virtualClock(start: Date | string = '2026-11-24T10:00:00Z'): VirtualClock {
  let now = new Date(start).getTime();
  let seq = 0;
  const timers: PendingTimer[] = [];
  const probes: (() => boolean)[] = [];
  const busy = () => probes.some((probe) => probe());

  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const t of timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  };

  const fire = async (timer: PendingTimer) => {
    timers.splice(timers.indexOf(timer), 1);
    now = Math.max(now, timer.at);
    timer.fn();
    await settle(20, busy);
  };

  const clock: VirtualClock = {
    now: () => new Date(now),
    setTimer: (ms, fn) => {
      const timer: PendingTimer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    sleep: (ms, signal) => sleepOn(clock.setTimer, ms, signal),
    settle: () => settle(20, busy),
    pendingTimers: () => timers.length,
    nextTimerAt: () => nextDue(Number.POSITIVE_INFINITY)?.at,
    holdWhile: (probe) => {
      probes.push(probe);
      return () => {
        const i = probes.indexOf(probe);
        if (i >= 0) probes.splice(i, 1);
      };
    },
    advance: async (ms) => {
      const target = now + ms;
      await settle(20, busy);
      for (let t = nextDue(target); t; t = nextDue(target)) await fire(t);
      now = target;
      await settle(20, busy);
    },
    step: async () => {
      await settle(20, busy);
      const t = nextDue(Number.POSITIVE_INFINITY);
      if (!t) return false;
      await fire(t);
      return true;
    },
    runUntil: async (predicate, maxMs) => {
      const limit = now + maxMs;
      await settle(20, busy);
      while (!predicate()) {
        const t = nextDue(limit);
        if (!t) {
          now = limit;
          return predicate();
        }
        await fire(t);
      }
      return true;
    },
  };
  return clock;
}
