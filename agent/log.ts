/** The agent's log: exact `[UTC <time>] STATE: <STATE>` lines that operators and tests grep for. */
import { type AgentClock, utcSeconds } from './clock.ts';

export const AGENT_STATES = [
  'DETECTED',
  'CHECKPOINT_START',
  'CHECKPOINT_OK',
  'CHECKPOINT_TIMEOUT',
  'UPLOAD_OK',
  'UPLOAD_FAIL',
  'SHUTDOWN',
  'S3_SOURCE',
  'LOCAL_SOURCE',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface AgentLog {
  state(state: AgentState): void;
  info(message: string): void;
  error(message: string): void;
}

export function stateLine(at: Date, state: AgentState): string {
  return `[UTC ${utcSeconds(at)}] STATE: ${state}`;
}

/** A log writing lines through `write` (stdout in the CLI, an array in tests), stamped by `clock`. */
export function lineLog(clock: Pick<AgentClock, 'now'>, write: (line: string) => void): AgentLog {
  return {
    state: (state) => write(stateLine(clock.now(), state)),
    info: (message) => write(`[UTC ${utcSeconds(clock.now())}] INFO: ${message}`),
    error: (message) => write(`[UTC ${utcSeconds(clock.now())}] ERROR: ${message}`),
  };
}
