import { closeSync, openSync, readSync } from 'node:fs';
import { isErrnoException } from '../errors.js';
import { emptyStat, type ProcStat, parseStat } from './proc-parse.js';
import type { ProcTable } from './proc-table.js';

/** One process's /proc/<pid>/stat, kept open, with the figures of its last read. */
interface KeptStat {
  readonly fd: number;
  readonly stat: ProcStat;
  /** Reads in a row that found the same figures. */
  idle: number;
  /** The pass from which it is read again. */
  due: number;
  /** The pass it was last read in. */
  lastRead: number;
  /** The host's last pid as of its last read: its children are looked at only if one came since. */
  lastPid: number;
}

function isGoneOrForbidden(error: unknown): boolean {
  return isErrnoException(error) && ['ENOENT', 'ESRCH', 'EACCES', 'EPERM'].includes(error.code ?? '');
}

/**
 * The stat files of the processes being followed, kept open: re-reading an open file at offset 0
 * gives fresh figures with one syscall instead of three, and the descriptor stays bound to its
 * process, so a reused pid reads ESRCH. A process whose figures did not change for a few reads in a
 * row (a sleeper: no tick, no page fault, same parent) is read less often, up to every `maxSkip` passes;
 * until then the last figures stand for it. One that ran is read every pass again. An idle process
 * cannot grow or use CPU without running, so what this misses is only how soon a sleeper that
 * wakes is seen: within `maxSkip` passes.
 */
export class StatFiles {
  readonly #files = new Map<number, KeptStat>();
  readonly #scratch = emptyStat();
  #table: ProcTable | null = null;
  #pass = 0;
  #changed = false;
  /** Stat reads so far (for tests and the benchmark). */
  reads = 0;
  /**
   * Processes of the last `readAll` whose figures changed (they ran) while some process was created
   * on the host since their previous read — the ones that may have forked —, and how many ended.
   */
  readonly ran: number[] = [];
  /** The host's last pid (/proc/loadavg), set by the caller before each pass. */
  lastPid = -1;
  ended = 0;

  constructor(
    private readonly buffer: Buffer,
    /** An idle process is read at least every this many passes. @default 8 */
    private readonly maxSkip = 8,
  ) {}

  get size(): number {
    return this.#files.size;
  }

  has(pid: number): boolean {
    return this.#files.has(pid);
  }

  /**
   * Reads the process's stat (opening the file on first use) into `out`; false when it is gone,
   * which closes the file. `pass` is the caller's pass number, for the idle schedule.
   */
  read(pid: number, path: string, pass: number, out: ProcStat): boolean {
    let kept = this.#files.get(pid);
    if (kept === undefined) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        if (isGoneOrForbidden(error)) return false;
        throw error;
      }
      kept = { fd, stat: emptyStat(), idle: 0, due: pass + 1, lastRead: pass - 1, lastPid: this.lastPid };
      this.#files.set(pid, kept);
      if (!this.#readKept(kept, pass)) {
        this.release(pid);
        return false;
      }
    } else if (!this.#readKept(kept, pass)) {
      this.release(pid);
      return false;
    }
    Object.assign(out, kept.stat);
    return true;
  }

  /** Passes since the last read of `pid` (1 in consecutive passes, and for a process not followed). */
  spanOf(pid: number, pass: number): number {
    const kept = this.#files.get(pid);
    return kept === undefined ? 1 : Math.max(1, pass - kept.lastRead);
  }

  /**
   * Adds every followed process to `table`: those due are read (one that ended drops out), the
   * others with their last figures. Returns whether anything changed: a figure read differs, or a
   * process ended.
   */
  readAll(table: ProcTable, pass: number): boolean {
    this.#table = table;
    this.#pass = pass;
    this.#changed = false;
    this.ran.length = 0;
    this.ended = 0;
    this.#files.forEach(this.#readOne);
    this.#table = null;
    return this.#changed;
  }

  /** Threads of a followed process as last read (1 for one not followed). */
  threadsOf(pid: number): number {
    return this.#files.get(pid)?.stat.threads ?? 1;
  }

  /** Stops following a process (its file is closed). */
  release(pid: number): void {
    const kept = this.#files.get(pid);
    if (kept === undefined) return;
    this.#files.delete(pid);
    closeSync(kept.fd);
  }

  /** Closes the files of processes not in `table` (after a listing of /proc). */
  releaseMissing(table: ProcTable): void {
    for (const [pid, kept] of this.#files) {
      if (table.rowOf.has(pid)) continue;
      this.#files.delete(pid);
      closeSync(kept.fd);
    }
  }

  close(): void {
    for (const kept of this.#files.values()) closeSync(kept.fd);
    this.#files.clear();
  }

  /** One process of `readAll` (a bound callback: `Map#forEach` allocates no iterator; deleting is allowed). */
  readonly #readOne = (kept: KeptStat, pid: number): void => {
    const table = this.#table;
    if (table === null) return;
    const pass = this.#pass;
    if (kept.due > pass) {
      table.add(kept.stat, 0);
      return;
    }
    const lastRead = kept.lastRead;
    const created = kept.lastPid !== this.lastPid;
    if (!this.#readKept(kept, pass)) {
      // Ended: its pid cannot be in use again without a process having been created.
      this.release(pid);
      this.#changed = true;
      this.ended += 1;
      return;
    }
    if (kept.idle === 0) {
      this.#changed = true;
      if (created) this.ran.push(pid);
    }
    table.add(kept.stat, Math.max(1, pass - lastRead));
  };

  /** Reads into the kept figures and updates the idle schedule; false when the process is gone. */
  #readKept(kept: KeptStat, pass: number): boolean {
    const scratch = this.#scratch;
    let length: number;
    try {
      length = readSync(kept.fd, this.buffer, 0, this.buffer.length, 0);
    } catch (error) {
      if (isGoneOrForbidden(error)) return false;
      throw error;
    }
    this.reads += 1;
    if (length <= 0 || !parseStat(this.buffer, length, scratch)) return false;
    const stat = kept.stat;
    const same =
      kept.lastRead < pass &&
      scratch.ticks === stat.ticks &&
      scratch.rssPages === stat.rssPages &&
      scratch.faults === stat.faults &&
      scratch.state === stat.state &&
      scratch.ppid === stat.ppid &&
      scratch.pgrp === stat.pgrp &&
      scratch.session === stat.session &&
      scratch.threads === stat.threads;
    Object.assign(stat, scratch);
    // A first read is a change; so is any figure that moved.
    kept.idle = same ? kept.idle + 1 : 0;
    // Read every pass while it changes; after two quiet reads, every 2, 4, … `maxSkip` passes.
    const skip = kept.idle < 2 ? 1 : Math.min(this.maxSkip, 2 ** (kept.idle - 1));
    kept.due = pass + skip;
    kept.lastRead = pass;
    kept.lastPid = this.lastPid;
    return true;
  }
}
