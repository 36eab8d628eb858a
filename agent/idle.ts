/**
 * Idle shutdown. A systemd timer runs one check a minute; each check is its own process, so the idle
 * streak and the previous CPU sample live in a small state file. A lock keeps two checks from
 * overlapping (a slow nvidia-smi must not let the next check count the same minute twice).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentClock } from './clock.ts';
import { utcSeconds } from './clock.ts';
import type { IdleConfig } from './config.ts';
import { acquireLock } from './lock.ts';
import type { AgentLog } from './log.ts';
import type { ProcessControl } from './process.ts';
import type { CommandRunner } from './runner.ts';
import { describe } from './upload.ts';

/** Cumulative CPU time since boot, in any unit (jiffies from /proc/stat). */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Everything an idle check looks at; each returns descriptions of what it found active. */
export interface IdleProbes {
  uptimeSeconds(): Promise<number>;
  /** SSH and SSM sessions. */
  sessions(): Promise<string[]>;
  /** tmux / screen servers (someone left work running in one). */
  multiplexers(): Promise<string[]>;
  /** Processes on a GPU (nvidia-smi) or Neuron device (neuron-ls); empty when neither tool exists. */
  acceleratorProcesses(): Promise<string[]>;
  cpuTimes(): Promise<CpuTimes>;
}

export interface IdleState {
  idle_streak: number;
  cpu?: CpuTimes;
  checked_at?: string;
}

export interface IdleObservation {
  uptimeSeconds: number;
  activity: string[];
  cpu: CpuTimes;
}

export type IdleVerdict =
  | { verdict: 'grace'; state: IdleState }
  | { verdict: 'active'; reasons: string[]; state: IdleState }
  | { verdict: 'idle'; streak: number; state: IdleState }
  | { verdict: 'shutdown'; streak: number; state: IdleState };

/** Pure: what one check concludes, given the previous state and what the probes saw. */
export function decideIdle(
  config: IdleConfig,
  previous: IdleState,
  seen: IdleObservation,
  at: Date,
): IdleVerdict {
  const checked_at = utcSeconds(at);
  const reasons = [...seen.activity];
  if (previous.cpu) {
    const total = seen.cpu.total - previous.cpu.total;
    const busy = seen.cpu.busy - previous.cpu.busy;
    const percent = total > 0 ? (100 * busy) / total : 0;
    if (percent >= config.cpu_threshold_percent) reasons.push(`cpu ${percent.toFixed(1)}%`);
  }
  if (seen.uptimeSeconds < config.boot_grace_seconds) {
    return { verdict: 'grace', state: { idle_streak: 0, cpu: seen.cpu, checked_at } };
  }
  if (reasons.length > 0)
    return { verdict: 'active', reasons, state: { idle_streak: 0, cpu: seen.cpu, checked_at } };
  const streak = previous.idle_streak + 1;
  const state = { idle_streak: streak, cpu: seen.cpu, checked_at };
  return streak >= config.idle_checks_before_shutdown
    ? { verdict: 'shutdown', streak, state }
    : { verdict: 'idle', streak, state };
}

async function readState(path: string): Promise<IdleState> {
  try {
    const raw = JSON.parse(await readFile(path, 'utf8')) as Partial<IdleState>;
    const streak =
      Number.isInteger(raw.idle_streak) && (raw.idle_streak as number) >= 0 ? (raw.idle_streak as number) : 0;
    const cpu =
      raw.cpu && Number.isFinite(raw.cpu.busy) && Number.isFinite(raw.cpu.total)
        ? { busy: raw.cpu.busy, total: raw.cpu.total }
        : undefined;
    return { idle_streak: streak, cpu };
  } catch {
    // Missing or damaged: start a fresh streak rather than shutting down on garbage.
    return { idle_streak: 0 };
  }
}

async function writeState(path: string, state: IdleState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(state)}\n`);
  await rename(temp, path);
}

export interface IdleDeps {
  config: IdleConfig;
  clock: Pick<AgentClock, 'now'>;
  log: AgentLog;
  probes: IdleProbes;
  runner: CommandRunner;
  processes: Pick<ProcessControl, 'isAlive' | 'pid'>;
}

export type IdleCheckResult = IdleVerdict['verdict'] | 'skipped';

/** One idle check: probe, decide, remember, and shut down after N idle checks in a row. */
export async function runIdleCheck(deps: IdleDeps): Promise<IdleCheckResult> {
  const lock = await acquireLock(deps.config.lock_file, deps.processes);
  if (!lock.acquired) {
    deps.log.info(`another idle check (process ${lock.holder}) is running; skipping this one`);
    return 'skipped';
  }
  try {
    const previous = await readState(deps.config.state_file);
    const [uptimeSeconds, sessions, multiplexers, accelerators, cpu] = await Promise.all([
      deps.probes.uptimeSeconds(),
      deps.probes.sessions(),
      deps.probes.multiplexers(),
      deps.probes.acceleratorProcesses(),
      deps.probes.cpuTimes(),
    ]);
    const verdict = decideIdle(
      deps.config,
      previous,
      { uptimeSeconds, activity: [...sessions, ...multiplexers, ...accelerators], cpu },
      deps.clock.now(),
    );
    await writeState(deps.config.state_file, verdict.state);
    switch (verdict.verdict) {
      case 'grace':
        deps.log.info(`idle check: in boot grace period (up ${Math.round(uptimeSeconds)} s)`);
        break;
      case 'active':
        deps.log.info(`idle check: active (${verdict.reasons.join(', ')})`);
        break;
      case 'idle':
        deps.log.info(`idle check: idle ${verdict.streak}/${deps.config.idle_checks_before_shutdown}`);
        break;
      case 'shutdown': {
        deps.log.info(`idle check: idle ${verdict.streak} checks in a row; shutting down`);
        const result = await deps.runner.run(deps.config.shutdown_command);
        if (result.exitCode !== 0)
          deps.log.error(`shutdown command ended with ${result.exitCode ?? result.signal}`);
        break;
      }
    }
    return verdict.verdict;
  } catch (error) {
    deps.log.error(`idle check failed: ${describe(error)}`);
    throw error;
  } finally {
    await lock.release();
  }
}
