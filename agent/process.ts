/** The agent's view of other processes: signals and liveness, injected so tests never kill anything real. */
export interface ProcessControl {
  /** Sends `signal`; a process that is already gone is not an error. */
  kill(pid: number, signal: NodeJS.Signals): void;
  isAlive(pid: number): boolean;
  /** This process's id (written into lock files). */
  readonly pid: number;
}

export const systemProcessControl: ProcessControl = {
  pid: process.pid,
  kill: (pid, signal) => {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  },
  isAlive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};
