import { FdCounter } from './fd-counter.js';
import { PortScanner } from './ports.js';
import { CLOCK_TICKS, detectPageSize, ProcReader } from './proc.js';
import { ProcTable } from './proc-table.js';
import { NO_OWNER, TreeAttributor, type TreeRoot } from './tree.js';
import type { TreeFigures, TreeSource } from './types.js';

export interface LinuxSourceOptions {
  projectId: string;
  /** @default '/proc' (tests use a folder laid out like it) */
  root?: string;
  /** Each process's descriptors are counted every this many passes. @default 10 */
  fdsEvery?: number;
  /** @default detected from /proc/self */
  pageSize?: number;
  /** Left out of every tree. @default process.pid */
  selfPid?: number;
}

/**
 * Figures for every tree from one pass over /proc: one stat read per process of ours (and per new
 * pid), then attribution to the trees and sums in typed arrays. CPU is exact across the pass: each
 * process contributes its own tick delta since the previous pass (matched by pid and start time, so
 * a reused pid is a new process), and a process born since then contributes all its ticks.
 */
export class LinuxTreeSource implements TreeSource {
  readonly reader: ProcReader;
  readonly attributor: TreeAttributor;
  readonly ports: PortScanner;
  readonly fds: FdCounter;
  #table = new ProcTable();
  #previous = new ProcTable();
  #previousUptime: number | null = null;
  readonly #pageSize: number;
  readonly #selfPid: number;
  #ticks = new Float64Array(16);
  #rss = new Float64Array(16);
  #count = new Int32Array(16);

  constructor(options: LinuxSourceOptions) {
    this.reader = new ProcReader(options.root ?? '/proc');
    this.attributor = new TreeAttributor(this.reader, options.projectId);
    this.ports = new PortScanner(this.reader);
    this.fds = new FdCounter(this.reader, Math.max(1, options.fdsEvery ?? 10));
    this.#pageSize = options.pageSize ?? detectPageSize();
    this.#selfPid = options.selfPid ?? process.pid;
  }

  sample(roots: readonly TreeRoot[]): (TreeFigures | null)[] {
    [this.#table, this.#previous] = [this.#previous, this.#table];
    const table = this.#table;
    const previous = this.#previous;
    this.attributor.read(table, roots, this.#selfPid);
    const uptime = this.reader.readUptime();
    const owner = this.attributor.attribute(table, roots);
    this.#sum(table, previous, owner, roots.length);
    const ports = this.ports.scan(table, owner, roots.length);
    const fds = this.fds.count(table, owner, roots.length);
    const elapsed = this.#previousUptime === null ? 0 : uptime - this.#previousUptime;
    this.#previousUptime = uptime;
    return roots.map((root, index): TreeFigures | null => {
      const leaderRow = table.rowOf.get(root.pid);
      if (leaderRow === undefined) return null;
      // The first sample of a run has no previous tick count to compare with: no figure, not 0 %.
      const previousRow = previous.rowOf.get(root.pid);
      const measured =
        elapsed > 0 &&
        previousRow !== undefined &&
        previous.startTime[previousRow] === table.startTime[leaderRow];
      return {
        cpu: measured ? (((this.#ticks[index] ?? 0) / CLOCK_TICKS) * 100) / elapsed : null,
        memory: (this.#rss[index] ?? 0) * this.#pageSize,
        processes: this.#count[index] ?? 0,
        fds: fds[index] ?? null,
        ports: ports[index] ?? [],
      };
    });
  }

  /** Closes the /proc files kept open between passes. */
  close(): void {
    this.reader.close();
  }

  /** Tick deltas, resident pages and process counts per root, into the reused arrays. */
  #sum(table: ProcTable, previous: ProcTable, owner: Int32Array, roots: number): void {
    if (this.#ticks.length < roots) {
      const size = Math.max(roots, this.#ticks.length * 2);
      this.#ticks = new Float64Array(size);
      this.#rss = new Float64Array(size);
      this.#count = new Int32Array(size);
    }
    this.#ticks.fill(0, 0, roots);
    this.#rss.fill(0, 0, roots);
    this.#count.fill(0, 0, roots);
    // Processes started after the previous pass ran entirely inside this interval.
    const bornAfter =
      this.#previousUptime === null ? Number.POSITIVE_INFINITY : this.#previousUptime * CLOCK_TICKS;
    for (let row = 0; row < table.size; row += 1) {
      const root = owner[row] ?? NO_OWNER;
      if (root === NO_OWNER || table.zombie[row] === 1) continue;
      const ticks = table.ticks[row] ?? 0;
      const startTime = table.startTime[row] ?? 0;
      const previousRow = previous.rowOf.get(table.pid[row] ?? 0);
      let delta = 0;
      if (previousRow !== undefined && previous.startTime[previousRow] === startTime) {
        delta = ticks - (previous.ticks[previousRow] ?? 0);
      } else if (startTime >= bornAfter - 1) {
        delta = ticks;
      }
      this.#ticks[root] = (this.#ticks[root] ?? 0) + Math.max(0, delta);
      this.#rss[root] = (this.#rss[root] ?? 0) + (table.rssPages[row] ?? 0);
      this.#count[root] = (this.#count[root] ?? 0) + 1;
    }
  }
}
