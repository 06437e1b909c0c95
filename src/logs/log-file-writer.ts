import { access, type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { OvrseerError } from '../errors.js';
import { compressFile, rotatedPath, shiftRotated } from './rotation.js';

/** Characters per queued chunk. */
const CHUNK = 256 * 1024;

export type DropReason = 'behind' | 'disk-error';

export interface LogFileWriterOptions {
  path: string;
  /** Rotate before the file would grow past this many bytes; 0 = never rotate. */
  maxSize: number;
  /** Rotated (gzip-compressed) files kept; older ones are deleted. */
  keep: number;
  /**
   * Text waiting for the disk, in characters. Past it, lines are counted instead of queued, so a child
   * that prints faster than the disk writes can neither grow memory nor be slowed down. @default 16 MiB
   */
  maxQueued?: number;
  /** Characters handed to one `write`. @default 4 MiB */
  maxBatch?: number;
  /** Called once room is back after lines were dropped, before any later line is queued. */
  onDropped(count: number, reason: DropReason): void;
  /** Called once per failure (not per line); writing is retried after `retryDelay`. */
  onError(error: Error, operation: string): void;
  /** @default 1000 */
  retryDelay?: number;
}

/**
 * Appends lines to one file: queued in memory and written in batches, one `write` per batch, off the
 * caller's path — the child whose output this is never waits for the disk. Rotates by size, gzips the
 * rotated file in the background and keeps `keep` of them, so disk use is bounded.
 */
export class LogFileWriter {
  readonly path: string;
  readonly #options: LogFileWriterOptions;
  readonly #maxQueued: number;
  readonly #maxBatch: number;
  /**
   * Lines waiting, concatenated into chunks: appending to a string is far cheaper than keeping a string
   * per line (the rope is flattened once, when the batch is encoded), and it leaves little for the GC.
   */
  #chunks: string[] = [];
  #chunkLines: number[] = [];
  #current = '';
  #currentLines = 0;
  #queued = 0;
  #handle: FileHandle | null = null;
  #size = 0;
  #draining = false;
  #scheduled = false;
  #dropping = 0;
  #failed: Error | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #compression: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];
  #closed = false;
  #opened = false;
  /** A failure was reported and nothing has been written since. */
  #broken = false;
  /** Lines taken from the queue by the write in progress. */
  #inFlight = 0;
  /** Lines not written, in total: dropped while behind or lost to disk errors. */
  dropped = 0;

  constructor(options: LogFileWriterOptions) {
    this.path = options.path;
    this.#options = options;
    this.#maxQueued = options.maxQueued ?? 16 * 1024 * 1024;
    this.#maxBatch = options.maxBatch ?? 4 * 1024 * 1024;
  }

  /** Characters waiting for the disk. */
  get queued(): number {
    return this.#queued;
  }

  /** Queues one line (ending with its newline); `false` when it was counted as dropped instead. */
  enqueue(line: string): boolean {
    const full = this.#queued + line.length > this.#maxQueued && this.#queued > 0;
    // Once dropping, keep dropping until half the queue has drained: the notice then marks the gap.
    if (this.#closed || this.#failed !== null || this.#dropping > 0 || full) {
      this.#dropping += 1;
      this.dropped += 1;
      return false;
    }
    this.#current += line;
    this.#currentLines += 1;
    this.#queued += line.length;
    if (this.#current.length >= CHUNK) this.#seal();
    if (!this.#draining && !this.#scheduled) {
      this.#scheduled = true;
      // Deferred a turn so that one write carries every line that arrived in this one.
      setImmediate(() => void this.#drain());
    }
    return true;
  }

  /** Resolves when every line queued so far is on disk (or was lost to a reported disk error). */
  flush(): Promise<void> {
    if (!this.#draining && !this.#scheduled && this.#isEmpty()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Flushes, closes the file and waits for a compression in progress. Later lines are dropped. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    const handle = this.#handle;
    this.#handle = null;
    if (handle !== null) await handle.close().catch((error: unknown) => this.#report(error, 'close'));
    await this.#compression;
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (!this.#isEmpty() && this.#failed === null) {
        if (this.#handle === null) await this.#open();
        await this.#writeBatch();
        this.#noticeDrops('behind');
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#draining = false;
    }
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #writeBatch(): Promise<void> {
    const { maxSize } = this.#options;
    if (maxSize > 0 && this.#size >= maxSize) await this.#rotate();
    // Room left in the current file bounds the batch, so rotation happens between lines.
    const room = maxSize > 0 ? maxSize - this.#size : Number.POSITIVE_INFINITY;
    const batch = this.#take(Math.min(room, this.#maxBatch));
    this.#inFlight = batch.lines;
    const buffer = Buffer.from(batch.text);
    if (maxSize > 0 && this.#size > 0 && this.#size + buffer.length > maxSize) await this.#rotate();
    const handle = this.#handle;
    if (handle === null) throw new OvrseerError('OVRSEER_INTERNAL', 'log file closed during a write');
    let written = 0;
    while (written < buffer.length) {
      const result = await handle.write(buffer, written, buffer.length - written);
      written += result.bytesWritten;
    }
    this.#size += buffer.length;
    this.#queued -= batch.text.length;
    this.#inFlight = 0;
    this.#broken = false;
  }

  /** Whole lines from the front of the queue, up to `limit` characters (at least one line). */
  #take(limit: number): { text: string; lines: number } {
    this.#seal();
    let text = '';
    let lines = 0;
    while (this.#chunks.length > 0) {
      const chunk = this.#chunks[0] ?? '';
      const count = this.#chunkLines[0] ?? 0;
      if (text.length + chunk.length <= limit) {
        text += chunk;
        lines += count;
        this.#chunks.shift();
        this.#chunkLines.shift();
        continue;
      }
      let cut = chunk.lastIndexOf('\n', limit - text.length - 1);
      if (cut === -1 && text === '') cut = chunk.indexOf('\n');
      if (cut !== -1) {
        const head = chunk.slice(0, cut + 1);
        const headLines = countLines(head);
        text += head;
        lines += headLines;
        this.#chunks[0] = chunk.slice(cut + 1);
        this.#chunkLines[0] = count - headLines;
      }
      break;
    }
    return { text, lines };
  }

  #seal(): void {
    if (this.#current === '') return;
    this.#chunks.push(this.#current);
    this.#chunkLines.push(this.#currentLines);
    this.#current = '';
    this.#currentLines = 0;
  }

  #isEmpty(): boolean {
    return this.#current === '' && this.#chunks.length === 0;
  }

  async #open(): Promise<void> {
    this.#handle = await open(this.path, 'a', 0o600);
    this.#size = (await this.#handle.stat()).size;
    if (this.#opened) return;
    this.#opened = true;
    // A `.1` left uncompressed by a crash is compressed now, before the next rotation needs its name.
    const leftover = rotatedPath(this.path, 1, false);
    if (this.#options.keep > 0 && (await exists(leftover))) this.#compress(leftover);
  }

  async #rotate(): Promise<void> {
    await this.#compression;
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
    const { keep } = this.#options;
    if (keep === 0) {
      await unlink(this.path);
    } else {
      await shiftRotated(this.path, keep);
      const newest = rotatedPath(this.path, 1, false);
      await rename(this.path, newest);
      this.#compress(newest);
    }
    await this.#open();
  }

  #compress(path: string): void {
    this.#compression = compressFile(path).catch((error: unknown) => this.#report(error, `compress ${path}`));
  }

  #noticeDrops(reason: DropReason): void {
    if (this.#dropping === 0 || this.#queued > this.#maxQueued / 2) return;
    const count = this.#dropping;
    this.#dropping = 0;
    this.#options.onDropped(count, reason);
  }

  #fail(error: unknown): void {
    // Reported once per failure: a full disk would otherwise report every batch until it is freed.
    if (!this.#broken) this.#report(error, `write ${this.path}`);
    this.#broken = true;
    this.#failed = error instanceof Error ? error : new Error(String(error));
    this.#seal();
    const lost = this.#chunkLines.reduce((sum, count) => sum + count, this.#inFlight);
    this.#dropping += lost;
    this.dropped += lost;
    this.#chunks = [];
    this.#chunkLines = [];
    this.#queued = 0;
    this.#inFlight = 0;
    const handle = this.#handle;
    this.#handle = null;
    // The handle may be what failed; closing it can fail too, which adds nothing to the report above.
    handle?.close().catch(() => undefined);
    this.#retryTimer = setTimeout(() => this.#retry(), this.#options.retryDelay ?? 1000);
    this.#retryTimer.unref();
  }

  /** Tries the disk again: the drop notice is queued first and, if writing works now, written first. */
  #retry(): void {
    this.#retryTimer = null;
    this.#failed = null;
    if (!this.#closed) this.#noticeDrops('disk-error');
  }

  #report(error: unknown, operation: string): void {
    const cause = error instanceof Error ? error : new Error(String(error));
    this.#options.onError(
      new OvrseerError('OVRSEER_LOG_WRITE_FAILED', `${operation}: ${cause.message}`, { cause }),
      operation,
    );
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
