import { isAscii, isUtf8 } from 'node:buffer';
import { LineBatch, SlabLease } from './line-batch.js';
import { countNewlines } from './newline-count.js';
import { MIN_READ, READ_SLAB, type ReadTarget } from './pipe-reader.js';

const NEWLINE = 0x0a;
/** Released read slabs kept for the next reads (one stream's flood cycles through few). */
const FREE_SLABS = 4;
const CARRIAGE_RETURN = 0x0d;

/** @default 65536 — lines longer than this are cut, so one runaway line cannot exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export const TRUNCATION_MARKER = ' … [ovrseer: line cut';

/**
 * Turns a byte stream into batches of lines, one batch per chunk with complete lines (a line split
 * across chunks is held and comes with the chunk that ends it). A partial line still held is emitted
 * by `end()`, so a last line without a trailing newline is never lost. Splitting happens on bytes, so a
 * multi-byte character split across chunks stays intact; invalid UTF-8 becomes U+FFFD, CRLF endings
 * lose their CR, over-long lines are cut with a marker.
 *
 * The common chunk — valid UTF-8, no line over the cap — is not copied: the batch points into it.
 */
export class LineSplitter implements ReadTarget {
  readonly #maxLineBytes: number;
  readonly #onLines: (lines: LineBatch) => void;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes dropped from the current over-long line, still waiting for its newline. */
  #discarding = 0;
  /** Where reads go (`readTarget`): bytes before `#slabUsed` are batches' and held lines', never written again. */
  #slab: Buffer | null = null;
  #slabUsed = 0;
  #lease: SlabLease | null = null;
  readonly #free: Buffer[] = [];

  constructor(onLines: (lines: LineBatch) => void, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.#onLines = onLines;
    this.#maxLineBytes = maxLineBytes;
  }

  /**
   * The room for the next pipe read: right after the previous one, so that a line split between them
   * is one run of bytes. A new slab starts with a copy of the held start of a line (at most the cap):
   * what the splitter joins is then still contiguous.
   */
  readTarget(): Buffer {
    let slab = this.#slab;
    if (slab === null || slab.length - this.#slabUsed < MIN_READ) {
      const size = Math.max(READ_SLAB, this.#pendingBytes + MIN_READ);
      const reused = size === READ_SLAB ? this.#free.pop() : undefined;
      // `allocUnsafeSlow`: a slab of its own, not a slice of Node's shared pool.
      slab = reused ?? Buffer.allocUnsafeSlow(size);
      this.#slabUsed = 0;
      if (this.#pendingBytes > 0) {
        const held = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
        held.copy(slab, 0);
        this.#pending = [slab.subarray(0, held.length)];
        this.#slabUsed = held.length;
      }
      // The old slab's held line is copied: only its batches keep it now.
      this.#lease?.close();
      this.#lease = new SlabLease(slab, (buffer) => {
        if (buffer.length === READ_SLAB && this.#free.length < FREE_SLABS) this.#free.push(buffer);
      });
      this.#slab = slab;
    }
    // No more than 64 KiB per read, as Node reads: with the default cap, new bytes that few cannot hold
    // an over-long line, which spares the line-by-line check (`#emit`) — a read of 256 KiB took it.
    return slab.subarray(this.#slabUsed, this.#slabUsed + MIN_READ);
  }

  pushRead(count: number): void {
    const slab = this.#slab;
    if (slab === null || count <= 0) return;
    const chunk = slab.subarray(this.#slabUsed, this.#slabUsed + count);
    this.#slabUsed += count;
    this.push(chunk);
  }

  push(chunk: Buffer): void {
    let bytes = chunk;
    let from = 0;
    if (this.#discarding > 0) {
      // The held line was cut already: it ends, marker and all, on the slow path.
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.#hold(chunk);
        return;
      }
      this.#onLines(LineBatch.fromTexts([this.#completeLine(chunk.subarray(0, newline))]));
      from = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < from) {
      if (from < chunk.length) this.#hold(chunk.subarray(from));
      return;
    }
    if (this.#pendingBytes > 0) {
      // The held start of the first line joins the chunk's complete lines: one region, one batch —
      // a view when the chunk was read right after it (`readTarget`), else a copy.
      const held = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : null;
      bytes =
        held !== null && held.buffer === chunk.buffer && held.byteOffset + held.length === chunk.byteOffset
          ? Buffer.from(chunk.buffer, held.byteOffset, held.length + last + 1)
          : Buffer.concat([...this.#pending, chunk.subarray(0, last + 1)]);
      const newline = chunk.indexOf(NEWLINE);
      const endsWithCr =
        (newline > 0 ? chunk[newline - 1] : bytes[this.#pendingBytes - 1]) === CARRIAGE_RETURN;
      const heldLine = this.#pendingBytes + newline - (endsWithCr ? 1 : 0);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#emit(bytes, 0, bytes.length, heldLine);
    } else {
      this.#emit(chunk, from, last + 1);
    }
    if (last + 1 < chunk.length) this.#hold(chunk.subarray(last + 1));
  }

  /** Emits the held partial line, if any. */
  end(): void {
    if (this.#pendingBytes > 0 || this.#discarding > 0) {
      this.#onLines(LineBatch.fromTexts([this.#completeLine(Buffer.alloc(0))]));
    }
  }

  /**
   * The lines of `bytes[from, to)`, which ends with a newline. A region no longer than the cap holds
   * no over-long line, which spares looking at each line: the lines are only counted (see
   * newline-count.ts) and the batch finds their offsets if anyone asks. `heldLine` is the length of
   * the first line (without a CR) when it began in an earlier chunk (the region is then a
   * concatenation).
   */
  #emit(bytes: Buffer, from: number, to: number, heldLine = 0): void {
    const region = bytes.subarray(from, to);
    const ascii = isAscii(region);
    if (to - from - heldLine <= this.#maxLineBytes + 1 && heldLine <= this.#maxLineBytes) {
      if (ascii || isUtf8(region)) {
        this.#hand(this.#batch(bytes, from, to, countNewlines(bytes, from, to), ascii));
        return;
      }
    } else if (this.#emitChecked(bytes, from, to, ascii)) {
      return;
    }
    // Invalid UTF-8 or an over-long line somewhere: line by line, as strings.
    const texts: string[] = [];
    for (let start = from; start < to; ) {
      const newline = bytes.indexOf(NEWLINE, start);
      texts.push(this.#completeLine(bytes.subarray(start, newline)));
      start = newline + 1;
    }
    this.#onLines(LineBatch.fromTexts(texts));
  }

  /** A long region: line by line, to find an over-long line; `false` when one (or bad UTF-8) is there. */
  #emitChecked(bytes: Buffer, from: number, to: number, ascii: boolean): boolean {
    let count = 0;
    for (let start = from; start < to; ) {
      const newline = bytes.indexOf(NEWLINE, start);
      let end = newline;
      if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
      if (end - start > this.#maxLineBytes) return false;
      count += 1;
      start = newline + 1;
    }
    if (!ascii && !isUtf8(bytes.subarray(from, to))) return false;
    this.#hand(this.#batch(bytes, from, to, count, ascii));
    return true;
  }

  /** A batch of `bytes[from, to)`, leased when those bytes are the current read slab's. */
  #batch(bytes: Buffer, from: number, to: number, count: number, ascii: boolean): LineBatch {
    const lease = this.#lease;
    if (lease !== null && bytes.buffer === lease.buffer.buffer) {
      return LineBatch.leased(bytes, from, to, count, ascii, lease);
    }
    return LineBatch.region(bytes, from, to, count, ascii);
  }

  /** Hands a batch on, holding it for the call: whoever keeps it holds it too. */
  #hand(batch: LineBatch): void {
    batch.hold();
    try {
      this.#onLines(batch);
    } finally {
      batch.release();
    }
  }

  #hold(part: Buffer): void {
    if (this.#discarding > 0) {
      this.#discarding += part.length;
      return;
    }
    const last = this.#pending[this.#pending.length - 1];
    if (
      last !== undefined &&
      last.buffer === part.buffer &&
      last.byteOffset + last.length === part.byteOffset
    ) {
      // Read right after it: one view of both.
      this.#pending[this.#pending.length - 1] = Buffer.from(
        part.buffer,
        last.byteOffset,
        last.length + part.length,
      );
    } else {
      this.#pending.push(part);
    }
    this.#pendingBytes += part.length;
    // One byte of slack: the CR of a CRLF ending must not count against the cap.
    if (this.#pendingBytes > this.#maxLineBytes + 1) {
      const whole = Buffer.concat(this.#pending, this.#pendingBytes);
      const cut = utf8Boundary(whole, this.#maxLineBytes);
      this.#discarding = whole.length - cut;
      this.#pending = [whole.subarray(0, cut)];
      this.#pendingBytes = cut;
    }
  }

  /** The text of the held part plus `tail`, which reached the newline; clears what was held. */
  #completeLine(tail: Buffer): string {
    let line: Buffer;
    if (this.#pendingBytes === 0 && this.#discarding === 0) {
      line = tail;
    } else {
      this.#hold(tail);
      line = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    }
    if (this.#discarding === 0 && line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN) {
      line = line.subarray(0, line.length - 1);
    }
    if (line.length > this.#maxLineBytes) {
      const cut = utf8Boundary(line, this.#maxLineBytes);
      this.#discarding += line.length - cut;
      line = line.subarray(0, cut);
    }
    let text = line.toString('utf8');
    if (this.#discarding > 0) {
      text += `${TRUNCATION_MARKER} at ${this.#maxLineBytes} bytes, ${this.#discarding} more bytes dropped]`;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#discarding = 0;
    return text;
  }
}

/** The largest index <= `limit` that does not split a UTF-8 sequence. */
function utf8Boundary(buffer: Buffer, limit: number): number {
  let cut = Math.min(limit, buffer.length);
  // Continuation bytes look like 0b10xxxxxx; back off to the start of the character.
  while (cut > 0 && cut < buffer.length && ((buffer[cut] as number) & 0xc0) === 0x80) cut -= 1;
  return cut;
}
