import { utf8Write } from '../core/fast-buffer.js';
import type { LineBatch } from '../core/line-batch.js';

/** Bytes per slab. Lines are encoded into slabs as they come; a write hands whole slabs to the disk. */
const SLAB = 256 * 1024;
/**
 * Written slabs kept for reuse while a burst lasts (as many as the default queue bound holds): a flood
 * would otherwise allocate, and leave to the collector, four per megabyte. `trim` lets them go after.
 */
const POOL = 192;
const NEWLINE = 0x0a;
/** Raw bytes shorter than this are copied into a slab (a quiet process's lines); longer ones are kept as they are. */
const RAW_COPY_BELOW = 4096;

interface Slab {
  buffer: Buffer;
  /** First byte not yet taken. */
  start: number;
  /** End of the encoded lines. */
  end: number;
  lines: number;
  /** The batch whose read slab `buffer` is part of, held until the bytes are written. */
  held?: LineBatch;
}

/**
 * Lines waiting for the disk, UTF-8 encoded at once into 256 KiB slabs. Encoding as they come costs
 * less than keeping a string per line and encoding later, leaves nothing per line for the garbage
 * collector, and makes the queue's size exact: bytes, as they will be written.
 */
export class LineQueue {
  #slabs: Slab[] = [];
  #current: Slab | null = null;
  readonly #pool: Buffer[] = [];
  readonly #own = new WeakSet<ArrayBufferLike>();
  #prefix = '';
  #prefixBytes = Buffer.alloc(0);
  /** Bytes queued. */
  bytes = 0;
  /** Lines queued. */
  lines = 0;

  /** Appends `prefix + text + "\n"`; returns the bytes that took. */
  push(prefix: string, text: string): number {
    this.#setPrefix(prefix);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const worst = this.#prefixBytes.length + text.length * 3 + 1;
    let slab = this.#current;
    if (slab === null || slab.end + worst > slab.buffer.length) slab = this.#open(worst);
    const start = slab.end;
    slab.buffer.set(this.#prefixBytes, start);
    const end =
      start + this.#prefixBytes.length + utf8Write(slab.buffer, text, start + this.#prefixBytes.length);
    slab.buffer[end] = NEWLINE;
    slab.end = end + 1;
    slab.lines += 1;
    this.bytes += slab.end - start;
    this.lines += 1;
    return slab.end - start;
  }

  /**
   * Appends `prefix + line + "\n"` for lines `from` to `to` of a batch, copying their bytes, while
   * fewer than `room` bytes were appended; returns the index after the last line appended.
   */
  pushLines(
    prefix: string,
    lines: LineBatch,
    from: number,
    to: number,
    room = Number.POSITIVE_INFINITY,
  ): number {
    this.#setPrefix(prefix);
    const head = this.#prefixBytes;
    const headLength = head.length;
    const { starts, ends } = lines;
    let slab = this.#current;
    let total = 0;
    let i = from;
    for (; i < to && total < room; i += 1) {
      const start = starts[i] as number;
      const length = (ends[i] as number) - start;
      const size = headLength + length + 1;
      if (slab === null || slab.end + size > slab.buffer.length) slab = this.#open(size);
      const buffer = slab.buffer;
      let at = slab.end;
      // `set` of a whole typed array is a builtin, not a call into C++: cheaper than a loop even for
      // 40 bytes. The text is a part of the chunk, which `set` would need a view for.
      buffer.set(head, at);
      at = lines.copyLine(i, buffer, at + headLength);
      buffer[at] = NEWLINE;
      slab.end = at + 1;
      slab.lines += 1;
      total += size;
    }
    this.bytes += total;
    this.lines += i - from;
    return i;
  }

  /**
   * Appends bytes that are whole lines already (each ending in a newline), as they are: the output of
   * a process for its raw log file. One copy per pipe read, nothing per line; a read of 4 KiB or more
   * is kept as it is, and `holder`, the batch `bytes` belong to, held until written.
   */
  pushRaw(bytes: Buffer, from: number, to: number, lines: number, holder?: LineBatch): void {
    const size = to - from;
    if (size <= 0) return;
    if (size < RAW_COPY_BELOW) {
      let slab = this.#current;
      if (slab === null || slab.end + size > slab.buffer.length) slab = this.#open(size);
      slab.buffer.set(bytes.subarray(from, to), slab.end);
      slab.end += size;
      slab.lines += lines;
    } else {
      // A pipe read is not written to again (a read slab not before it is released): the write takes
      // it as it is, no copy to hold beside it.
      this.#seal();
      holder?.hold();
      this.#slabs.push({ buffer: bytes.subarray(from, to), start: 0, end: size, lines, held: holder });
    }
    this.bytes += size;
    this.lines += lines;
  }

  /**
   * The prefix (time, process, stream, level) repeats for a millisecond's lines: encoded once, then
   * copied, which costs a quarter of encoding it again.
   */
  #setPrefix(prefix: string): void {
    if (prefix !== this.#prefix) {
      this.#prefix = prefix;
      this.#prefixBytes = Buffer.from(prefix);
    }
  }

  get isEmpty(): boolean {
    return this.lines === 0;
  }

  /**
   * Whole lines from the front, at most `limit` bytes — but at least one line, however long. The
   * buffers stay valid until `release` is called with them.
   */
  take(limit: number): { buffers: Buffer[]; bytes: number; lines: number; held: LineBatch[] } {
    this.#seal();
    const buffers: Buffer[] = [];
    const held: LineBatch[] = [];
    let bytes = 0;
    let lines = 0;
    while (this.#slabs.length > 0) {
      const slab = this.#slabs[0] as Slab;
      const size = slab.end - slab.start;
      if (bytes + size <= limit) {
        buffers.push(slab.buffer.subarray(slab.start, slab.end));
        bytes += size;
        lines += slab.lines;
        if (slab.held !== undefined) held.push(slab.held);
        this.#slabs.shift();
        continue;
      }
      let cut = slab.buffer.lastIndexOf(NEWLINE, slab.start + (limit - bytes) - 1);
      if (cut < slab.start) cut = buffers.length === 0 ? slab.buffer.indexOf(NEWLINE, slab.start) : -1;
      if (cut >= slab.start && cut < slab.end) {
        const head = slab.buffer.subarray(slab.start, cut + 1);
        const headLines = countLines(head);
        // A copy: the slab stays queued, and its bytes may be reused before this write is done.
        buffers.push(Buffer.from(head));
        bytes += head.length;
        lines += headLines;
        slab.start = cut + 1;
        slab.lines -= headLines;
      }
      break;
    }
    this.bytes -= bytes;
    this.lines -= lines;
    return { buffers, bytes, lines, held };
  }

  /** Gives written buffers back for reuse, and lets go of the batches they were (`take`'s `held`). */
  release(buffers: readonly Buffer[], held: readonly LineBatch[] = []): void {
    for (const batch of held) batch.release();
    for (const buffer of buffers) {
      // Only slabs this queue allocated: raw bytes kept as they came are someone else's too.
      if (!this.#own.has(buffer.buffer)) continue;
      if (buffer.byteOffset === 0 && buffer.buffer.byteLength === SLAB && this.#pool.length < POOL) {
        this.#pool.push(Buffer.from(buffer.buffer, 0, SLAB));
      }
    }
  }

  /** Lets go of pooled slabs beyond one, once a burst is over. */
  trim(): void {
    this.#pool.length = Math.min(this.#pool.length, 1);
  }

  /** Empties the queue; returns how many lines were in it. */
  clear(): number {
    const lines = this.lines;
    for (const slab of this.#slabs) slab.held?.release();
    this.#slabs = [];
    this.#current = null;
    this.bytes = 0;
    this.lines = 0;
    return lines;
  }

  #open(worst: number): Slab {
    this.#seal();
    const buffer = worst <= SLAB ? (this.#pool.pop() ?? this.#allocate(SLAB)) : this.#allocate(worst);
    const slab: Slab = { buffer, start: 0, end: 0, lines: 0 };
    this.#current = slab;
    return slab;
  }

  #allocate(size: number): Buffer {
    // `allocUnsafeSlow`: never a slice of Node's shared pool, so the ArrayBuffer is this slab's alone.
    const buffer = Buffer.allocUnsafeSlow(size);
    this.#own.add(buffer.buffer);
    return buffer;
  }

  #seal(): void {
    if (this.#current !== null && this.#current.lines > 0) this.#slabs.push(this.#current);
    this.#current = null;
  }
}

function countLines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/** The buffers after the first `count` bytes: what is left after a short write. */
export function skipBytes(buffers: readonly Buffer[], count: number): Buffer[] {
  let skip = count;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}
