import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSpec } from '../config/spec.js';
import type { LogStream } from '../core/events.js';
import { borrows, type LineBatch } from '../core/line-batch.js';
import { OvrseerError } from '../errors.js';
import { instanceOf } from './format.js';
import { type DropReason, LogFileWriter, type QueueBudget } from './log-file-writer.js';
import { type LogSink, SKIPPED } from './types.js';

const NEWLINE = Buffer.from('\n');

/** `log` of the config when a process is not listed (a library user appending other names). */
const FALLBACK_LOG: LogSpec = { file: true, maxSize: 10 * 1024 * 1024, keep: 5 };

export interface FileSinkOptions {
  /** `<state_dir>/logs`; it must exist. */
  dir: string;
  /** Each process's `log` settings; `file: false` means no file for it. */
  processes: readonly { name: string; log: LogSpec }[];
  /** Per file: bytes waiting for the disk before lines are dropped (and counted). @default 48 MiB */
  maxQueued?: number;
  /** All files together: bytes waiting for the disk. @default 64 MiB */
  maxQueuedTotal?: number;
  /** A writer fell behind or hit a disk error and `count` lines of `name` did not reach its file. */
  onDropped(name: string, count: number, reason: DropReason): void;
  onError(error: Error, context: { processId: string; operation: string }): void;
  /** @default 1000 */
  retryDelay?: number;
}

/** A name usable as a file name: config names already are; library callers are held to it too. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * The log files of a project: `<dir>/<name>.log` per process (replicas share their process's file),
 * the output as printed, and `<dir>/<name>.idx` beside it — times, replicas, streams and ovrseer's own
 * lines (see log-index.ts).
 */
export class FileSink implements LogSink {
  readonly #options: FileSinkOptions;
  readonly #specs: Map<string, LogSpec>;
  /** `null` for a process with files turned off. */
  readonly #writers = new Map<string, LogFileWriter | null>();
  #lastName = '';
  #lastWriter: LogFileWriter | null = null;
  readonly #budget: QueueBudget;
  /** Listed once, for every writer's recovery of what a crash left. */
  #entries: string[] | null = null;

  constructor(options: FileSinkOptions) {
    // What it keeps of a batch (a read queued by reference) it holds until written.
    borrows(this);
    this.#options = options;
    this.#specs = new Map(options.processes.map((process) => [process.name, process.log]));
    // Per file and in total: several processes flooding at once must not add up without bound.
    this.#budget = { used: 0, limit: options.maxQueuedTotal ?? 64 * 1024 * 1024 };
    // Files are opened up front, so the first burst of output finds them ready.
    for (const process of options.processes) this.#writerFor(process.name)?.start();
  }

  /**
   * A live reload's log settings for a process: a file opened from now on (an added process's) uses
   * them; one already open keeps its size and rotation until the next `up`.
   */
  configure(name: string, log: LogSpec): void {
    this.#specs.set(name, log);
  }

  write(
    _seq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    level: number,
    text: string,
  ): void {
    const writer = name === this.#lastName ? this.#lastWriter : this.#writerFor(name);
    if (writer === null) return;
    const instance = instanceOf(process, name);
    if (stream === 'system') {
      writer.enqueueSystem(time, instance, level, text);
      return;
    }
    const bytes = Buffer.from(`${text}\n`);
    writer.enqueueRaw(time, instance, stream, bytes, 0, bytes.length, 1);
  }

  writeLines(
    _firstSeq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    lines: LineBatch,
    levels: Uint8Array | null,
  ): void {
    const writer = name === this.#lastName ? this.#lastWriter : this.#writerFor(name);
    if (writer === null || lines.count === 0) return;
    const instance = instanceOf(process, name);
    if (stream === 'system') {
      for (let i = 0; i < lines.count; i += 1) {
        const level = levels?.[i] ?? 1;
        if (level !== SKIPPED) writer.enqueueSystem(time, instance, level, lines.text(i));
      }
      return;
    }
    if (levels === null) {
      writer.enqueueRaw(
        time,
        instance,
        stream,
        lines.bytes,
        lines.regionStart,
        lines.regionEnd,
        lines.count,
        lines,
      );
      if (!lines.terminated) writer.enqueueRaw(time, instance, stream, NEWLINE, 0, 1, 0);
      return;
    }
    // Lines below the process's level are left out: the kept ones go in runs, as printed.
    for (let from = 0; from < lines.count; ) {
      if (levels[from] === SKIPPED) {
        from += 1;
        continue;
      }
      let to = from + 1;
      while (to < lines.count && levels[to] !== SKIPPED) to += 1;
      const start = lines.starts[from] as number;
      const end = lines.lineEnd(to - 1);
      writer.enqueueRaw(time, instance, stream, lines.bytes, start, end, to - from, lines);
      if (lines.bytes[end - 1] !== 0x0a) writer.enqueueRaw(time, instance, stream, NEWLINE, 0, 1, 0);
      from = to;
    }
  }

  /** The path of a process's current log file. */
  pathOf(name: string): string {
    return join(this.#options.dir, `${name}.log`);
  }

  /** Lines that did not reach their file, over all files. */
  get dropped(): number {
    let total = 0;
    for (const writer of this.#writers.values()) total += writer?.dropped ?? 0;
    return total;
  }

  /** Resolves once every line handed over so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((writer) => writer?.flush()));
  }

  /** Flushes and closes every file; lines written afterwards are dropped. */
  async close(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((writer) => writer?.close()));
  }

  #writerFor(name: string): LogFileWriter | null {
    let writer = this.#writers.get(name);
    if (writer === undefined) {
      writer = this.#create(name);
      this.#writers.set(name, writer);
    }
    this.#lastName = name;
    this.#lastWriter = writer;
    return writer;
  }

  #directoryEntries(): readonly string[] {
    this.#entries ??= readdirSync(this.#options.dir);
    return this.#entries;
  }

  #create(name: string): LogFileWriter | null {
    const spec = this.#specs.get(name) ?? FALLBACK_LOG;
    if (!spec.file) return null;
    if (!SAFE_NAME.test(name)) {
      this.#options.onError(
        new OvrseerError(
          'OVRSEER_LOG_WRITE_FAILED',
          `"${name}" cannot be a log file name; its lines stay in memory`,
        ),
        { processId: name, operation: 'open log file' },
      );
      return null;
    }
    return new LogFileWriter({
      path: this.pathOf(name),
      maxSize: spec.maxSize,
      keep: spec.keep,
      budget: this.#budget,
      ...(this.#options.maxQueued === undefined ? {} : { maxQueued: this.#options.maxQueued }),
      ...(this.#options.retryDelay === undefined ? {} : { retryDelay: this.#options.retryDelay }),
      directoryEntries: this.#directoryEntries(),
      index: true,
      onDropped: (count, reason) => this.#options.onDropped(name, count, reason),
      onError: (error, operation) => this.#options.onError(error, { processId: name, operation }),
    });
  }
}
