import { readdirSync, readFileSync } from 'node:fs';

/** Whether the pid runs. A zombie does not count: PID 1 here may never reap orphans. */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    // ESRCH: the process ended between the open and the read.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return false;
    throw error;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Pids of running processes (not this one) with an environment variable for which `matches` holds. */
export function pidsWithEnvironment(matches: (variable: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ESRCH') continue;
      throw error;
    }
    if (environ.split('\0').some(matches) && isRunning(pid)) pids.push(pid);
  }
  return pids;
}

/** Pids of running processes whose OVRSEER_PROCESS marker starts with `<project>/`. */
export function markedPids(project: string): number[] {
  const needle = `OVRSEER_PROCESS=${project}/`;
  return pidsWithEnvironment((variable) => variable.startsWith(needle));
}

/** Safety net for afterEach: SIGKILLs whatever a test of this project left running. */
export function killMarked(project: string): number[] {
  const pids = markedPids(project);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return pids;
}

/** All pids printed by fixtures as `... pid 1234`. */
export function pidsIn(lines: readonly string[]): number[] {
  return lines.flatMap((line) => [...line.matchAll(/pid (\d+)/g)].map((match) => Number(match[1])));
}
