import type { ProcReader } from '../os/proc.js';
import type { ProcTable } from '../os/proc-table.js';
import { NO_OWNER } from './tree.js';

/**
 * Open descriptors per tree. Counting them costs a stat (or, before Linux 6.2, a listing) per
 * process, so each call counts a new process at once and a rotating 1/`every` share of the others;
 * the sums use the last count of each process (at most `every` passes old).
 */
export class FdCounter {
  readonly #counts = new Map<number, { startTime: number; fds: number }>();
  #calls = 0;
  #sums = new Float64Array(16);
  /** The result, reused: the caller reads it before the next call. */
  readonly #result: (number | null)[] = [];
  /** The table `#pruneOne` looks at (a bound callback: `Map#forEach` allocates no iterator). */
  #pruneTable: ProcTable | null = null;

  constructor(
    private readonly reader: ProcReader,
    private readonly every = 10,
  ) {}

  /** Descriptor counts taken so far (for tests and the benchmark). */
  listings = 0;

  /** Descriptors per root (null: none counted), in an array reused by the next call. */
  count(table: ProcTable, owner: Int32Array, roots: number): (number | null)[] {
    const turn = this.#calls % this.every;
    this.#calls += 1;
    if (this.#sums.length < roots) this.#sums = new Float64Array(Math.max(roots, this.#sums.length * 2));
    const sums = this.#sums;
    sums.fill(-1, 0, roots);
    let counted = 0;
    for (let row = 0; row < table.size; row += 1) {
      const root = owner[row] ?? NO_OWNER;
      if (root === NO_OWNER || table.zombie[row] === 1) continue;
      const pid = table.pid[row] ?? 0;
      const startTime = table.startTime[row] ?? 0;
      let cached = this.#counts.get(pid);
      if (cached === undefined || cached.startTime !== startTime || pid % this.every === turn) {
        this.listings += 1;
        const fds = this.reader.countFds(pid);
        if (fds === null) continue;
        if (cached === undefined) {
          cached = { startTime, fds };
          this.#counts.set(pid, cached);
        } else {
          cached.startTime = startTime;
          cached.fds = fds;
        }
      }
      counted += 1;
      sums[root] = Math.max(0, sums[root] ?? 0) + cached.fds;
    }
    // Every entry was used this call: none can be of a process that ended.
    if (this.#counts.size > counted) {
      this.#pruneTable = table;
      this.#counts.forEach(this.#pruneOne);
      this.#pruneTable = null;
    }
    const result = this.#result;
    result.length = roots;
    for (let root = 0; root < roots; root += 1) {
      const sum = sums[root] ?? -1;
      result[root] = sum < 0 ? null : sum;
    }
    return result;
  }

  /** Forgets the count of a process that ended (or whose pid is a new process's now). */
  readonly #pruneOne = (cached: { startTime: number }, pid: number): void => {
    const table = this.#pruneTable;
    if (table === null) return;
    const row = table.rowOf.get(pid);
    if (row === undefined || table.startTime[row] !== cached.startTime) this.#counts.delete(pid);
  };
}
