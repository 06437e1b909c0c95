/** One point of a process's resource history, for graphs. */
export interface HistoryPoint {
  /** Epoch milliseconds. */
  time: number;
  /** Percent of one core; null for a sample with no CPU figure yet. */
  cpu: number | null;
  /** Bytes resident over the whole tree. */
  rss: number;
}

/**
 * A fixed-size ring of {time, cpu, rss} in typed arrays: 16 bytes a point, no object per sample —
 * 10 minutes at 1 Hz for 100 processes is under 1 MB. CPU and RSS are float32: graphs and slopes need
 * 7 significant digits at most.
 */
export class MetricsHistory {
  readonly #time: Float64Array;
  readonly #cpu: Float32Array;
  readonly #rss: Float32Array;
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.#time = new Float64Array(capacity);
    this.#cpu = new Float32Array(capacity);
    this.#rss = new Float32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(time: number, cpu: number | null, rss: number): void {
    const at = (this.#start + this.#size) % this.capacity;
    this.#time[at] = time;
    this.#cpu[at] = cpu ?? Number.NaN;
    this.#rss[at] = rss;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The points, oldest first; only those at or after `since` when given. */
  toArray(since = Number.NEGATIVE_INFINITY): HistoryPoint[] {
    const points: HistoryPoint[] = [];
    for (let i = 0; i < this.#size; i += 1) {
      const at = (this.#start + i) % this.capacity;
      const time = this.#time[at] ?? 0;
      if (time < since) continue;
      const cpu = this.#cpu[at] ?? Number.NaN;
      points.push({ time, cpu: Number.isNaN(cpu) ? null : cpu, rss: this.#rss[at] ?? 0 });
    }
    return points;
  }

  /** Calls `visit(time, rss)` for each point at or after `since`, oldest first, without allocating. */
  forEachRss(since: number, visit: (time: number, rss: number) => void): void {
    for (let i = 0; i < this.#size; i += 1) {
      const at = (this.#start + i) % this.capacity;
      const time = this.#time[at] ?? 0;
      if (time >= since) visit(time, this.#rss[at] ?? 0);
    }
  }
}
