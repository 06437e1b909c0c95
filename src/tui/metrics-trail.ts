import type { ProcessRow } from '../supervisor/process-rows.js';
import type { ResourcePoint } from './source.js';

/**
 * CPU and memory per instance from polled rows, for sparklines when no sampler history is at hand
 * (a remote supervisor: the API serves the latest figures only). Bounded per instance; instances that
 * disappear (scaled down) are dropped.
 */
export class MetricsTrail {
  readonly #points = new Map<string, ResourcePoint[]>();

  /** @param capacity points kept per instance (at 1 Hz, 600 is the sampler's 10 minutes) */
  constructor(private readonly capacity = 600) {}

  record(rows: readonly ProcessRow[], time: number): void {
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.name);
      if (row.cpu === null && row.memory === null) continue;
      let points = this.#points.get(row.name);
      if (points === undefined) {
        points = [];
        this.#points.set(row.name, points);
      }
      points.push({ time, cpu: row.cpu, memory: row.memory });
      if (points.length > this.capacity) points.splice(0, points.length - this.capacity);
    }
    for (const id of this.#points.keys()) if (!seen.has(id)) this.#points.delete(id);
  }

  history(id: string, since: number): ResourcePoint[] {
    const points = this.#points.get(id) ?? [];
    let start = points.length;
    while (start > 0 && (points[start - 1]?.time ?? 0) >= since) start -= 1;
    return points.slice(start);
  }
}
