/** One point of a process's resource history, for graphs. */
export interface HistoryPoint {
  /** Epoch milliseconds. */
  time: number;
  /** Percent of one core; null for a sample with no CPU figure yet. */
  cpu: number | null;
  /** Bytes resident over the whole tree. */
  rss: number;
}

/** Points a history holds before its first growth. */
const INITIAL_POINTS = 16;

/**
 * A ring of at most `capacity` {time, cpu, rss} in typed arrays: 16 bytes a point, no object per
 * sample — 10 minutes at 1 Hz for 100 processes is under 1 MB. CPU and RSS are float32: graphs and
 * slopes need 7 significant digits at most. The arrays grow (doubling) as points arrive, so a
 * supervisor that just started holds 100 small histories rather than 1 MB of zeros.
 */
export class MetricsHistory {
  #time: Float64Array;
  #cpu: Float32Array;
  #rss: Float32Array;
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    const points = Math.min(capacity, INITIAL_POINTS);
    this.#time = new Float64Array(points);
    this.#cpu = new Float32Array(points);
    this.#rss = new Float32Array(points);
  }

  get size(): number {
    return this.#size;
  }

  push(time: number, cpu: number | null, rss: number): void {
    // Below capacity the ring has never wrapped (#start is 0), so growing is a plain copy.
    if (this.#size === this.#time.length && this.#size < this.capacity) this.#grow();
    const at = (this.#start + this.#size) % this.capacity;
    this.#time[at] = time;
    this.#cpu[at] = cpu ?? Number.NaN;
    this.#rss[at] = rss;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /**
   * The points of passes `from`..`through` in which a process stood still: their times from a ring
   * of pass times (pass n at `n % times.length`), 0 % CPU, the same `rss`.
   */
  pushStill(times: Float64Array, from: number, through: number, rss: number): void {
    for (let pass = from; pass <= through; pass += 1) this.push(times[pass % times.length] ?? 0, 0, rss);
  }

  #grow(): void {
    const points = Math.min(this.capacity, this.#time.length * 2);
    const time = new Float64Array(points);
    const cpu = new Float32Array(points);
    const rss = new Float32Array(points);
    time.set(this.#time);
    cpu.set(this.#cpu);
    rss.set(this.#rss);
    this.#time = time;
    this.#cpu = cpu;
    this.#rss = rss;
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
