import { closeSync, openSync } from 'node:fs';
import type { LogStream } from '../core/events.js';
import type { LineBatch } from '../core/line-batch.js';
import { OvrseerError } from '../errors.js';
import { closeFd, openFd, sizeOf, writeFd } from './fd.js';
import type { FileLineFormatter } from './format.js';
import { IndexFile } from './index-file.js';
import { LineQueue, skipBytes } from './line-queue.js';
import { Rotation } from './rotation.js';
import { SKIPPED } from './types.js';

export type DropReason = 'behind' | 'disk-error';

/** A bound shared by several writers (a project's files): bytes waiting for the disk, all together. */
export interface QueueBudget {
  used: number;
  readonly limit: number;
}

export interface LogFileWriterOptions {
  path: string;
  /** Rotate before the file would grow past this many bytes; 0 = never rotate. */
  maxSize: number;
  /** Rotated (gzip-compressed) files kept; older ones are deleted. */
  keep: number;
  /**
   * Bytes waiting for the disk. Past it, lines are counted instead of queued, so a child that prints
   * faster than the disk writes can neither grow memory nor be slowed down. @default 48 MiB
   */
  maxQueued?: number;
  /** Also keep the bytes waiting in all writers sharing this budget under its limit. */
  budget?: QueueBudget;
  /** Called once room is back after lines were dropped, before any later line is queued. */
  onDropped(count: number, reason: DropReason): void;
  /** Called once per failure (not per line); writing is retried after `retryDelay`. */
  onError(error: Error, operation: string): void;
  /** @default 1000 */
  retryDelay?: number;
  /** The directory's file names, listed once by the owner of many writers (see `Rotation.recover`). */
  directoryEntries?: readonly string[];
  /**
   * Keep the text raw — the program's output as printed, queued with `enqueueRaw` — and an index
   * beside it (`indexPathOf(path)`, see log-index.ts) with times, replicas, streams and ovrseer's own
   * lines (`enqueueSystem`). Both rotate together. @default false
   */
  index?: boolean;
}

/**
 * Appends lines to one file: encoded into memory as they come and written in batches — one `writev`
 * per batch, off the caller's path, so the child whose output this is never waits for the disk.
 * Rotates by size, gzips the rotated file in the background and keeps `keep` of them: disk use is
 * bounded.
 */
export class LogFileWriter {
  readonly path: string;
  readonly #options: LogFileWriterOptions;
  readonly #maxQueued: number;
  readonly #queue = new LineQueue();
  #fd: number | null = null;
  #size = 0;
  #draining = false;
  #scheduled = false;
  /** Lines dropped since the last notice. */
  #dropping = 0;
  #failed = false;
  /** A failure was reported and nothing has been written since: do not report again. */
  #broken = false;
  #retryTimer: NodeJS.Timeout | null = null;
  readonly #rotation: Rotation;
  /** With `index`: the index file, its records waiting, its rotation. */
  readonly #index: IndexFile | null;
  #waiters: (() => void)[] = [];
  #closed = false;
  #opened = false;
  /** Taken by the write in progress: still counted against `maxQueued`, and lost if it fails. */
  #inFlight = { lines: 0, bytes: 0 };
  #opening: Promise<void> | null = null;
  /** Lines not written, in total: dropped while behind or lost to disk errors. */
  dropped = 0;

  constructor(options: LogFileWriterOptions) {
    this.path = options.path;
    this.#options = options;
    this.#maxQueued = options.maxQueued ?? 48 * 1024 * 1024;
    this.#rotation = new Rotation(options.path, options.keep, (error, operation) =>
      this.#report(error, operation),
    );
    this.#index =
      options.index === true
        ? new IndexFile(options.path, options.keep, (error, operation) => this.#report(error, operation))
        : null;
  }

  /** Bytes waiting for the disk, including the write in progress. */
  get queued(): number {
    return this.#queue.bytes + this.#inFlight.bytes + (this.#index?.queue.systemBytes ?? 0);
  }

  /**
   * With `index`: queues `bytes[from, to)` — `lines` whole lines, newlines included — as printed, and
   * its index record. `false` when the lines were counted as dropped instead.
   */
  enqueueRaw(
    time: number,
    instance: number | null,
    stream: LogStream,
    bytes: Buffer,
    from: number,
    to: number,
    lines: number,
    holder?: LineBatch,
  ): boolean {
    const index = this.#index;
    if (index === null) throw new OvrseerError('OVRSEER_INTERNAL', 'enqueueRaw needs a writer with an index');
    if (this.#room() <= 0) {
      this.#drop(lines);
      return false;
    }
    this.#queue.pushRaw(bytes, from, to, lines, holder);
    index.queue.output(time, instance, stream, to - from, lines);
    this.#queued(to - from);
    return true;
  }

  /** With `index`: one of ovrseer's lines about the process; it goes to the index only. */
  enqueueSystem(time: number, instance: number | null, level: number, text: string): void {
    const index = this.#index;
    if (index === null)
      throw new OvrseerError('OVRSEER_INTERNAL', 'enqueueSystem needs a writer with an index');
    // Bounded like text, but on their own share: a crash loop during a stalled disk must not grow
    // memory, and the notice of dropped output must still find room.
    if (this.#closed || this.#failed || index.queue.systemBytes > this.#maxQueued / 8) {
      this.#drop(1);
      return;
    }
    index.queue.system(time, instance, level, text);
    this.#queued(0);
  }

  #nothingQueued(): boolean {
    return this.#queue.isEmpty && (this.#index === null || this.#index.queue.isEmpty);
  }

  /** Queues `prefix + text + "\n"`; `false` when the line was counted as dropped instead. */
  enqueue(prefix: string, text: string): boolean {
    if (this.#room() <= 0) {
      this.#drop(1);
      return false;
    }
    this.#queued(this.#queue.push(prefix, text));
    return true;
  }

  /**
   * Queues the kept lines of a batch (`levels[i]` is the level of line `i`, or `SKIPPED`), each after
   * the prefix `formatter` makes for it. Lines with the same prefix go in runs, as bytes.
   */
  enqueueLines(
    formatter: FileLineFormatter,
    time: number,
    process: string,
    stream: LogStream,
    lines: LineBatch,
    levels: Uint8Array,
  ): void {
    for (let from = 0; from < lines.count; ) {
      const level = levels[from] as number;
      let to = from + 1;
      while (to < lines.count && levels[to] === level) to += 1;
      if (level !== SKIPPED) {
        const room = this.#room();
        let end = from;
        if (room > 0) {
          const prefix = formatter.prefix(time, process, stream, level);
          const before = this.#queue.bytes;
          // Bounded like `enqueue`: a line goes in while the queue is under its bound before it.
          end = this.#queue.pushLines(prefix, lines, from, to, room);
          this.#queued(this.#queue.bytes - before);
        }
        if (end < to) this.#drop(to - end);
      }
      from = to;
    }
  }

  /**
   * Bytes that may still be queued (the line that crosses the bound is taken whole); 0 or less while
   * closed, failed or dropping. Once dropping, the writer keeps dropping until there is room again, so
   * that the notice marks one gap.
   */
  #room(): number {
    if (this.#dropping > 0 && !this.#failed && !this.#closed) this.#noticeDrops('behind');
    if (this.#closed || this.#failed || this.#dropping > 0) return 0;
    const budget = this.#options.budget;
    const own = this.#maxQueued - this.queued;
    return budget === undefined ? own : Math.min(own, budget.limit - budget.used);
  }

  #drop(lines: number): void {
    this.#dropping += lines;
    this.dropped += lines;
  }

  #queued(bytes: number): void {
    const budget = this.#options.budget;
    if (budget !== undefined) budget.used += bytes;
    if (!this.#draining && !this.#scheduled) {
      this.#scheduled = true;
      // Deferred a turn so that one write carries every line that arrived in this one.
      setImmediate(() => void this.#drain());
    }
  }

  /**
   * Opens the file now rather than at the first line: under a flood the first write would otherwise
   * wait for the open while megabytes queue up.
   */
  start(): void {
    if (this.#fd !== null || this.#opening !== null || this.#closed) return;
    this.#opening = this.#open().then(
      () => undefined,
      (error: unknown) => this.#fail(error),
    );
  }

  /** Resolves when every line queued so far is on disk (or was lost to a reported disk error). */
  flush(): Promise<void> {
    if (!this.#draining && !this.#scheduled && this.#nothingQueued()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Flushes, closes the file and waits for the compressions to finish, for `compressBudgetMs` at most
   * (what is left is compressed at the next start). Later lines are dropped.
   * @param compressBudgetMs @default 2000
   */
  async close(compressBudgetMs = 2000): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) await closeFd(fd).catch((error: unknown) => this.#report(error, 'close'));
    await Promise.all([
      this.#rotation.finish(compressBudgetMs),
      this.#index?.close(compressBudgetMs).catch((error: unknown) => this.#report(error, 'close')),
    ]);
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (!this.#nothingQueued() && !this.#failed) {
        if (this.#opening !== null) await this.#opening;
        if (this.#failed) break;
        if (this.#fd === null) await this.#open();
        await this.#writeBatch();
        this.#noticeDrops('behind');
      }
      this.#queue.trim();
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#draining = false;
    }
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #writeBatch(): Promise<void> {
    const { maxSize } = this.#options;
    if (maxSize > 0 && this.#size >= maxSize) this.#rotate();
    // Room left in the current file bounds the batch, so rotation falls between lines.
    const batch = this.#queue.take(maxSize > 0 ? maxSize - this.#size : Number.POSITIVE_INFINITY);
    this.#inFlight = batch;
    if (maxSize > 0 && this.#size > 0 && this.#size + batch.bytes > maxSize) this.#rotate();
    let buffers = batch.buffers;
    let left = batch.bytes;
    while (left > 0) {
      const fd = this.#fd;
      if (fd === null) throw new OvrseerError('OVRSEER_INTERNAL', 'log file closed during a write');
      const written = await writeFd(fd, buffers);
      left -= written;
      // A short write (more buffers than the system takes at once): continue where it stopped.
      if (left > 0) buffers = skipBytes(buffers, written);
    }
    this.#size += batch.bytes;
    // Text first, then its records: a crash between the two leaves text without a record, which the
    // next anchor marks (shown as plain output), never a record pointing at text that is not there.
    await this.#index?.written(batch.bytes, batch.lines);
    this.#inFlight = { lines: 0, bytes: 0 };
    this.#release(batch.bytes);
    this.#broken = false;
    this.#queue.release(batch.buffers, batch.held);
  }

  async #open(): Promise<void> {
    try {
      // Asynchronous: whatever is at the path (a FIFO, a slow mount) must not stall the event loop.
      this.#fd = await openFd(this.path);
      this.#size = await sizeOf(this.#fd);
      const index = this.#index;
      if (index !== null && (await index.open(this.#size, !this.#opened))) {
        // Text without an index: a file of the earlier, prefixed format. It is rotated away whole
        // (and still read as it is), so the new pair starts clean.
        this.#rotation.recover(this.#options.directoryEntries);
        index.recover(this.#options.directoryEntries);
        this.#opened = true;
        closeSync(this.#fd);
        this.#rotation.rotate();
        this.#fd = openSync(this.path, 'a', 0o600);
        this.#size = 0;
        await index.openedEmpty();
      }
    } finally {
      this.#opening = null;
    }
    if (this.#opened) return;
    this.#opened = true;
    this.#rotation.recover(this.#options.directoryEntries);
    this.#index?.recover(this.#options.directoryEntries);
  }

  /** Synchronous, like the renames it does (see `Rotation`). */
  #rotate(): void {
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) closeSync(fd);
    this.#rotation.rotate();
    // In this order — old text away, old index away, new index, new text — a follower never pairs
    // an old index with new text (docs/log-format.md).
    this.#index?.rotate();
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#size = 0;
  }

  /** Bytes that no longer wait (written, or lost) leave the shared budget. */
  #release(bytes: number): void {
    if (this.#options.budget !== undefined) this.#options.budget.used -= bytes;
  }

  /** Hysteresis: the notice, and taking lines again, wait until half the room is back. */
  #noticeDrops(reason: DropReason): void {
    const budget = this.#options.budget;
    if (this.#dropping === 0 || this.queued > this.#maxQueued / 2) return;
    if (budget !== undefined && budget.used > budget.limit / 2) return;
    const count = this.#dropping;
    this.#dropping = 0;
    this.#options.onDropped(count, reason);
  }

  #fail(error: unknown): void {
    // Reported once per failure: a full disk would otherwise report every batch until it is freed.
    if (!this.#broken) this.#report(error, `write ${this.path}`);
    this.#broken = true;
    this.#failed = true;
    this.#release(this.queued);
    const lost = this.#queue.clear() + this.#inFlight.lines + (this.#index?.queue.clear() ?? 0);
    this.#inFlight = { lines: 0, bytes: 0 };
    this.#dropping += lost;
    this.dropped += lost;
    this.#index?.abandon();
    const fd = this.#fd;
    this.#fd = null;
    // The file may be what failed; closing it can fail too, which adds nothing to the report above.
    if (fd !== null) closeFd(fd).catch(() => undefined);
    this.#retryTimer = setTimeout(() => this.#retry(), this.#options.retryDelay ?? 1000);
    this.#retryTimer.unref();
  }

  /** Tries the disk again: the notice of what was lost is queued first, and written if the disk works. */
  #retry(): void {
    this.#retryTimer = null;
    this.#failed = false;
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
