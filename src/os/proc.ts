import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isErrnoException } from '../errors.js';
import { emptyStat, type ProcStat, parseLastPid, parseStat, parseUptime } from './proc-parse.js';
import type { ProcTable } from './proc-table.js';

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
  /**
   * Open /proc/<pid>/stat files of the processes read by `readAll`: re-reading an open file at
   * offset 0 gives fresh figures with one syscall instead of three. The descriptor stays bound to
   * its process, so a reused pid reads ESRCH and is opened anew.
   */
  readonly #statFds = new Map<number, number>();
  /** Whether this kernel reports the fd count as the size of /proc/<pid>/fd (Linux 6.2+). */
  #fdSizeIsCount: boolean | null = null;

  constructor(
    readonly root = '/proc',
    /** Most stat files kept open (each is a descriptor of the supervisor). */
    private readonly maxOpen = 1024,
  ) {
    this.#loadavg = { path: `${root}/loadavg`, fd: -1 };
    this.#uptime = { path: `${root}/uptime`, fd: -1 };
  }

  /**
   * The last pid of the listing the open stat files come from, from /proc/loadavg: while it has not
   * moved, no process was created anywhere on the host, so the listing of /proc (the costliest part
   * of an idle pass: the kernel walks every task) would show nothing new.
   */
  #listedLastPid = -1;
  /** /proc/loadavg and /proc/uptime, opened on first use and re-read at offset 0 every pass. */
  readonly #loadavg: KeptFile;
  readonly #uptime: KeptFile;
  /** The table `#rereadOne` fills (a bound callback: `Map#forEach` allocates no iterator). */
  #rereadTable: ProcTable | null = null;

  /**
   * Fills `table` with every process (one pass); `skip` (the supervisor itself) is left out, and so
   * are the pids in `foreign` — known not to be ours — whose entries are stamped with `pass` instead,
   * so the caller can forget the ones that are gone.
   *
   * With `reuse`, the pass may re-read only the processes of the previous one (through their open
   * stat files; one that ended reads ESRCH and drops out) when no process was created since: `reuse`
   * lists pids that must be among them (the trees' leaders), or the whole listing is done. Such a
   * pass leaves `foreign` as it is (nothing was listed, so nothing is known to be gone) and returns
   * false; a pass that listed /proc returns true.
   */
  readAll(
    table: ProcTable,
    skip = -1,
    foreign: Map<number, number> | null = null,
    pass = 0,
    reuse: readonly { pid: number }[] | null = null,
  ): boolean {
    table.clear();
    const lastPid = this.#readLastPid();
    if (
      reuse !== null &&
      lastPid !== -1 &&
      lastPid === this.#listedLastPid &&
      this.#statFds.size < this.maxOpen &&
      this.#allOpen(reuse)
    ) {
      this.#rereadTable = table;
      this.#statFds.forEach(this.#rereadOne);
      this.#rereadTable = null;
      return false;
    }
    // Read before listing: a process created during the listing makes the next pass list again.
    this.#listedLastPid = lastPid;
    for (const entry of readdirSync(this.root)) {
      const first = entry.charCodeAt(0);
      if (first < 48 || first > 57) continue;
      const pid = Number(entry);
      if (pid === skip) continue;
      if (foreign?.has(pid)) {
        foreign.set(pid, pass);
        continue;
      }
      if (this.#readCached(pid, entry)) table.add(this.#stat);
    }
    // Files of processes that ended, or that are foreign now, are closed.
    for (const [pid, fd] of this.#statFds) {
      if (table.rowOf.has(pid)) continue;
      this.#statFds.delete(pid);
      closeSync(fd);
    }
    return true;
  }

  #allOpen(pids: readonly { pid: number }[]): boolean {
    for (let i = 0; i < pids.length; i += 1) if (!this.#statFds.has(pids[i]?.pid ?? -1)) return false;
    return true;
  }

  /** Re-reads one open stat file into `#rereadTable` (deleting the entry being visited is allowed). */
  readonly #rereadOne = (fd: number, pid: number): void => {
    if (this.#rereadStat(fd)) {
      this.#rereadTable?.add(this.#stat);
      return;
    }
    // Ended: its pid cannot be in use again without a process having been created.
    this.#statFds.delete(pid);
    closeSync(fd);
  };

  #rereadStat(fd: number): boolean {
    try {
      const length = readSync(fd, this.#buffer, 0, this.#buffer.length, 0);
      return length > 0 && parseStat(this.#buffer, length, this.#stat);
    } catch (error) {
      if (isGone(error)) return false;
      throw error;
    }
  }

  /** The fifth field of /proc/loadavg (the pid the kernel handed out last), or -1. */
  #readLastPid(): number {
    const length = this.#readKept(this.#loadavg);
    return length <= 0 ? -1 : parseLastPid(this.#buffer, length);
  }

  /** Closes the files kept open. */
  close(): void {
    for (const fd of this.#statFds.values()) closeSync(fd);
    this.#statFds.clear();
    for (const file of [this.#loadavg, this.#uptime]) {
      if (file.fd !== -1) closeSync(file.fd);
      file.fd = -1;
    }
  }

  /**
   * Reads a small file through a descriptor kept open (opened on first use): a /proc file read
   * again at offset 0 is generated afresh, and the open and close of every pass are saved. Bytes
   * read into the shared buffer; 0 when the file does not exist.
   */
  #readKept(file: KeptFile): number {
    if (file.fd === -1) {
      try {
        file.fd = openSync(file.path, 'r');
      } catch (error) {
        if (isGone(error) || isForbidden(error)) return 0;
        throw error;
      }
    }
    return readSync(file.fd, this.#buffer, 0, this.#buffer.length, 0);
  }

  #readCached(pid: number, entry: string): boolean {
    const cached = this.#statFds.get(pid);
    if (cached !== undefined) {
      try {
        const length = readSync(cached, this.#buffer, 0, this.#buffer.length, 0);
        if (length > 0) return parseStat(this.#buffer, length, this.#stat);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      // The process ended (ESRCH); a new one may have its pid.
      this.#statFds.delete(pid);
      closeSync(cached);
    }
    if (this.#statFds.size >= this.maxOpen)
      return this.readStatInto(`${this.root}/${entry}/stat`, this.#stat);
    let fd: number;
    try {
      fd = openSync(`${this.root}/${entry}/stat`, 'r');
    } catch (error) {
      if (isGone(error) || isForbidden(error)) return false;
      throw error;
    }
    this.#statFds.set(pid, fd);
    return this.#rereadStat(fd);
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
