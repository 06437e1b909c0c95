import type { LogStream } from './events.js';
import type { LineBatch } from './line-batch.js';

export interface RecentLine {
  time: number;
  stream: LogStream;
  text: string;
}

interface Segment {
  time: number;
  stream: LogStream;
  lines: LineBatch;
}

/**
 * The newest output lines of a process, for crash reports and failure reasons. Whole batches are
 * kept, not lines: a flood then costs nothing per line here, and only the few lines ever asked for
 * are made into strings. Batches that hold nothing of the newest `capacity` lines are let go.
 */
export class RecentOutput {
  readonly capacity: number;
  #segments: Segment[] = [];
  /** Lines in the kept batches (at most `capacity` more than are wanted). */
  #lines = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`recent output capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return Math.min(this.#lines, this.capacity);
  }

  push(time: number, stream: LogStream, lines: LineBatch): void {
    if (lines.count === 0) return;
    lines.hold();
    this.#segments.push({ time, stream, lines });
    this.#lines += lines.count;
    for (let oldest = this.#segments[0]; oldest !== undefined; oldest = this.#segments[0]) {
      if (this.#lines - oldest.lines.count < this.capacity) break;
      this.#segments.shift();
      oldest.lines.release();
      this.#lines -= oldest.lines.count;
    }
  }

  /** The newest `count` lines (at most `capacity`), oldest first. */
  last(count: number): RecentLine[] {
    const out: RecentLine[] = [];
    let wanted = Math.min(count, this.size);
    for (let s = this.#segments.length - 1; s >= 0 && wanted > 0; s -= 1) {
      const { time, stream, lines } = this.#segments[s] as Segment;
      for (let i = lines.count - 1; i >= 0 && wanted > 0; i -= 1, wanted -= 1) {
        out.push({ time, stream, text: lines.text(i) });
      }
    }
    return out.reverse();
  }

  toArray(): RecentLine[] {
    return this.last(this.capacity);
  }
}
