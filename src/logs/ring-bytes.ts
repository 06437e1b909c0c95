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

type Slice = (this: Buffer, start: number, end: number) => string;
type Write = (this: Buffer, text: string, offset: number) => number;
const proto = Buffer.prototype as unknown as { latin1Slice?: Slice; utf8Slice?: Slice; utf8Write?: Write };
/**
 * The internal methods `toString`/`write` end up in, without their argument checks: per line, those
 * checks cost as much as the copy. Looked up once, with the public methods as the fallback.
 */
const latin1: Slice =
  proto.latin1Slice ??
  function (this: Buffer, start, end) {
    return this.toString('latin1', start, end);
  };
const utf8: Slice =
  proto.utf8Slice ??
  function (this: Buffer, start, end) {
    return this.toString('utf8', start, end);
  };
const write: Write =
  proto.utf8Write ??
  function (this: Buffer, text, offset) {
    return this.write(text, offset);
  };

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

  /** Stores `text` as the line of `slot`, pushing out old lines if it must. */
  write(slot: number, text: string): void {
    let bytes = Buffer.byteLength(text);
    if (bytes > this.maxBytes) {
      // Only reachable with a bound below MIN_RING_BYTES: keep what fits rather than nothing.
      text = text.slice(0, Math.floor(this.maxBytes / 3));
      bytes = Buffer.byteLength(text);
    }
    // An empty line still takes a byte, so that offsets strictly increase along the ring and the
    // position of the oldest line alone tells whether the kept lines wrap around the end.
    const footprint = Math.max(bytes, 1);
    const at = this.#place(footprint);
    write.call(this.#data, text, at);
    this.#offsets[slot] = at;
    this.#lengths[slot] = bytes;
    this.#ascii[slot] = bytes === text.length ? 1 : 0;
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
    return (this.#ascii[slot] === 1 ? latin1 : utf8).call(this.#data, start, end);
  }

  /**
   * A text getter for a scan. `whole`: decode the buffer once and slice ASCII lines out of it —
   * cheaper than one decode per line when most lines are examined.
   */
  reader(whole: boolean): (slot: number) => string {
    if (!whole) return (slot) => this.text(slot);
    const all = latin1.call(this.#data, 0, this.#end);
    return (slot) => {
      if (this.#ascii[slot] !== 1) return this.text(slot);
      const start = this.#offsets[slot] ?? 0;
      return all.slice(start, start + (this.#lengths[slot] ?? 0));
    };
  }

  /** The slot arrays grew: `order[i]` (an old slot) is now slot `i`. */
  reslot(order: readonly number[], slots: number): void {
    const offsets = new Uint32Array(slots);
    const lengths = new Uint32Array(slots);
    const ascii = new Uint8Array(slots);
    order.forEach((slot, i) => {
      offsets[i] = this.#offsets[slot] ?? 0;
      lengths[i] = this.#lengths[slot] ?? 0;
      ascii[i] = this.#ascii[slot] ?? 0;
    });
    this.#offsets = offsets;
    this.#lengths = lengths;
    this.#ascii = ascii;
  }

  clear(): void {
    this.#write = 0;
    this.#end = 0;
    this.live = 0;
  }

  /** Where `bytes` go: free space after the newest line, else at 0, else grow, else evict. */
  #place(bytes: number): number {
    for (;;) {
      const oldest = this.owner.oldest();
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

  /** A bigger buffer, with the kept lines copied to its start in order. */
  #grow(bytes: number): void {
    let size = this.#data.length * 2;
    while (size < this.live + bytes) size *= 2;
    const data = Buffer.allocUnsafe(Math.min(this.maxBytes, size));
    let at = 0;
    for (const slot of this.owner.order()) {
      const start = this.#offsets[slot] ?? 0;
      const length = this.#lengths[slot] ?? 0;
      this.#data.copy(data, at, start, start + length);
      this.#offsets[slot] = at;
      at += Math.max(length, 1);
    }
    this.#data = data;
    this.#write = at;
    this.#end = at;
  }
}
