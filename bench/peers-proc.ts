/** What the peers benchmark reads of the supervisors under test from /proc, and how it waits on their log files. */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { sleep } from './report.js';

/** Wall-clock milliseconds since the epoch with sub-millisecond precision (comparable with `date +%s%N`). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (error) {
    // The process (or thread) ended between the listing and the read.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw error;
  }
}

/**
 * CPU time of all the threads of a process, in nanoseconds (first field of each task's schedstat).
 * utime/stime tick at 10 ms, which is all an idle supervisor spends in seconds; schedstat counts ns.
 */
export function cpuNs(pid: number): number {
  let total = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Number.NaN;
    throw error;
  }
  for (const task of tasks) {
    const schedstat = readOrNull(`/proc/${pid}/task/${task}/schedstat`);
    if (schedstat !== null) total += Number(schedstat.split(' ')[0]);
  }
  return total;
}

/** Bytes the process has passed to write(2) and friends (all its threads): `wchar` of /proc/<pid>/io. */
export function writtenBytes(pid: number): number {
  const io = readOrNull(`/proc/${pid}/io`);
  return Number(/wchar: (\d+)/.exec(io ?? '')?.[1] ?? Number.NaN);
}

/** VmRSS in bytes; 0 once the process is gone. */
export function rssBytes(pid: number): number {
  const status = readOrNull(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status ?? '')?.[1] ?? 0) * 1024;
}

/** Whether the pid runs; a zombie does not count (PID 1 here may never reap orphans). */
export function isAlive(pid: number): boolean {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function procPids(): number[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

/**
 * Counts processes that run exactly `argv` (the sleepers carry a number unique to the run) and
 * were started after the counter was made. Each read of a /proc file costs ~0.1 ms on this box,
 * and a scan of every cmdline every 5 ms would take a share of the 2 cores the supervisors under
 * test are measured on; so only new pids are read, and a matched one is not read again. A pid that
 * leaves the /proc listing is forgotten (pid_max is 32768 here: it may come back as a new process).
 */
export function argvCounter(argv: readonly string[]): () => number {
  const wanted = `${argv.join('\0')}\0`;
  const before = new Set(procPids());
  const matched = new Set<number>();
  return () => {
    const current = new Set(procPids());
    for (const pid of before) if (!current.has(pid)) before.delete(pid);
    for (const pid of matched) if (!current.has(pid)) matched.delete(pid);
    for (const pid of current) {
      if (before.has(pid) || matched.has(pid)) continue;
      if (readOrNull(`/proc/${pid}/cmdline`) === wanted) matched.add(pid);
    }
    return matched.size;
  };
}

/** Live processes whose environment or command line holds `marker` (the benchmark's temp directory). */
export function pidsWithMarker(marker: string): number[] {
  return procPids().filter((pid) => {
    const env = readOrNull(`/proc/${pid}/environ`);
    const cmdline = readOrNull(`/proc/${pid}/cmdline`);
    return (env?.includes(marker) === true || cmdline?.includes(marker) === true) && isAlive(pid);
  });
}

/** SIGKILLs what `pidsWithMarker` finds; returns the pids it found. */
export function killMarker(marker: string): number[] {
  const pids = pidsWithMarker(marker);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return pids;
}

/** The last bytes of a file (up to `length`). */
function tail(path: string, size: number, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, length));
    const read = readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('latin1', 0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Polls a log file about every millisecond until a line holding the number `last` is in its tail
 * (a supervisor may append a line of its own after the program's last). Returns that moment, or —
 * when the line never comes (a supervisor that loses lines) — null once the file has not grown for
 * `quietMs`.
 */
export async function waitForLastLine(
  path: string,
  last: number,
  options: { timeoutMs: number; quietMs: number },
  /** Throws when the command that should produce the lines failed. */
  check: () => void = () => undefined,
): Promise<number | null> {
  const pattern = new RegExp(`(?<![\\d.:-])${last}(?!\\d)`);
  const deadline = Date.now() + options.timeoutMs;
  let seen = -1;
  let grew = Date.now();
  for (;;) {
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size !== seen) {
      const moment = wallMs();
      seen = size;
      grew = Date.now();
      if (size > 0 && pattern.test(tail(path, size, 4096))) return moment;
    } else if (size > 0 && Date.now() - grew > options.quietMs) return null;
    check();
    if (Date.now() > deadline)
      throw new Error(`${path}: no line "${last}" after ${options.timeoutMs} ms (size ${size})`);
    await sleep(1);
  }
}

/**
 * How many of the numbers 1..`count` appear as the end of a line (a prefix, if any, is skipped), each
 * counted once: what `seq 1 count` printed and the file kept.
 */
export function distinctNumberLines(paths: readonly string[], count: number): number {
  const seen = new Uint8Array(count + 1);
  let distinct = 0;
  for (const path of paths) {
    const text = readOrNull(path);
    if (text === null) continue;
    for (const match of text.matchAll(/(\d+)$/gm)) {
      const value = Number(match[1]);
      if (value >= 1 && value <= count && seen[value] === 0) {
        seen[value] = 1;
        distinct += 1;
      }
    }
  }
  return distinct;
}

/** Samples VmRSS every `everyMs` until stopped; the peak it saw. */
export function rssSampler(pid: number, everyMs = 10): { stop: () => number } {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid));
    },
  };
}
