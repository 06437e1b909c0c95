import type { ProcReader } from './proc.js';
import type { ProcTable } from './proc-table.js';
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

  constructor(
    private readonly reader: ProcReader,
    private readonly every = 10,
  ) {}

  /** Descriptor counts taken so far (for tests and the benchmark). */
  listings = 0;

  count(table: ProcTable, owner: Int32Array, roots: number): (number | null)[] {
    const turn = this.#calls % this.every;
    this.#calls += 1;
    if (this.#sums.length < roots) this.#sums = new Float64Array(Math.max(roots, this.#sums.length * 2));
    const sums = this.#sums;
    sums.fill(-1, 0, roots);
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
        cached = { startTime, fds };
        this.#counts.set(pid, cached);
      }
      sums[root] = Math.max(0, sums[root] ?? 0) + cached.fds;
    }
    for (const [pid, cached] of this.#counts) {
      const row = table.rowOf.get(pid);
      if (row === undefined || table.startTime[row] !== cached.startTime) this.#counts.delete(pid);
    }
    return Array.from({ length: roots }, (_, root) => {
      const sum = sums[root] ?? -1;
      return sum < 0 ? null : sum;
    });
  }
}
