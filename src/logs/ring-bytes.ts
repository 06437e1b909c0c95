import { latin1Slice, utf8Slice, utf8Write } from '../core/fast-buffer.js';
import type { LineBatch } from '../core/line-batch.js';

/**
 * The least byte bound a store gives its rings: the longest line the engine emits (cut at 64 KiB,
 * where each invalid byte may have become a 3-byte U+FFFD) must fit whole.
 */
export const MIN_RING_BYTES = 256 * 1024;
const INITIAL_BYTES = 64 * 1024;

/** What the ring's slots are to the bytes: which line is oldest, and pushing it out. */
export interface SlotOwner {
  /** Slot of the oldest line, or -1 when empty. */
  oldest(): number;
  evictOldest(): void;
  /** Slots from oldest to newest. */
  order(): number[];
}

/**
 * The texts of a `LogRing`, UTF-8 encoded in one circular buffer that grows (doubling) up to
 * `maxBytes`. Each line is contiguous; a line that does not fit before the end starts again at 0.
 * Making room pushes out the oldest lines, through the owner, so the slots stay in step.
 */
export class RingBytes {
  readonly maxBytes: number;
  #data: Buffer;
  #offsets: Uint32Array;
  #lengths: Uint32Array;
  /** 1 when the line is ASCII: bytes and characters are then the same, which decoding can use. */
  #ascii: Uint8Array;
  #write = 0;
  /** Highest byte ever written in the current buffer: decoding the whole buffer stops there. */
  #end = 0;
  /** Bytes of the kept lines. */
  live = 0;

  constructor(
    maxBytes: number,
    slots: number,
    private readonly owner: SlotOwner,
  ) {
    this.maxBytes = Math.max(1, maxBytes);
    this.#data = Buffer.allocUnsafe(Math.min(this.maxBytes, INITIAL_BYTES));
    this.#offsets = new Uint32Array(slots);
    this.#lengths = new Uint32Array(slots);
    this.#ascii = new Uint8Array(slots);
  }

  /** Stores `text` as the line of `slot`, pushing out old lines if it must. `oldest`: as `SlotOwner`'s. */
  write(slot: number, text: string, oldest: number): void {
    let bytes = Buffer.byteLength(text);
    if (bytes > this.maxBytes) {
      // Only reachable with a bound below MIN_RING_BYTES: keep what fits rather than nothing.
      text = text.slice(0, Math.floor(this.maxBytes / 3));
      bytes = Buffer.byteLength(text);
    }
    // An empty line still takes a byte, so that offsets strictly increase along the ring and the
    // position of the oldest line alone tells whether the kept lines wrap around the end.
    const at = this.#place(Math.max(bytes, 1), oldest);
    utf8Write(this.#data, text, at);
    this.#taken(slot, at, bytes, bytes === text.length);
  }

  /** `write` for line `index` of a batch: its bytes are copied as they are, never decoded. */
  writeLine(slot: number, lines: LineBatch, index: number, oldest: number): void {
    const start = lines.starts[index] ?? 0;
    const end = lines.ends[index] ?? 0;
    const bytes = end - start;
    if (bytes > this.maxBytes) {
      this.write(slot, lines.text(index), oldest);
      return;
    }
    const at = this.#place(Math.max(bytes, 1), oldest);
    lines.copyLine(index, this.#data, at);
    // In a batch that is not all ASCII, a line may still be; 0 only costs the faster decoding.
    this.#taken(slot, at, bytes, lines.ascii);
  }

  #taken(slot: number, at: number, bytes: number, ascii: boolean): void {
    const footprint = Math.max(bytes, 1);
    this.#offsets[slot] = at;
    this.#lengths[slot] = bytes;
    this.#ascii[slot] = ascii ? 1 : 0;
    this.#write = at + footprint;
    if (this.#write > this.#end) this.#end = this.#write;
    this.live += footprint;
  }

  /** The line of `slot` leaves (evicted): its bytes become free. */
  release(slot: number): void {
    this.live -= Math.max(this.#lengths[slot] ?? 0, 1);
  }

  text(slot: number): string {
    const start = this.#offsets[slot] ?? 0;
    const end = start + (this.#lengths[slot] ?? 0);
    return this.#ascii[slot] === 1 ? latin1Slice(this.#data, start, end) : utf8Slice(this.#data, start, end);
  }

  /**
   * A text getter for a scan. `whole`: decode the buffer once and slice ASCII lines out of it —
   * cheaper than one decode per line when most lines are examined.
   */
  reader(whole: boolean): (slot: number) => string {
    if (!whole) return (slot) => this.text(slot);
    const all = latin1Slice(this.#data, 0, this.#end);
    return (slot) => {
      if (this.#ascii[slot] !== 1) return this.text(slot);
      const start = this.#offsets[slot] ?? 0;
      return all.slice(start, start + (this.#lengths[slot] ?? 0));
    };
  }

  /** The slot arrays grew from full: the old slot `head` is now slot 0, and so on in order. */
  reslot(head: number, slots: number): void {
    this.#offsets = unrolled(this.#offsets, head, slots);
    this.#lengths = unrolled(this.#lengths, head, slots);
    this.#ascii = unrolled(this.#ascii, head, slots);
  }

  clear(): void {
    this.#write = 0;
    this.#end = 0;
    this.live = 0;
  }

  /** Where `bytes` go: free space after the newest line, else at 0, else grow, else evict. */
  #place(bytes: number, oldestNow: number): number {
    let oldest = oldestNow;
    for (; ; oldest = this.owner.oldest()) {
      const size = this.#data.length;
      if (oldest === -1) {
        this.#write = 0;
        if (bytes <= size) return 0;
      } else {
        const first = this.#offsets[oldest] ?? 0;
        // Kept lines run from `first` to `#write`, around the end when `first` is not below it.
        if (first >= this.#write) {
          if (this.#write + bytes <= first) return this.#write;
        } else if (this.#write + bytes <= size) {
          return this.#write;
        } else if (bytes <= first) {
          this.#write = 0;
          return 0;
        }
      }
      if (size < this.maxBytes) {
        this.#grow(bytes);
        continue;
      }
      // Full: the tail after the newest line is too short, so the next line goes to 0.
      if (oldest !== -1 && (this.#offsets[oldest] ?? 0) < this.#write) this.#write = 0;
      this.owner.evictOldest();
    }
  }

  /** A bigger buffer, with the kept lines moved to its start in order: at most two copies. */
  #grow(bytes: number): void {
    let size = this.#data.length * 2;
    while (size < this.live + bytes) size *= 2;
    const data = Buffer.allocUnsafe(Math.min(this.maxBytes, size));
    const order = this.owner.order();
    const first = this.#offsets[order[0] ?? 0] ?? 0;
    // Lines from `first` up to the wrap point, then (when the ring wrapped) from 0 up to `#write`.
    let upperEnd = this.#write;
    if (order.length > 0 && first >= this.#write) {
      for (const slot of order) {
        const start = this.#offsets[slot] ?? 0;
        if (start >= first) upperEnd = Math.max(upperEnd, start + Math.max(this.#lengths[slot] ?? 0, 1));
      }
    }
    const upper = order.length === 0 ? 0 : upperEnd - first;
    if (upper > 0) this.#data.copy(data, 0, first, upperEnd);
    const lower = order.length > 0 && first >= this.#write ? this.#write : 0;
    if (lower > 0) this.#data.copy(data, upper, 0, lower);
    for (const slot of order) {
      const start = this.#offsets[slot] ?? 0;
      this.#offsets[slot] = start >= first && upper > 0 ? start - first : start + upper;
    }
    this.#data = data;
    this.#write = upper + lower;
    this.#end = this.#write;
  }
}

/** A longer copy of a full circular column starting at `head`, unrolled so it starts at 0. */
export function unrolled<T extends Float64Array | Uint32Array | Uint8Array>(
  column: T,
  head: number,
  length: number,
): T {
  const out = new (column.constructor as new (length: number) => T)(length);
  out.set(column.subarray(head), 0);
  out.set(column.subarray(0, head), column.length - head);
  return out;
}
