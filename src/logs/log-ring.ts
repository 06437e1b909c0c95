import { levelName } from './levels.js';
import { type CompiledQuery, STREAMS } from './query.js';
import type { LogEntry } from './types.js';

/** Slots allocated at first; the ring doubles up to `maxLines` as lines come, so idle processes cost little. */
const INITIAL_SLOTS = 256;

/**
 * The kept lines of one process instance, oldest → newest, bounded by a line count and by the total
 * length of the texts. Columnar: seq and time in Float64Arrays, level and stream packed in a byte,
 * texts in a plain array. Appending allocates nothing, and a scan reads numbers before it touches a
 * string, so filters on level, stream, time and cursor cost no string access.
 */
export class LogRing {
  #slots: number;
  #seqs: Float64Array;
  #times: Float64Array;
  /** `level | stream << 2`. */
  #meta: Uint8Array;
  /** Text lengths, so eviction need not touch the (old, uncached) string itself. */
  #lengths: Uint32Array;
  #texts: string[];
  #head = 0;
  #size = 0;
  #chars = 0;
  #evicted = 0;
  /** Lines below this level are not kept (`LogStore.setLogLevel`); the store checks it per line. */
  minLevel = 0;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly instance: number | null,
    readonly maxLines: number,
    /** Bound on the summed length of the kept texts (string length: bytes for ASCII). */
    readonly maxChars: number,
  ) {
    if (!Number.isInteger(maxLines) || maxLines < 1) {
      throw new RangeError(`log buffer lines must be a positive integer, got ${maxLines}`);
    }
    this.#slots = Math.min(maxLines, INITIAL_SLOTS);
    this.#seqs = new Float64Array(this.#slots);
    this.#times = new Float64Array(this.#slots);
    this.#meta = new Uint8Array(this.#slots);
    this.#lengths = new Uint32Array(this.#slots);
    this.#texts = new Array<string>(this.#slots).fill('');
  }

  get size(): number {
    return this.#size;
  }
  /** Summed length of the kept texts. */
  get chars(): number {
    return this.#chars;
  }
  /** Lines pushed out by the bounds so far. */
  get evicted(): number {
    return this.#evicted;
  }
  get oldestTime(): number | null {
    return this.#size === 0 ? null : (this.#times[this.#head] ?? null);
  }

  push(seq: number, time: number, level: number, stream: number, text: string): void {
    const length = text.length;
    if (this.#size === this.#slots) {
      if (this.#slots < this.maxLines) {
        this.#grow();
      } else {
        // Full: the new line takes the oldest one's slot, so there is nothing to clear.
        this.#chars -= this.#lengths[this.#head] ?? 0;
        this.#head = this.#head + 1 === this.#slots ? 0 : this.#head + 1;
        this.#size -= 1;
        this.#evicted += 1;
      }
    }
    while (this.#size > 0 && this.#chars + length > this.maxChars) this.#evictOldest();
    let slot = this.#head + this.#size;
    if (slot >= this.#slots) slot -= this.#slots;
    this.#seqs[slot] = seq;
    this.#times[slot] = time;
    this.#meta[slot] = level | (stream << 2);
    this.#lengths[slot] = length;
    this.#texts[slot] = text;
    this.#size += 1;
    this.#chars += length;
  }

  /**
   * Slots of the entries that match, oldest first: the newest `limit` of them, or with `forward` the
   * oldest `limit` after the cursor.
   */
  scan(query: CompiledQuery): number[] {
    const out: number[] = [];
    if (query.limit <= 0 || !query.matchesProcess(this.id, this.name)) return out;
    if (query.forward) {
      for (let i = this.#firstAfter(query.after); i < this.#size && out.length < query.limit; i += 1) {
        const slot = this.#slot(i);
        if (this.#matches(slot, query)) out.push(slot);
      }
      return out;
    }
    for (let i = this.#size - 1; i >= 0 && out.length < query.limit; i -= 1) {
      const slot = this.#slot(i);
      if ((this.#seqs[slot] ?? 0) <= query.after) break;
      if (this.#matches(slot, query)) out.push(slot);
    }
    return out.reverse();
  }

  entry(slot: number): LogEntry {
    const meta = this.#meta[slot] ?? 0;
    return {
      seq: this.#seqs[slot] ?? 0,
      time: this.#times[slot] ?? 0,
      process: this.id,
      name: this.name,
      instance: this.instance,
      stream: STREAMS[meta >> 2] ?? 'out',
      level: levelName(meta & 0b11),
      text: this.#texts[slot] ?? '',
    };
  }

  clear(): void {
    this.#texts.fill('');
    this.#head = 0;
    this.#size = 0;
    this.#chars = 0;
  }

  #matches(slot: number, query: CompiledQuery): boolean {
    const meta = this.#meta[slot] ?? 0;
    if ((meta & 0b11) < query.minLevel || ((1 << (meta >> 2)) & query.streamMask) === 0) return false;
    const time = this.#times[slot] ?? 0;
    if (time < query.since || time >= query.until) return false;
    return query.matchText === null || query.matchText(this.#texts[slot] ?? '');
  }

  /** Logical index of the first entry with seq > `after` (seqs increase along the ring). */
  #firstAfter(after: number): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#seqs[this.#slot(mid)] ?? 0) <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #slot(index: number): number {
    const slot = this.#head + index;
    return slot >= this.#slots ? slot - this.#slots : slot;
  }

  #evictOldest(): void {
    this.#chars -= this.#lengths[this.#head] ?? 0;
    this.#texts[this.#head] = '';
    this.#head = this.#head + 1 === this.#slots ? 0 : this.#head + 1;
    this.#size -= 1;
    this.#evicted += 1;
  }

  #grow(): void {
    const slots = Math.min(this.maxLines, this.#slots * 2);
    const seqs = new Float64Array(slots);
    const times = new Float64Array(slots);
    const meta = new Uint8Array(slots);
    const lengths = new Uint32Array(slots);
    const texts = new Array<string>(slots).fill('');
    for (let i = 0; i < this.#size; i += 1) {
      const slot = this.#slot(i);
      seqs[i] = this.#seqs[slot] ?? 0;
      times[i] = this.#times[slot] ?? 0;
      meta[i] = this.#meta[slot] ?? 0;
      lengths[i] = this.#lengths[slot] ?? 0;
      texts[i] = this.#texts[slot] ?? '';
    }
    this.#slots = slots;
    this.#seqs = seqs;
    this.#times = times;
    this.#meta = meta;
    this.#lengths = lengths;
    this.#texts = texts;
    this.#head = 0;
  }
}
