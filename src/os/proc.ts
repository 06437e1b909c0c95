import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isErrnoException } from '../errors.js';
import { emptyStat, type ProcStat, parseLastPid, parseStat, parseUptime } from './proc-parse.js';
import type { ProcTable } from './proc-table.js';
import { StatFiles } from './stat-files.js';

export {
  CLOCK_TICKS,
  emptyStat,
  environVariable,
  type ProcStat,
  parseLastPid,
  parseStat,
  parseUptime,
} from './proc-parse.js';

/** A process that ended (or never was) between readdir and read: an expected race, not an error. */
export function isGone(error: unknown): boolean {
  return isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ESRCH');
}

/** Another user's process (privilege dropping, or hardened /proc): not one of ours to read. */
export function isForbidden(error: unknown): boolean {
  return isErrnoException(error) && (error.code === 'EACCES' || error.code === 'EPERM');
}

/** A file kept open between reads; `fd` is -1 until it is opened. */
interface KeptFile {
  readonly path: string;
  fd: number;
}

/**
 * Reads `/proc` (or a folder laid out like it, for tests). Files are read with sync calls into one
 * reused buffer: a stat file is one open, one read, one close, and no allocation but the path.
 */
export class ProcReader {
  readonly #buffer = Buffer.allocUnsafe(4096);
  #large = Buffer.allocUnsafe(64 * 1024);
  readonly #stat = emptyStat();
  /** Open /proc/<pid>/stat files of the processes followed between passes (see StatFiles). */
  readonly #files: StatFiles;
  /** Whether this kernel reports the fd count as the size of /proc/<pid>/fd (Linux 6.2+). */
  #fdSizeIsCount: boolean | null = null;

  constructor(
    readonly root = '/proc',
    /** Most stat files kept open (each is a descriptor of the supervisor). */
    private readonly maxOpen = 1024,
    /** An idle process is read at least every this many passes (see StatFiles). @default 8 */
    idleReadEvery = 8,
    /** After a followed process ended, /proc is listed at most every this many passes. @default 5 */
    private readonly sweepEvery = 5,
  ) {
    this.#loadavg = { path: `${root}/loadavg`, fd: -1 };
    this.#uptime = { path: `${root}/uptime`, fd: -1 };
    this.#files = new StatFiles(this.#buffer, Math.max(1, idleReadEvery));
  }

  /**
   * The last pid handed out as of the previous pass, from /proc/loadavg: while it has not moved, no
   * process (nor thread) was created anywhere on the host, and the trees can only have lost members.
   */
  #listedLastPid = -1;
  /** /proc/loadavg and /proc/uptime, opened on first use and re-read at offset 0 every pass. */
  readonly #loadavg: KeptFile;
  readonly #uptime: KeptFile;
  /** The supervisor's own children list as last read: most passes it is the same, and is not parsed. */
  #selfChildren = Buffer.alloc(0);
  /** Its children file, kept open, and the buffer it is read into (thousands of pids need more than 4 KiB). */
  #selfChildrenFile: KeptFile | null = null;
  #childrenBuffer = Buffer.allocUnsafe(8192);
  /** `#selfChildren` changed and was not parsed yet. */
  #selfChildrenNew = false;
  /** A followed process ended: the next pass lists /proc (its children may have been reparented). */
  #listNext = false;
  #passesSinceListing = 0;
  readonly #pids: number[] = [];

  /** Whether the last `readAll` saw anything change: a figure, a process that ended or appeared. */
  changed = true;
  /** Listings of /proc and children lists read so far (for tests and the benchmark). */
  listings = 0;
  childrenReads = 0;

  /** Stat reads so far (for tests and the benchmark). */
  get statReads(): number {
    return this.#files.reads;
  }

  /** Stat reads that gave the bytes of the file's last read, so were not parsed (for tests). */
  get sameStatReads(): number {
    return this.#files.sameReads;
  }

  /**
   * Fills `table` with every process (one pass); `skip` (the supervisor itself) is left out, and so
   * are the pids in `foreign` — known not to be ours — whose entries are stamped with `pass` instead,
   * so the caller can forget the ones that are gone.
   *
   * With `reuse`, the pass takes only the processes followed since the previous one (through their
   * open stat files, idle ones at a slower pace; one that ended drops out) and, when a process was
   * created somewhere since, the new children of those that ran and of `skip` (the supervisor: its
   * children are the leaders, and the orphans reparented to it as subreaper) — never the host's other
   * processes. `reuse` lists pids that must be among them (the trees' leaders), or the whole listing
   * is done; so it is in the pass after a followed process ended (a double fork's middle process:
   * without a subreaper its child went to init), at most every `sweepEvery` passes. Such a pass
   * leaves `foreign` as it is (nothing was listed, so nothing is known to be gone) and returns false;
   * a pass that listed /proc returns true.
   */
  readAll(
    table: ProcTable,
    skip = -1,
    foreign: Map<number, number> | null = null,
    pass = 0,
    reuse: readonly { pid: number }[] | null = null,
  ): boolean {
    table.clear();
    this.#files.begin(pass);
    // A pass `probe` began has read the last pid already.
    const lastPid = this.#probed === pass ? this.#probedLastPid : this.#readLastPid();
    this.#files.lastPid = lastPid;
    this.#passesSinceListing += 1;
    const sweepDue = this.#listNext && this.#passesSinceListing >= this.sweepEvery;
    if (
      reuse !== null &&
      lastPid !== -1 &&
      this.#listedLastPid !== -1 &&
      !sweepDue &&
      this.#files.size < this.maxOpen &&
      this.#allOpen(reuse)
    ) {
      const changed = this.#files.readAll(table, pass);
      if (this.#files.ended > 0) this.#listNext = true;
      const created = lastPid !== this.#listedLastPid;
      this.#listedLastPid = lastPid;
      if (this.#files.ended > 0 || this.#files.ran.length > 0) this.forked = true;
      const found =
        (created || this.#files.ran.length > 0) &&
        this.#readNewChildren(table, created ? skip : -1, foreign, pass);
      this.changed = changed || found;
      return false;
    }
    // Read before listing: a process created during the listing is found by the next pass.
    this.#listedLastPid = lastPid;
    this.#listNext = false;
    this.#passesSinceListing = 0;
    this.listings += 1;
    this.changed = true;
    for (const entry of readdirSync(this.root)) {
      const first = entry.charCodeAt(0);
      if (first < 48 || first > 57) continue;
      const pid = Number(entry);
      if (pid === skip) continue;
      if (foreign?.has(pid)) {
        foreign.set(pid, pass);
        continue;
      }
      const span = this.#files.spanOf(pid, pass);
      if (this.#readFollowed(pid, entry, pass)) table.add(this.#stat, span);
    }
    // Files of processes that ended, or that are foreign now, are closed.
    this.#files.releaseMissing(table);
    return true;
  }

  /**
   * The cheap start of pass `pass` between listings: reads the last pid, the stat files due in this
   * pass (not the others: see StatFiles), and — only when a process was created somewhere since the
   * last pass — the supervisor's (`self`) children list, compared as bytes with the last one. True
   * when that proves the pass would find nothing new (no figure read moved, nothing ended, no child
   * appeared): the caller ends the pass there, with the last figures, and nothing was allocated.
   * False when it cannot tell (a listing is due, something changed): the caller goes on with
   * `readAll(…, pass, reuse)`, which does not read again what the probe read.
   */
  probe(self: number, pass: number): boolean {
    if (this.#listedLastPid === -1 || this.#files.size >= this.maxOpen) return false;
    if (this.#listNext && this.#passesSinceListing + 1 >= this.sweepEvery) return false;
    const lastPid = this.#readLastPid();
    this.#probed = pass;
    this.#probedLastPid = lastPid;
    if (lastPid === -1) return false;
    this.#files.begin(pass);
    this.#files.lastPid = lastPid;
    if (this.#files.readDue()) return false;
    const created = lastPid !== this.#listedLastPid;
    if (created && self > 0 && this.#selfChildrenChanged(self)) return false;
    this.#passesSinceListing += 1;
    this.#listedLastPid = lastPid;
    this.changed = false;
    return true;
  }

  /** The pass `probe` last began, and the last pid it read. */
  #probed = -1;
  #probedLastPid = -1;
  /**
   * Whether, since `forked` was last cleared by the caller, a followed process ran while a process
   * was created on the host, or one ended: only then can a pid of ours have appeared that the
   * children lists did not show (a reused pid of a foreign process, a double fork's grandchild).
   * The first pass lists everything, with nothing known to be foreign yet: nothing is owed before it.
   */
  forked = false;

  /** Stops following a process that is not ours (its stat file is closed). */
  release(pid: number): void {
    this.#files.release(pid);
  }

  #allOpen(pids: readonly { pid: number }[]): boolean {
    for (let i = 0; i < pids.length; i += 1) if (!this.#files.has(pids[i]?.pid ?? -1)) return false;
    return true;
  }

  /**
   * Adds the children not followed yet of the processes that ran this pass, and of `self`; whether
   * there was any. A process that forked ran: its figures changed (the fork's copy-on-write faults).
   */
  #readNewChildren(
    table: ProcTable,
    self: number,
    foreign: Map<number, number> | null,
    pass: number,
  ): boolean {
    let found = false;
    const ran = this.#files.ran;
    for (let i = 0; i < ran.length; i += 1) {
      const pid = ran[i] ?? 0;
      if (this.#files.threadsOf(pid) <= 1) {
        if (this.#addChildren(`${this.root}/${pid}/task/${pid}/children`, table, self, foreign, pass))
          found = true;
        continue;
      }
      let tasks: string[];
      try {
        tasks = readdirSync(`${this.root}/${pid}/task`);
      } catch (error) {
        if (isGone(error) || isForbidden(error)) continue;
        throw error;
      }
      for (const task of tasks) {
        if (this.#addChildren(`${this.root}/${pid}/task/${task}/children`, table, self, foreign, pass))
          found = true;
      }
    }
    if (self > 0) {
      this.#selfChildrenChanged(self);
      // Changed since it was last parsed (maybe read by this pass's probe already).
      if (this.#selfChildrenNew) {
        this.#selfChildrenNew = false;
        if (this.#addPids(this.#selfChildren, table, self, foreign, pass)) found = true;
      }
    }
    return found;
  }

  /**
   * Reads the supervisor's children list (orphans go to the subreaper's first live thread: the main
   * one) into `#selfChildren`; whether it differs from the last read.
   */
  #selfChildrenChanged(self: number): boolean {
    this.childrenReads += 1;
    this.#selfChildrenFile ??= { path: `${this.root}/${self}/task/${self}/children`, fd: -1 };
    let length = this.#readKept(this.#selfChildrenFile, this.#childrenBuffer);
    while (length >= this.#childrenBuffer.length) {
      this.#childrenBuffer = Buffer.allocUnsafe(this.#childrenBuffer.length * 2);
      length = this.#readKept(this.#selfChildrenFile, this.#childrenBuffer);
    }
    const size = Math.max(0, length);
    const last = this.#selfChildren;
    if (size === last.length && this.#childrenBuffer.compare(last, 0, size, 0, size) === 0) return false;
    this.#selfChildren = Buffer.from(this.#childrenBuffer.subarray(0, size));
    this.#selfChildrenNew = true;
    return true;
  }

  /** Adds the children listed in a `children` file that are not followed yet. */
  #addChildren(
    path: string,
    table: ProcTable,
    self: number,
    foreign: Map<number, number> | null,
    pass: number,
  ): boolean {
    this.childrenReads += 1;
    const length = this.#readSmall(path);
    return length > 0 && this.#addPids(this.#buffer.subarray(0, length), table, self, foreign, pass);
  }

  /** Adds the pids of a space-separated list not followed yet (the list is parsed before any read). */
  #addPids(
    list: Buffer,
    table: ProcTable,
    self: number,
    foreign: Map<number, number> | null,
    pass: number,
  ): boolean {
    const pids = this.#pids;
    pids.length = 0;
    let value = 0;
    for (let i = 0; i <= list.length; i += 1) {
      const byte = i < list.length ? (list[i] ?? 32) : 32;
      if (byte >= 48 && byte <= 57) {
        value = value * 10 + (byte - 48);
        continue;
      }
      if (value > 0 && value !== self && !this.#files.has(value) && !foreign?.has(value)) pids.push(value);
      value = 0;
    }
    let found = false;
    for (const pid of pids) {
      if (!this.#readFollowed(pid, String(pid), pass)) continue;
      table.add(this.#stat, 1);
      found = true;
    }
    return found;
  }

  /** The fifth field of /proc/loadavg (the pid the kernel handed out last), or -1. */
  #readLastPid(): number {
    const length = this.#readKept(this.#loadavg);
    return length <= 0 ? -1 : parseLastPid(this.#buffer, length);
  }

  /** Closes the files kept open. */
  close(): void {
    this.#files.close();
    for (const file of [this.#loadavg, this.#uptime, this.#selfChildrenFile]) {
      if (file === null) continue;
      if (file.fd !== -1) closeSync(file.fd);
      file.fd = -1;
    }
  }

  /**
   * Reads a small file through a descriptor kept open (opened on first use): a /proc file read
   * again at offset 0 is generated afresh, and the open and close of every pass are saved. Bytes
   * read into the shared buffer; 0 when the file does not exist.
   */
  #readKept(file: KeptFile, buffer: Buffer = this.#buffer): number {
    if (file.fd === -1) {
      try {
        file.fd = openSync(file.path, 'r');
      } catch (error) {
        if (isGone(error) || isForbidden(error)) return 0;
        throw error;
      }
    }
    return readSync(file.fd, buffer, 0, buffer.length, 0);
  }

  /** Reads a process's stat into `#stat`, through a file kept open while there is room for one. */
  #readFollowed(pid: number, entry: string, pass: number): boolean {
    const path = `${this.root}/${entry}/stat`;
    if (!this.#files.has(pid) && this.#files.size >= this.maxOpen) return this.readStatInto(path, this.#stat);
    return this.#files.read(pid, path, pass, this.#stat);
  }

  /** One process's stat, or null when it is gone. */
  readStat(pid: number): ProcStat | null {
    const stat = emptyStat();
    return this.readStatInto(`${this.root}/${pid}/stat`, stat) ? stat : null;
  }

  readStatInto(path: string, out: ProcStat): boolean {
    const length = this.#readSmall(path);
    return length > 0 && parseStat(this.#buffer, length, out);
  }

  /** Seconds since boot: the time base of the tick counters. */
  readUptime(): number {
    return parseUptime(this.#buffer, Math.max(0, this.#readKept(this.#uptime)));
  }

  /**
   * The environment a process started with, or null when it is gone or not ours to read. Read into a
   * buffer reused by every call: the view is valid until the next read through this reader. Scanning every process's environment with `readFile` allocates 64 KiB or
   * more per process (a /proc file has no size to go by), tens of MB in a scan, which the allocator
   * keeps as resident heap long after the buffers are collected.
   */
  readEnvironView(pid: number): Buffer | null {
    let fd: number;
    try {
      fd = openSync(`${this.root}/${pid}/environ`, 'r');
    } catch (error) {
      if (isGone(error) || isForbidden(error)) return null;
      throw error;
    }
    try {
      let length = 0;
      for (;;) {
        const read = readSync(fd, this.#large, length, this.#large.length - length, null);
        if (read === 0) return this.#large.subarray(0, length);
        length += read;
        if (length === this.#large.length) {
          const larger = Buffer.allocUnsafe(this.#large.length * 2);
          this.#large.copy(larger, 0, 0, length);
          this.#large = larger;
        }
      }
    } catch (error) {
      // ESRCH: the process exited between open and read.
      if (isGone(error) || isForbidden(error)) return null;
      throw error;
    } finally {
      closeSync(fd);
    }
  }

  /** Names of the open descriptors of a process (`/proc/<pid>/fd`), or null when unreadable. */
  listFds(pid: number): string[] | null {
    try {
      return readdirSync(`${this.root}/${pid}/fd`);
    } catch (error) {
      if (isGone(error) || isForbidden(error)) return null;
      throw error;
    }
  }

  /**
   * Open descriptors of a process, or null when unreadable. Since Linux 6.2 the size of
   * /proc/<pid>/fd is the count (one stat call); older kernels report 0, and the folder is listed.
   */
  countFds(pid: number): number | null {
    this.#fdSizeIsCount ??= this.root === '/proc' && statSync('/proc/self/fd').size > 0;
    if (!this.#fdSizeIsCount) return this.listFds(pid)?.length ?? null;
    try {
      return statSync(`${this.root}/${pid}/fd`).size;
    } catch (error) {
      if (isGone(error) || isForbidden(error)) return null;
      throw error;
    }
  }

  /**
   * A text file under the root (`net/tcp`), or '' when it does not exist. Read in one call into a
   * buffer big enough for all of it: each read of /proc/net/tcp walks the kernel's socket hash,
   * and readFileSync would read twice (the second to see the end).
   */
  readText(relative: string): string {
    let fd: number;
    try {
      fd = openSync(`${this.root}/${relative}`, 'r');
    } catch (error) {
      if (isGone(error)) return '';
      throw error;
    }
    try {
      for (;;) {
        const length = readSync(fd, this.#large, 0, this.#large.length, 0);
        if (length < this.#large.length) return this.#large.toString('latin1', 0, length);
        this.#large = Buffer.allocUnsafe(this.#large.length * 2);
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Bytes read into the shared buffer; 0 when the file is gone. */
  #readSmall(path: string): number {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if (isGone(error) || isForbidden(error)) return 0;
      throw error;
    }
    try {
      return readSync(fd, this.#buffer, 0, this.#buffer.length, 0);
    } catch (error) {
      // ESRCH: the process exited between open and read.
      if (isGone(error)) return 0;
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The page size of `rss` in stat, found once from our own process: /proc/self/stat counts pages and
 * /proc/self/status kilobytes, so their ratio is the page size (4 KiB on x86, 16 or 64 KiB on some ARM).
 */
export function detectPageSize(reader = new ProcReader()): number {
  try {
    const stat = reader.readStat(process.pid);
    const status = readFileSync(`${reader.root}/self/status`, 'latin1');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    if (stat === null || !(stat.rssPages > 0) || !(kb > 0)) return 4096;
    const ratio = (kb * 1024) / stat.rssPages;
    return [4096, 16384, 65536].reduce((best, size) =>
      Math.abs(Math.log2(size / ratio)) < Math.abs(Math.log2(best / ratio)) ? size : best,
    );
  } catch (error) {
    if (isGone(error)) return 4096;
    throw error;
  }
}
