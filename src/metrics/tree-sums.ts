import { CLOCK_TICKS } from '../os/proc-parse.js';
import { ProcTable } from '../os/proc-table.js';
import { NO_OWNER, type TreeRoot } from './tree.js';
import type { TreeFigures } from './types.js';

/**
 * Sums per tree from two consecutive process tables. CPU is exact across the pass: each process
 * contributes its own tick delta since the previous table (matched by pid and start time, so a
 * reused pid is a new process), and one born since then contributes all its ticks. Double-buffered
 * tables and typed arrays: nothing is allocated per process.
 */
export class TreeSums {
  #table = new ProcTable();
  #previous = new ProcTable();
  #previousUptime: number | null = null;
  #ticks = new Float64Array(16);
  #rss = new Float64Array(16);
  #count = new Int32Array(16);
  /** The figures of the last call, one object per root index, reused (see `figures`). */
  readonly #figures: TreeFigures[] = [];
  readonly #result: (TreeFigures | null)[] = [];
  /** Whether `unchanged` has set every figure's CPU to 0 since `figures` last ran. */
  #zeroed = false;

  constructor(
    /** Bytes per unit of the table's `rssPages`. */
    private readonly pageSize: number,
  ) {}

  /** The table to fill for this pass (the previous one is kept for the deltas). */
  next(): ProcTable {
    [this.#table, this.#previous] = [this.#previous, this.#table];
    return this.#table;
  }

  /**
   * Figures per root from the table filled since `next()`. `uptime` is seconds on the clock of the
   * start times; `ports`/`fds` come from the caller (per root). The array and its objects are
   * reused by the next call: a caller that keeps figures copies them (the sampler does).
   */
  figures(
    roots: readonly TreeRoot[],
    owner: Int32Array,
    uptime: number,
    ports: readonly number[][] | null,
    fds: readonly (number | null)[] | null,
  ): (TreeFigures | null)[] {
    const table = this.#table;
    const previous = this.#previous;
    this.#zeroed = false;
    this.#sum(table, previous, owner, roots.length);
    const elapsed = this.#previousUptime === null ? 0 : uptime - this.#previousUptime;
    this.#previousUptime = uptime;
    const result = this.#result;
    result.length = roots.length;
    for (let index = 0; index < roots.length; index += 1) {
      const pid = roots[index]?.pid ?? 0;
      const leaderRow = table.rowOf.get(pid);
      if (leaderRow === undefined) {
        result[index] = null;
        continue;
      }
      // The first sample of a run has no previous tick count to compare with: no figure, not 0 %.
      const previousRow = previous.rowOf.get(pid);
      const measured =
        elapsed > 0 &&
        previousRow !== undefined &&
        previous.startTime[previousRow] === table.startTime[leaderRow];
      const figures = this.#figuresAt(index);
      figures.cpu = measured ? (((this.#ticks[index] ?? 0) / CLOCK_TICKS) * 100) / elapsed : null;
      figures.memory = (this.#rss[index] ?? 0) * this.pageSize;
      figures.processes = this.#count[index] ?? 0;
      figures.fds = fds?.[index] ?? null;
      figures.ports = ports?.[index] ?? [];
      result[index] = figures;
    }
    return result;
  }

  /**
   * The figures of a pass in which nothing was seen to change (no figure read differs, no process
   * came or went, the same roots): the last call's, with no CPU used — `uptime` moves the time base
   * on. The tables are left as they are: the next pass compares with the last one that changed.
   */
  unchanged(uptime: number): (TreeFigures | null)[] {
    this.#previousUptime = uptime;
    const result = this.#result;
    // Once per stretch of such passes: the figures stay as they are until `figures` runs again.
    if (!this.#zeroed) for (const figures of result) if (figures !== null) figures.cpu = 0;
    this.#zeroed = true;
    return result;
  }

  #figuresAt(index: number): TreeFigures {
    let figures = this.#figures[index];
    if (figures === undefined) {
      figures = { cpu: null, memory: 0, processes: 0, fds: null, ports: [] };
      this.#figures[index] = figures;
    }
    return figures;
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
        // An idle process left unread for a few passes: what it used is spread over them.
        delta = (ticks - (previous.ticks[previousRow] ?? 0)) / Math.max(1, table.span[row] ?? 1);
      } else if (startTime >= bornAfter - 1) {
        delta = ticks;
      }
      this.#ticks[root] = (this.#ticks[root] ?? 0) + Math.max(0, delta);
      this.#rss[root] = (this.#rss[root] ?? 0) + (table.rssPages[row] ?? 0);
      this.#count[root] = (this.#count[root] ?? 0) + 1;
    }
  }
}
