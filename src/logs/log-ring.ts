import { LineBatch } from '../core/line-batch.js';
import { detectBatchLevel, levelName } from './levels.js';
import { type CompiledQuery, STREAMS } from './query.js';
import { RingBytes, unrolled } from './ring-bytes.js';
import type { LogEntry } from './types.js';

/** Slots allocated at first; the ring doubles up to `maxLines` as lines come, so idle processes cost little. */
const INITIAL_SLOTS = 16;
/** Below this many lines to examine, a text search decodes line by line instead of the whole buffer. */
const WHOLE_DECODE_MIN = 256;
/** Batches waiting at most; past it they are settled (see `pushBatch`). */
const PENDING_BATCHES = 256;
/** A waiting batch whose lines' levels are detected when it is settled (output, not ovrseer's lines). */
const DETECT_LEVEL = -1;

/**
 * The kept lines of one process instance, oldest → newest, bounded by a line count and by bytes.
 * Columnar: seq and time in Float64Arrays, level and stream packed in a byte, and the texts UTF-8
 * encoded in one byte buffer (`RingBytes`) — not as JS strings. A string kept for a while ends up
 * in V8's old generation, and under a flood every evicted line became old garbage: the heap grew by
 * several times the buffer's size. Bytes cost exactly what they hold and nothing to collect.
 */
export class LogRing {
  #slots: number;
  #seqs: Float64Array;
  #times: Float64Array;
  /** `level | stream << 2`. */
  #meta: Uint8Array;
  #head = 0;
  #size = 0;
  #evicted = 0;
  readonly #bytes: RingBytes;
  /** Lines below this level are not kept (`LogStore.setLogLevel`); the store checks it per line. */
  minLevel = 0;
  /**
   * Batches taken whole (`pushBatch`) and not yet looked at: their lines go into the columns only when
   * someone reads the ring, and then only the newest `maxLines` of them. Under a flood that nobody
   * watches, a line costs nothing here.
   */
  #pending: { seq: number; time: number; stream: number; lines: LineBatch; level: number }[] = [];
  #pendingLines = 0;
  #pendingBytes = 0;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly instance: number | null,
    readonly maxLines: number,
    maxBytes: number,
  ) {
    if (!Number.isInteger(maxLines) || maxLines < 1) {
      throw new RangeError(`log buffer lines must be a positive integer, got ${maxLines}`);
    }
    this.#slots = Math.min(maxLines, INITIAL_SLOTS);
    this.#seqs = new Float64Array(this.#slots);
    this.#times = new Float64Array(this.#slots);
    this.#meta = new Uint8Array(this.#slots);
    this.#bytes = new RingBytes(maxBytes, this.#slots, {
      oldest: () => (this.#size === 0 ? -1 : this.#head),
      evictOldest: () => this.#evictOldest(),
      order: () => {
        const order: number[] = [];
        for (let i = 0; i < this.#size; i += 1) order.push(this.#slot(i));
        return order;
      },
    });
  }

  get size(): number {
    this.#settle();
    return this.#size;
  }
  /** UTF-8 bytes of the kept texts. */
  get bytes(): number {
    this.#settle();
    return this.#bytes.live;
  }
  /** Lines pushed out by the bounds so far. */
  get evicted(): number {
    this.#settle();
    return this.#evicted;
  }
  get oldestTime(): number | null {
    this.#settle();
    return this.#size === 0 ? null : (this.#times[this.#head] ?? null);
  }

  /**
   * Keeps all lines of a batch, with the seqs `seq`, `seq + 1`, …, their levels to be detected when
   * they are first read. Batches a later one makes irrelevant (newer lines fill the ring) are let go
   * at once, so what waits is bounded by `maxLines` lines and the byte bound.
   */
  pushBatch(seq: number, time: number, stream: number, lines: LineBatch): void {
    if (lines.count === 0) return;
    this.#enqueue(seq, time, stream, lines, DETECT_LEVEL);
  }

  /** `level` is the batch's, or DETECT_LEVEL for levels found per line when settled. */
  #enqueue(seq: number, time: number, stream: number, lines: LineBatch, level: number): void {
    lines.hold();
    this.#pending.push({ seq, time, stream, lines, level });
    this.#pendingLines += lines.count;
    this.#pendingBytes += lines.span;
    for (let oldest = this.#pending[0]; oldest !== undefined; oldest = this.#pending[0]) {
      const count = oldest.lines.count;
      const fewerLines = this.#pendingLines - count >= this.maxLines;
      if (!fewerLines && this.#pendingBytes - oldest.lines.span < this.#bytes.maxBytes) break;
      if (!fewerLines && this.#pending.length === 1) break;
      this.#pending.shift();
      oldest.lines.release();
      this.#pendingLines -= count;
      this.#pendingBytes -= oldest.lines.span;
      this.#evicted += count;
    }
    if (this.#pendingLines >= this.maxLines && this.#size > 0) {
      // Everything in the columns is older than the newest maxLines lines waiting.
      this.#evicted += this.#size;
      this.#head = 0;
      this.#size = 0;
      this.#bytes.clear();
    }
    // A quiet process brings a batch per line: those are cheap to settle, and objects add up.
    if (this.#pending.length > PENDING_BATCHES) this.#settle();
  }

  /** Moves the waiting batches into the columns: the newest `maxLines` lines of them. */
  #settle(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    let skip = Math.max(0, this.#pendingLines - this.maxLines);
    this.#pendingLines = 0;
    this.#pendingBytes = 0;
    for (const { seq, time, stream, lines, level } of pending) {
      const from = Math.min(skip, lines.count);
      skip -= from;
      this.#evicted += from;
      for (let i = from; i < lines.count; i += 1) {
        const lineLevel = level === DETECT_LEVEL ? detectBatchLevel(lines, i) : level;
        this.pushLine(seq + i, time, lineLevel, stream, lines, i);
      }
      // Copied into the columns: the read slab may take new reads.
      lines.release();
    }
  }

  push(seq: number, time: number, level: number, stream: number, text: string): void {
    // Batches still waiting are older than this line, which waits behind them: settling them here
    // would cost a flood's last maxLines lines at every state line that follows it.
    if (this.#pending.length > 0) {
      this.#enqueue(seq, time, stream, LineBatch.fromTexts([text]), level);
      return;
    }
    const slot = this.#nextSlot();
    this.#bytes.write(slot, text, this.#size === 0 ? -1 : this.#head);
    this.#filled(slot, seq, time, level, stream);
  }

  /** The slot for a new line, growing the slot arrays or pushing out the oldest line. */
  #nextSlot(): number {
    if (this.#size === this.#slots) {
      if (this.#slots < this.maxLines) this.#grow();
      else this.#evictOldest();
    }
    const slot = this.#head + this.#size;
    return slot >= this.#slots ? slot - this.#slots : slot;
  }

  /** After the text is in (making room for it may have pushed out old lines). */
  #filled(slot: number, seq: number, time: number, level: number, stream: number): void {
    this.#seqs[slot] = seq;
    this.#times[slot] = time;
    this.#meta[slot] = level | (stream << 2);
    this.#size += 1;
  }

  /** `push` for line `index` of a batch, as bytes. */
  pushLine(seq: number, time: number, level: number, stream: number, lines: LineBatch, index: number): void {
    const slot = this.#nextSlot();
    this.#bytes.writeLine(slot, lines, index, this.#size === 0 ? -1 : this.#head);
    this.#filled(slot, seq, time, level, stream);
  }

  /**
   * Slots of the entries that match, oldest first: the newest `limit` of them, or with `forward` the
   * oldest `limit` after the cursor.
   */
  scan(query: CompiledQuery): number[] {
    const out: number[] = [];
    if (query.limit <= 0 || !query.matchesProcess(this.id, this.name)) return out;
    this.#settle();
    const start = query.forward ? this.#firstAfter(query.after) : 0;
    const text = this.#bytes.reader(this.#size - start >= WHOLE_DECODE_MIN && query.matchText !== null);
    if (query.forward) {
      for (let i = start; i < this.#size && out.length < query.limit; i += 1) {
        const slot = this.#slot(i);
        if (this.#matches(slot, query, text)) out.push(slot);
      }
      return out;
    }
    const end = query.before === Number.POSITIVE_INFINITY ? this.#size : this.#firstAfter(query.before - 1);
    for (let i = end - 1; i >= 0 && out.length < query.limit; i -= 1) {
      const slot = this.#slot(i);
      if ((this.#seqs[slot] ?? 0) <= query.after) break;
      if (this.#matches(slot, query, text)) out.push(slot);
    }
    return out.reverse();
  }

  seqOf(slot: number): number {
    return this.#seqs[slot] ?? 0;
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
      text: this.#bytes.text(slot),
    };
  }

  clear(): void {
    for (const { lines } of this.#pending) lines.release();
    this.#pending = [];
    this.#pendingLines = 0;
    this.#pendingBytes = 0;
    this.#head = 0;
    this.#size = 0;
    this.#bytes.clear();
  }

  #matches(slot: number, query: CompiledQuery, text: (slot: number) => string): boolean {
    const meta = this.#meta[slot] ?? 0;
    if ((meta & 0b11) < query.minLevel || ((1 << (meta >> 2)) & query.streamMask) === 0) return false;
    const time = this.#times[slot] ?? 0;
    if (time < query.since || time >= query.until) return false;
    return query.matchText === null || query.matchText(text(slot));
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
    this.#bytes.release(this.#head);
    this.#head = this.#head + 1 === this.#slots ? 0 : this.#head + 1;
    this.#size -= 1;
    this.#evicted += 1;
  }

  /** Only called when every slot is taken: the ring is then [head, end) followed by [0, head). */
  #grow(): void {
    const slots = Math.min(this.maxLines, this.#slots * 2);
    this.#seqs = unrolled(this.#seqs, this.#head, slots);
    this.#times = unrolled(this.#times, this.#head, slots);
    this.#meta = unrolled(this.#meta, this.#head, slots);
    this.#bytes.reslot(this.#head, slots);
    this.#slots = slots;
    this.#head = 0;
  }
}
