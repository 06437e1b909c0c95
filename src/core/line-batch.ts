import type { LogLineEvent, LogOutputEvent } from './events.js';
import { latin1Slice, utf8Slice } from './fast-buffer.js';

const SHORT_COPY = 48;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * A read slab's bytes, shared by the batches made of it (see `LineSplitter.readTarget`). The slab is
 * handed back for the next reads only once the reader is past it (`close`) and every batch made of it
 * was released by all that held it; a batch someone keeps without `hold` keeps its slab from ever
 * being reused (`pin`), and the collector frees it as before.
 */
export class SlabLease {
  #holds = 0;
  #open = true;
  #pinned = false;

  constructor(
    readonly buffer: Buffer,
    readonly onFree: (buffer: Buffer) => void,
  ) {}

  /** Outstanding holds, for tests. */
  get holds(): number {
    return this.#holds;
  }

  hold(): void {
    this.#holds += 1;
  }

  release(): void {
    this.#holds -= 1;
    this.#freeIfDone();
  }

  /** Never reused: a batch of it is kept by someone who does not release. */
  pin(): void {
    this.#pinned = true;
  }

  /** The reader writes no more into it. */
  close(): void {
    this.#open = false;
    this.#freeIfDone();
  }

  #freeIfDone(): void {
    if (this.#holds === 0 && !this.#open && !this.#pinned) {
      this.#pinned = true;
      this.onFree(this.buffer);
    }
  }
}

const borrowers = new WeakSet<object>();

/**
 * Marks an `output` listener (or a log sink) that keeps no batch past the call without `hold`ing it.
 * Batches of a process with any unmarked listener pin their read slabs (see `SlabLease`).
 */
export function borrows<T extends object>(listener: T): T {
  borrowers.add(listener);
  return listener;
}

export function isBorrower(listener: object): boolean {
  return borrowers.has(listener);
}

/** Where the line ending after `end` (a line's end without its ending) ends. */
function lineEnd(bytes: Uint8Array, end: number): number {
  if (bytes[end] === CARRIAGE_RETURN && bytes[end + 1] === NEWLINE) return end + 2;
  return bytes[end] === NEWLINE ? end + 1 : end;
}

/**
 * Complete lines of output as UTF-8 bytes: line `i` is `bytes[starts[i], ends[i])`, without its line
 * ending. One read from a pipe becomes one batch, so the log pipeline handles a flood per chunk and
 * never has to make a string of a line nobody looks at: the ring buffer and the log file take bytes.
 * The bytes are valid UTF-8 and no line is longer than the splitter's cap.
 *
 * A batch from the splitter knows only its region and how many lines it holds; where each line starts
 * and ends is found the first time someone asks (`starts`, `ends`). The raw log file takes the region
 * whole, so under a flood nobody asks, and the lines cost nothing one by one.
 */
export class LineBatch {
  readonly bytes: Buffer;
  readonly count: number;
  /** Every byte is ASCII: a byte is then a character, which makes decoding and slicing cheap. */
  readonly ascii: boolean;
  /** The lines with their line endings: `bytes[regionStart, regionEnd)`. */
  readonly regionStart: number;
  readonly regionEnd: number;
  #starts: Int32Array | null;
  #ends: Int32Array | null;
  #decoded: string | null = null;
  /** The read slab `bytes` is (null: bytes of its own), and how many holds this batch has on it. */
  #lease: SlabLease | null = null;
  #holds = 0;

  /**
   * With offsets, or (`starts` null) the `count` lines of `bytes[regionStart, regionEnd)`, which ends
   * with a newline, whose offsets are found when first asked for.
   */
  constructor(
    bytes: Buffer,
    starts: Int32Array | null,
    ends: Int32Array | null,
    count: number,
    ascii: boolean,
    region?: { start: number; end: number },
  ) {
    this.bytes = bytes;
    this.#starts = starts;
    this.#ends = starts === null ? null : ends;
    this.count = count;
    this.ascii = ascii;
    if (region !== undefined || starts === null || ends === null) {
      this.regionStart = region?.start ?? 0;
      this.regionEnd = region?.end ?? bytes.length;
    } else {
      this.regionStart = count === 0 ? 0 : (starts[0] as number);
      this.regionEnd = count === 0 ? 0 : lineEnd(bytes, ends[count - 1] as number);
    }
  }

  /** The `count` lines of `bytes[from, to)`, which ends with a newline. */
  static region(bytes: Buffer, from: number, to: number, count: number, ascii: boolean): LineBatch {
    return new LineBatch(bytes, null, null, count, ascii, { start: from, end: to });
  }

  /** A `region` in a read slab: its bytes may be reused once released (`hold`, `release`). */
  static leased(
    bytes: Buffer,
    from: number,
    to: number,
    count: number,
    ascii: boolean,
    lease: SlabLease,
  ): LineBatch {
    const batch = LineBatch.region(bytes, from, to, count, ascii);
    batch.#lease = lease;
    return batch;
  }

  /**
   * Whoever keeps a batch past the call that handed it over holds it, and releases it once done with
   * it: the read slab under it is reused only then. No-ops for a batch with bytes of its own.
   */
  hold(): void {
    if (this.#lease === null) return;
    this.#holds += 1;
    this.#lease.hold();
  }

  release(): void {
    if (this.#lease === null || this.#holds === 0) return;
    this.#holds -= 1;
    this.#lease.release();
  }

  /** Kept by someone who will not release it: its slab is never reused. */
  pin(): void {
    this.#lease?.pin();
  }

  /** Where line `index` ends in `bytes`, its line ending included. */
  lineEnd(index: number): number {
    return lineEnd(this.bytes, this.ends[index] as number);
  }

  /** Whether the region ends with a newline (batches built from offsets may not). */
  get terminated(): boolean {
    return this.regionEnd > this.regionStart && this.bytes[this.regionEnd - 1] === NEWLINE;
  }

  get starts(): Int32Array {
    if (this.#starts === null) this.#index();
    return this.#starts as Int32Array;
  }

  get ends(): Int32Array {
    if (this.#ends === null) this.#index();
    return this.#ends as Int32Array;
  }

  #index(): void {
    const starts = new Int32Array(this.count);
    const ends = new Int32Array(this.count);
    const bytes = this.bytes;
    let start = this.regionStart;
    for (let i = 0; i < this.count; i += 1) {
      let newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1 || newline >= this.regionEnd) newline = this.regionEnd;
      let end = newline;
      if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
      starts[i] = start;
      ends[i] = end;
      start = newline + 1;
    }
    this.#starts = starts;
    this.#ends = ends;
  }

  /** Lines that are strings already (ovrseer's own lines, the splitter's slow path). */
  static fromTexts(texts: readonly string[]): LineBatch {
    const joined = texts.length === 0 ? '' : `${texts.join('\n')}\n`;
    const bytes = Buffer.from(joined);
    const ascii = bytes.length === joined.length;
    const starts = new Int32Array(texts.length);
    const ends = new Int32Array(texts.length);
    let at = 0;
    for (let i = 0; i < texts.length; i += 1) {
      const length = ascii ? (texts[i] as string).length : Buffer.byteLength(texts[i] as string);
      starts[i] = at;
      ends[i] = at + length;
      at += length + 1;
    }
    return new LineBatch(bytes, starts, ends, texts.length, ascii);
  }

  /** Bytes of all the lines' texts, or a little more (line endings between them): room enough to copy them. */
  get span(): number {
    return this.regionEnd - this.regionStart;
  }

  /** Copies line `index` (without a line ending) into `target` at `at`; returns where it ends there. */
  copyLine(index: number, target: Uint8Array, at: number): number {
    const start = this.starts[index] as number;
    const length = (this.ends[index] as number) - start;
    const source = this.bytes;
    // Log lines are mostly short, and for a few dozen bytes a loop beats the copy call's own overhead.
    if (length > SHORT_COPY) source.copy(target, at, start, start + length);
    else for (let k = 0; k < length; k += 1) target[at + k] = source[start + k] as number;
    return at + length;
  }

  text(index: number): string {
    const start = this.starts[index] ?? 0;
    const end = this.ends[index] ?? 0;
    if (!this.ascii) return utf8Slice(this.bytes, start, end);
    // Most lines of a batch are wanted when one is: decode the batch once and slice it.
    this.#decoded ??= latin1Slice(this.bytes, 0, this.bytes.length);
    return this.#decoded.slice(start, end);
  }

  texts(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i += 1) out[i] = this.text(i);
    return out;
  }
}

/** A batch listener made of a line listener, for readers that want strings (probes, stop commands). */
export function eachText(onLine: (text: string) => void): (lines: LineBatch) => void {
  return (lines) => {
    for (let i = 0; i < lines.count; i += 1) onLine(lines.text(i));
  };
}

/**
 * An `output` listener that hands the lines on one by one as `log` events. A listener that throws
 * still sees the rest of the batch; the first error is rethrown after it, for the emitter to report.
 */
export function perLine(listener: (event: LogLineEvent) => void): (event: LogOutputEvent) => void {
  return (event) => {
    let failure: { error: unknown } | null = null;
    const { lines } = event;
    for (let i = 0; i < lines.count; i += 1) {
      try {
        listener({
          process: event.process,
          name: event.name,
          instance: event.instance,
          stream: event.stream,
          text: lines.text(i),
          time: event.time,
        });
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  };
}
