/** Fakes for the agent's process seams: signals/liveness and the command runner, on the test's clock. */

import { utcSeconds } from '../../../agent/clock.ts';
import type { ProcessControl } from '../../../agent/process.ts';
import type { CommandResult, CommandRunner } from '../../../agent/runner.ts';
import type { Clock } from '../../../core/clock.ts';

export interface FakeProcesses extends ProcessControl {
  signals: { pid: number; signal: string; at: string }[];
}

/**
 * Process `workloadPid` runs until SIGKILL, or until `exitAfterSigtermMs` after a SIGTERM. Other PIDs in
 * `alsoAlive` are alive forever (lock holders); everything else is dead.
 */
export function fakeProcesses(
  clock: Clock,
  options: { pid?: number; workloadPid?: number; exitAfterSigtermMs?: number; alsoAlive?: number[] } = {},
): FakeProcesses {
  const signals: FakeProcesses['signals'] = [];
  let killed = false;
  let termAt: number | undefined;
  const workloadAlive = () => {
    if (killed) return false;
    if (termAt === undefined || options.exitAfterSigtermMs === undefined) return true;
    return clock.now().getTime() < termAt + options.exitAfterSigtermMs;
  };
  const pid = options.pid ?? 70_001;
  return {
    pid,
    signals,
    kill: (target, signal) => {
      signals.push({ pid: target, signal, at: utcSeconds(clock.now()) });
      if (target !== options.workloadPid) return;
      if (signal === 'SIGKILL') killed = true;
      if (signal === 'SIGTERM' && termAt === undefined) termAt = clock.now().getTime();
    },
    isAlive: (target) =>
      target === pid ||
      (options.alsoAlive ?? []).includes(target) ||
      (target === options.workloadPid && workloadAlive()),
  };
}

export interface FakeRunner extends CommandRunner {
  calls: { command: string; at: string; abortedAt?: string }[];
}

/** `behaviour` runs when a command starts; 'hang' never finishes until aborted. */
export function fakeRunner(clock: Clock, behaviour: (() => number) | 'hang'): FakeRunner {
  const calls: FakeRunner['calls'] = [];
  return {
    calls,
    run: (command, options = {}) => {
      const call: FakeRunner['calls'][number] = { command, at: utcSeconds(clock.now()) };
      calls.push(call);
      if (behaviour !== 'hang') return Promise.resolve({ exitCode: behaviour(), signal: null });
      return new Promise<CommandResult>((resolve) => {
        options.signal?.addEventListener(
          'abort',
          () => {
            call.abortedAt = utcSeconds(clock.now());
            resolve({ exitCode: null, signal: 'SIGKILL' });
          },
          { once: true },
        );
      });
    },
  };
}
