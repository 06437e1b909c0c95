import { closeSync, openSync, readSync } from 'node:fs';
import { isErrnoException } from '../errors.js';
import { emptyStat, type ProcStat, parseStat } from './proc-parse.js';
import type { ProcTable } from './proc-table.js';

/** One process's /proc/<pid>/stat, kept open, with the figures of its last read. */
interface KeptStat {
  readonly fd: number;
  readonly stat: ProcStat;
  /** The line as last read: a read that gives the same bytes is not parsed (a sleeper's never moves). */
  bytes: Buffer;
  length: number;
  /** Reads in a row that found the same figures. */
  idle: number;
  /** The pass from which it is read again. */
  due: number;
  /** The pass it was last read in. */
  lastRead: number;
  /** Passes between its last read and the one before (what its last tick delta is spread over). */
  span: number;
  /** The host's last pid as of its last read: its children are looked at only if one came since. */
  lastPid: number;
}

function isGoneOrForbidden(error: unknown): boolean {
  return isErrnoException(error) && ['ENOENT', 'ESRCH', 'EACCES', 'EPERM'].includes(error.code ?? '');
}

const NO_BYTES = Buffer.alloc(0);

/**
 * The stat files of the processes being followed, kept open: re-reading an open file at offset 0
 * gives fresh figures with one syscall instead of three, and the descriptor stays bound to its
 * process, so a reused pid reads ESRCH. A process whose figures did not change for a few reads in a
 * row (a sleeper: no tick, no page fault, same parent) is read less often, up to every `maxSkip` passes;
 * until then the last figures stand for it. One that ran is read every pass again. An idle process
 * cannot grow or use CPU without running, so what this misses is only how soon a sleeper that
 * wakes is seen: within `maxSkip` passes (`idleSkip`: up to twice that with hundreds of sleepers).
 *
 * Which files are due in a pass is kept in a ring of `2 * maxSkip + 1` buckets of pids, so that a pass
 * reads the due ones without walking the others (`readDue`); only a pass that saw a change walks
 * them all, to fill the process table (`readAll`).
 */
export class StatFiles {
  readonly #files = new Map<number, KeptStat>();
  readonly #scratch = emptyStat();
  /** Bucket `p % length`: pids due in pass p (stale entries — read since, or released — are skipped). */
  readonly #due: Int32Array[];
  readonly #dueCount: Int32Array;
  /** The pass `begin` last set up, and whether its due files were read. */
  #pass = -1;
  #dueRead = false;
  #table: ProcTable | null = null;
  #changed = false;
  /** Stat reads so far (for tests and the benchmark). */
  reads = 0;
  /** Reads whose bytes were those of the previous read, so not parsed (for tests). */
  sameReads = 0;
  /**
   * Processes of this pass whose figures changed (they ran) while some process was created on the
   * host since their previous read — the ones that may have forked —, and how many ended.
   */
  readonly ran: number[] = [];
  /** The host's last pid (/proc/loadavg), set by the caller before each pass. */
  lastPid = -1;
  ended = 0;

  /** Most passes between two reads of an idle process: `maxSkip`, up to twice it in a big project. */
  readonly #longestSkip: number;

  constructor(
    private readonly buffer: Buffer,
    /** An idle process is read at least every this many passes (in a big project, twice as many). @default 8 */
    private readonly maxSkip = 8,
    /**
     * Idle files a pass reads, about, that the skip may grow to keep to (up to `2 * maxSkip`): with
     * 500 sleepers, reading 1/8 of them each pass was a third of an idle supervisor's time. @default 32
     */
    private readonly idleReadsPerPass = 32,
  ) {
    this.#longestSkip = 2 * maxSkip;
    this.#due = Array.from({ length: this.#longestSkip + 1 }, () => new Int32Array(16));
    this.#dueCount = new Int32Array(this.#longestSkip + 1);
  }

  /** The skip an idle process reaches now: `maxSkip`, more when that would read more than `idleReadsPerPass` files a pass. */
  get idleSkip(): number {
    const wanted = Math.ceil(this.#files.size / this.idleReadsPerPass);
    return Math.min(this.#longestSkip, Math.max(this.maxSkip, wanted));
  }

  get size(): number {
    return this.#files.size;
  }

  has(pid: number): boolean {
    return this.#files.has(pid);
  }

  /**
   * Starts pass `pass` (once: a second call for the same pass keeps what was read): takes the bucket
   * of the files due in it, and clears what the last pass found.
   */
  begin(pass: number): void {
    if (pass === this.#pass) return;
    this.#pass = pass;
    this.#dueRead = false;
    this.#changed = false;
    this.ran.length = 0;
    this.ended = 0;
  }

  /**
   * Reads the files due in the pass `begin` started, and only those; whether anything changed (a
   * figure read differs, or a process ended). Called again in the same pass, reads nothing more.
   */
  readDue(): boolean {
    if (this.#dueRead) return this.#changed;
    this.#dueRead = true;
    const pass = this.#pass;
    const slot = pass % this.#due.length;
    const pids = this.#due[slot] ?? new Int32Array(0);
    const count = this.#dueCount[slot] ?? 0;
    // Reading schedules into other buckets only (a skip is 1 to 2 * maxSkip passes), never this one.
    this.#dueCount[slot] = 0;
    for (let index = 0; index < count; index += 1) {
      const pid = pids[index] ?? 0;
      const kept = this.#files.get(pid);
      if (kept === undefined || kept.due !== pass || kept.lastRead >= pass) continue;
      this.#readScheduled(kept, pid, pass);
    }
    return this.#changed;
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
      kept = {
        fd,
        stat: emptyStat(),
        bytes: NO_BYTES,
        length: -1,
        idle: 0,
        due: pass + 1,
        lastRead: pass - 1,
        span: 1,
        lastPid: this.lastPid,
      };
      this.#files.set(pid, kept);
      if (!this.#readKept(kept, pid, pass)) {
        this.release(pid);
        return false;
      }
    } else if (!this.#readKept(kept, pid, pass)) {
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
    this.begin(pass);
    this.readDue();
    this.#table = table;
    this.#files.forEach(this.#addOne);
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
    this.#dueCount.fill(0);
  }

  /** One process of `readAll` (a bound callback: `Map#forEach` allocates no iterator). */
  readonly #addOne = (kept: KeptStat): void => {
    // Read this pass: with the span of that read; otherwise its last figures stand (span 0).
    this.#table?.add(kept.stat, kept.lastRead === this.#pass ? kept.span : 0);
  };

  /** A due file of `readDue`: read; one that ended is released. */
  #readScheduled(kept: KeptStat, pid: number, pass: number): void {
    const created = kept.lastPid !== this.lastPid;
    if (!this.#readKept(kept, pid, pass)) {
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
  }

  /** Reads into the kept figures and updates the idle schedule; false when the process is gone. */
  #readKept(kept: KeptStat, pid: number, pass: number): boolean {
    const buffer = this.buffer;
    let length: number;
    try {
      length = readSync(kept.fd, buffer, 0, buffer.length, 0);
    } catch (error) {
      if (isGoneOrForbidden(error)) return false;
      throw error;
    }
    this.reads += 1;
    if (length <= 0) return false;
    let same: boolean;
    if (length === kept.length && buffer.compare(kept.bytes, 0, length, 0, length) === 0) {
      this.sameReads += 1;
      same = kept.lastRead < pass;
    } else {
      const scratch = this.#scratch;
      if (!parseStat(buffer, length, scratch)) return false;
      const stat = kept.stat;
      same =
        kept.length !== -1 &&
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
      if (kept.bytes.length < length) kept.bytes = Buffer.allocUnsafe(Math.max(256, length + 32));
      buffer.copy(kept.bytes, 0, 0, length);
      kept.length = length;
    }
    // A first read is a change; so is any figure that moved.
    kept.idle = same ? kept.idle + 1 : 0;
    // Read every pass while it changes; after two quiet reads, every 2, 4, … `idleSkip` passes.
    const skip = kept.idle < 2 ? 1 : Math.min(this.idleSkip, 2 ** (kept.idle - 1));
    kept.span = Math.max(1, pass - kept.lastRead);
    kept.due = pass + skip;
    kept.lastRead = pass;
    kept.lastPid = this.lastPid;
    this.#schedule(pid, kept.due);
    return true;
  }

  #schedule(pid: number, due: number): void {
    const slot = due % this.#due.length;
    let pids = this.#due[slot] ?? new Int32Array(16);
    const count = this.#dueCount[slot] ?? 0;
    if (count === pids.length) {
      const grown = new Int32Array(pids.length * 2);
      grown.set(pids);
      pids = grown;
      this.#due[slot] = pids;
    }
    pids[count] = pid;
    this.#dueCount[slot] = count + 1;
  }
}
