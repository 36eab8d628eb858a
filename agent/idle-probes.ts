/** The real idle probes: /proc, ps, nvidia-smi and neuron-ls. Tools that are not installed count as "none". */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/**
 * PIDs in the PID column of `neuron-ls --wide`'s table (the text format; its JSON format is changing).
 * Since Neuron 2.x on Trn2, plain `neuron-ls` shows no PID column: only `--wide` or `--show-all-procs`
 * do, and the latter also lists neuron-ls and neuron-monitor themselves (Neuron LS User Guide).
 */
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

/** A process and where its open file descriptors point (`/proc/<pid>/fd/*` link targets). */
export interface OpenFiles {
  pid: number;
  targets: readonly string[];
}

/**
 * Processes holding a Neuron device (`/dev/neuronN`) open: the Neuron runtime opens the devices of the
 * NeuronCores it uses for as long as a model is loaded, in a container too (the host's /proc sees
 * container processes). Works where neuron-ls is not installed.
 */
export function neuronDeviceHolders(processes: readonly OpenFiles[]): string[] {
  return processes
    .filter((p) => p.targets.some((t) => /^\/dev\/neuron\d+$/.test(t)))
    .map((p) => `neuron process ${p.pid}`);
}

/** Every other process's open files, skipping those that vanish or deny access while being read. */
export async function procOpenFiles(procRoot = '/proc', self = process.pid): Promise<OpenFiles[]> {
  const pids = (await readdir(procRoot)).filter((e) => /^\d+$/.test(e)).map(Number);
  const out: OpenFiles[] = [];
  for (const pid of pids) {
    if (pid === self) continue;
    try {
      const fdDir = `${procRoot}/${pid}/fd`;
      const fds = await readdir(fdDir);
      const targets = await Promise.all(fds.map((fd) => readlink(`${fdDir}/${fd}`).catch(() => '')));
      out.push({ pid, targets });
    } catch {
      // Exited meanwhile (ENOENT) or not ours to read (EACCES): nothing to learn from it.
    }
  }
  return out;
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
  openFiles: () => Promise<OpenFiles[]> = () => procOpenFiles(),
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
      ...new Set([
        ...parseNeuronLs(await orNothing(() => run('neuron-ls', ['--wide']))),
        ...neuronDeviceHolders(await openFiles()),
      ]),
    ],
    cpuTimes: async () => parseProcStat(await read('/proc/stat')),
  };
}
