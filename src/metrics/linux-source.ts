import { detectPageSize, ProcReader } from '../os/proc.js';
import { FdCounter } from './fd-counter.js';
import { PortScanner } from './ports.js';
import { NO_OWNER, TreeAttributor, type TreeRoot } from './tree.js';
import { TreeSums } from './tree-sums.js';
import type { TreeFigures, TreeSource } from './types.js';

export interface LinuxSourceOptions {
  projectId: string;
  /** @default '/proc' (tests use a folder laid out like it) */
  root?: string;
  /**
   * Each process's descriptors are counted every this many passes; a pass in which nothing changed
   * is cut short except every this many passes, when descriptors and ports are looked at. @default 10
   */
  fdsEvery?: number;
  /** A process whose figures do not change is read at least every this many passes. @default 8 */
  idleReadEvery?: number;
  /** @default detected from /proc/self */
  pageSize?: number;
  /** Left out of every tree. @default process.pid */
  selfPid?: number;
}

/**
 * Figures for every tree from one pass over the project's processes: their stat files kept open
 * (idle ones read at a slower pace), plus the pids created since the last pass — not the host's other
 * processes —, attribution to the trees, sums in typed arrays; ports and descriptor counts at a
 * slower pace (see PortScanner and FdCounter). A pass that saw nothing change stops after the reads.
 */
export class LinuxTreeSource implements TreeSource {
  readonly reader: ProcReader;
  readonly attributor: TreeAttributor;
  readonly ports: PortScanner;
  readonly fds: FdCounter;
  readonly #sums: TreeSums;
  readonly #selfPid: number;
  readonly #refreshEvery: number;
  /** Root pids of the last pass, for telling whether this pass has the same roots. */
  #lastRoots = new Int32Array(16);
  #lastRootCount = -1;
  #passes = 0;
  /** Passes cut short so far (for tests and the benchmark). */
  unchangedPasses = 0;
  /** Whether the last pass was cut short: its figures are the pass before's, with no CPU used. */
  unchanged = false;

  constructor(options: LinuxSourceOptions) {
    this.reader = new ProcReader(options.root ?? '/proc', undefined, options.idleReadEvery ?? 8);
    this.attributor = new TreeAttributor(this.reader, options.projectId);
    this.ports = new PortScanner(this.reader);
    this.#refreshEvery = Math.max(1, options.fdsEvery ?? 10);
    this.fds = new FdCounter(this.reader, this.#refreshEvery);
    this.#sums = new TreeSums(options.pageSize ?? detectPageSize());
    this.#selfPid = options.selfPid ?? process.pid;
  }

  /**
   * @param sameRoots the caller knows the roots are those of the last call, the same pids in the
   *   same order (it saw no state change since): they are not compared again
   */
  sample(roots: readonly TreeRoot[], sameRoots?: boolean): (TreeFigures | null)[] {
    this.#passes += 1;
    const same = this.#sameRoots(roots, sameRoots === true);
    const refresh = this.#passes % this.#refreshEvery === 0;
    if (same && !refresh && this.attributor.quiet(this.#selfPid)) {
      // Nothing read moved: the tables stay as they are, the figures are the last ones.
      this.unchanged = true;
      this.unchangedPasses += 1;
      return this.#sums.unchanged(this.reader.readUptime());
    }
    const table = this.#sums.next();
    this.attributor.read(table, roots, this.#selfPid);
    const uptime = this.reader.readUptime();
    if (same && !this.reader.changed && !refresh) {
      this.unchanged = true;
      this.unchangedPasses += 1;
      // The table just filled equals the last one; the next pass compares with it.
      return this.#sums.unchanged(uptime);
    }
    this.unchanged = false;
    const owner = this.attributor.attribute(table, roots);
    this.#releaseForeign(table, owner);
    const ports = this.ports.scan(table, owner, roots.length);
    const fds = this.fds.count(table, owner, roots.length);
    return this.#sums.figures(roots, owner, uptime, ports, fds);
  }

  /** Closes the /proc files kept open between passes. */
  close(): void {
    this.reader.close();
  }

  /** Whether the roots are those of the last pass, in the same order (and remembers them). */
  #sameRoots(roots: readonly TreeRoot[], known: boolean): boolean {
    if (known && roots.length === this.#lastRootCount) return true;
    let same = roots.length === this.#lastRootCount;
    if (this.#lastRoots.length < roots.length) {
      this.#lastRoots = new Int32Array(Math.max(roots.length, this.#lastRoots.length * 2));
      same = false;
    }
    for (let index = 0; index < roots.length; index += 1) {
      const pid = roots[index]?.pid ?? 0;
      if (this.#lastRoots[index] !== pid) {
        same = false;
        this.#lastRoots[index] = pid;
      }
    }
    this.#lastRootCount = roots.length;
    return same;
  }

  /** Processes found not to be ours are no longer followed: their stat files are closed. */
  #releaseForeign(table: { size: number; pid: Int32Array }, owner: Int32Array): void {
    const foreign = this.attributor.foreign;
    for (let row = 0; row < table.size; row += 1) {
      if (owner[row] !== NO_OWNER) continue;
      const pid = table.pid[row] ?? 0;
      if (foreign.has(pid)) this.reader.release(pid);
    }
  }
}
