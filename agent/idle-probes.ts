/** The real idle probes: /proc, ps, nvidia-smi and neuron-ls. Tools that are not installed count as "none". */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { CpuTimes, IdleProbes } from './idle.ts';
import type { OutputRunner } from './runner.ts';

export const execOutput: OutputRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 20_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });

/** `ps -eo comm=,args=` lines that show someone at work: SSH logins, SSM sessions, tmux/screen. */
export function parseProcesses(psOutput: string): { sessions: string[]; multiplexers: string[] } {
  const sessions: string[] = [];
  const multiplexers: string[] = [];
  for (const line of psOutput.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const [comm = '', ...rest] = trimmed.split(/\s+/);
    const args = rest.join(' ');
    // "sshd: alice@pts/0" / "sshd-session: alice@notty": a logged-in user (not the listening daemon).
    if (/^sshd(-session)?:\s+\S+@/.test(args))
      sessions.push(`ssh ${args.replace(/^sshd(-session)?:\s+/, '')}`);
    else if (comm.startsWith('ssm-session-wor') || args.includes('ssm-session-worker'))
      sessions.push('ssm session');
    else if (comm === 'tmux' || comm.startsWith('tmux:')) multiplexers.push('tmux');
    else if (comm === 'screen' || comm === 'SCREEN') multiplexers.push('screen');
  }
  return { sessions, multiplexers: [...new Set(multiplexers)] };
}

/** Non-empty lines of `nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader`. */
export function parseNvidiaApps(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('No running'))
    .map((l) => `gpu process ${l}`);
}

/** PIDs in the PID column of `neuron-ls`'s table (the text format; its JSON format is changing). */
export function parseNeuronLs(output: string): string[] {
  const rows = output.split('\n').filter((l) => l.trim().startsWith('|'));
  const cells = (row: string) =>
    row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = rows.find((r) => cells(r).includes('PID'));
  if (!header) return [];
  const column = cells(header).indexOf('PID');
  const pids = rows.map((r) => cells(r)[column] ?? '').filter((c) => /^\d+$/.test(c));
  return [...new Set(pids)].map((pid) => `neuron process ${pid}`);
}

/** `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal ... */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu" line');
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

async function orNothing(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    // Not installed (ENOENT) means no such device; any other failure must not look like "idle".
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export function systemIdleProbes(
  run: OutputRunner = execOutput,
  read = (p: string) => readFile(p, 'utf8'),
): IdleProbes {
  const processes = () => run('ps', ['-eo', 'comm=,args=']).then(parseProcesses);
  return {
    uptimeSeconds: async () => Number.parseFloat((await read('/proc/uptime')).split(' ')[0] ?? '0'),
    sessions: async () => (await processes()).sessions,
    multiplexers: async () => (await processes()).multiplexers,
    acceleratorProcesses: async () => [
      ...parseNvidiaApps(
        await orNothing(() =>
          run('nvidia-smi', ['--query-compute-apps=pid,process_name', '--format=csv,noheader']),
        ),
      ),
      ...parseNeuronLs(await orNothing(() => run('neuron-ls', []))),
    ],
    cpuTimes: async () => parseProcStat(await read('/proc/stat')),
  };
}
