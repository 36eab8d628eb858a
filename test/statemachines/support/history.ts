/** Reading an execution's event history in tests: which states ran, in which order, and when. */
import type { HistoryEvent, LocalExecution } from '../../../emulator/sfn/runtime.ts';

/** Names of the states entered, in order. */
export const statesEntered = (execution: LocalExecution): string[] =>
  execution.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName!);

/** Index of the n-th (0-based) entry of a state, or -1. */
export function entryIndex(execution: LocalExecution, stateName: string, nth = 0): number {
  let seen = 0;
  for (const [i, e] of execution.events.entries()) {
    if (e.type.endsWith('StateEntered') && e.stateName === stateName && seen++ === nth) return i;
  }
  return -1;
}

export const eventsOf = (execution: LocalExecution, type: string, stateName?: string): HistoryEvent[] =>
  execution.events.filter((e) => e.type === type && (stateName === undefined || e.stateName === stateName));

/** Seconds each visit of a Wait state lasted, from its entered/exited timestamps. */
export function waitDurations(execution: LocalExecution, stateName: string): number[] {
  const entered = eventsOf(execution, 'WaitStateEntered', stateName);
  const exited = eventsOf(execution, 'WaitStateExited', stateName);
  return exited.map((e, i) => (e.timestamp.getTime() - entered[i]!.timestamp.getTime()) / 1000);
}

/** True when `names` appear in this order (not necessarily adjacent) in the states entered. */
export function ranInOrder(execution: LocalExecution, names: string[]): boolean {
  const entered = statesEntered(execution);
  let from = 0;
  for (const name of names) {
    const at = entered.indexOf(name, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}
