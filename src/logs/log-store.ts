import type { LogLineEvent, LogOutputEvent } from '../core/events.js';
import { isBorrower } from '../core/line-batch.js';
import { dropMessage } from './drop-message.js';
import { formatJsonLine, formatTextLine } from './format.js';
import { detectBatchLevel, detectLevel, ERROR, type LogLevel, levelCode, levelName } from './levels.js';
import { LogRing } from './log-ring.js';
import { compileQuery, mergeSlots, STREAM_CODES } from './query.js';
import { MIN_RING_BYTES } from './ring-bytes.js';
import { StreamFileSink, type StreamToFileOptions } from './stream-file.js';
import { type LogEntry, type LogQuery, type LogQueryResult, type LogSink, SKIPPED } from './types.js';

export interface LogStoreOptions {
  /** Lines kept per process instance (`settings.log_buffer_lines`). @default 10000 */
  maxLines?: number;
  /** UTF-8 bytes of text kept per process instance (at least 256 KiB). @default 8 MiB */
  maxBytes?: number;
  /** For entries the store writes itself. @default Date.now */
  now?: () => number;
  /**
   * Where a `streamToFile` disk error goes (once per failure). Default: an error-level system entry of
   * the process `ovrseer` in the store itself, so it is never silent.
   */
  reportError?: (error: Error) => void;
}

export type LogListener = (entry: LogEntry) => void;

/** What `append` takes: the engine's `log` event, or the same fields from anywhere else. */
export type LogInput = Pick<LogLineEvent, 'process' | 'name' | 'instance' | 'stream' | 'text' | 'time'>;

/** What `appendLines` takes: the engine's `output` event, or the same fields from anywhere else. */
export type LogOutputInput = Pick<
  LogOutputEvent,
  'process' | 'name' | 'instance' | 'stream' | 'lines' | 'time'
>;

/**
 * The searchable in-memory log of a project (replaces the core package's SimpleLogger): a bounded ring
 * per process instance, levels detected per line, queries merged across processes in arrival order,
 * subscriptions for front ends, and sinks (files) fed with every kept entry.
 */
export class LogStore {
  readonly maxLines: number;
  readonly maxBytes: number;
  readonly #now: () => number;
  readonly #rings = new Map<string, LogRing>();
  /** Per process name or instance id: the minimum level kept. */
  readonly #minLevels = new Map<string, number>();
  #defaultMinLevel = 0;
  readonly #sinks = new Set<LogSink>();
  /** Every sink holds what it keeps of a batch (`borrows`): batches need not pin their read slabs. */
  #sinksBorrow = true;
  readonly #logListeners = new Set<LogListener>();
  readonly #errorListeners = new Set<LogListener>();
  readonly #appendListeners = new Set<() => void>();
  #seq = 0;
  #levels = new Uint8Array(1024);
  #last: LogRing | undefined;
  #stream: { sink: StreamFileSink; remove: () => void } | null = null;
  readonly #reportError: (error: Error) => void;

  constructor(options: LogStoreOptions = {}) {
    this.maxLines = options.maxLines ?? 10_000;
    this.maxBytes = Math.max(MIN_RING_BYTES, options.maxBytes ?? 8 * 1024 * 1024);
    this.#now = options.now ?? Date.now;
    this.#reportError =
      options.reportError ??
      ((error) =>
        this.appendSystem({ process: 'ovrseer', name: 'ovrseer', instance: null }, error.message, 'error'));
  }

  /** The seq of the newest entry (0 when empty): a cursor that skips everything kept so far. */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Keeps one line: detects its level (unless given), applies the process's minimum level, stores it
   * and hands it to the sinks and listeners. Returns its seq, or 0 when the level filter dropped it.
   */
  append(line: LogInput, level?: LogLevel): number {
    const code = level === undefined ? detectLevel(line.text) : levelCode(level);
    let ring = this.#last;
    if (ring === undefined || ring.id !== line.process) ring = this.#ring(line);
    if (code < ring.minLevel && line.stream !== 'system') return 0;
    this.#seq += 1;
    const seq = this.#seq;
    ring.push(seq, line.time, code, STREAM_CODES[line.stream], line.text);
    for (const sink of this.#sinks) {
      sink.write(seq, line.time, line.process, line.name, line.stream, code, line.text);
    }
    if (this.#logListeners.size > 0 || (code === ERROR && this.#errorListeners.size > 0)) {
      this.#tell(line, seq, code, line.text);
    }
    for (const listener of this.#appendListeners) listener();
    return seq;
  }

  /**
   * `append` for the lines of an `output` event, all at once: bytes go to the ring and the sinks as
   * they came, and a line becomes a string only if a listener wants it or its level needs a closer
   * look. Returns the seq of the last line kept, or 0 when the level filter dropped them all.
   */
  appendLines(output: LogOutputInput): number {
    const { lines } = output;
    let ring = this.#last;
    if (ring === undefined || ring.id !== output.process) ring = this.#ring(output);
    const stream = STREAM_CODES[output.stream];
    const minLevel = output.stream === 'system' ? 0 : ring.minLevel;
    const firstSeq = this.#seq + 1;
    if (minLevel === 0 && this.#logListeners.size === 0 && this.#errorListeners.size === 0) {
      // Nothing needs a level or a string now: the batch is kept whole, the files take its bytes.
      if (lines.count === 0) return 0;
      if (!this.#sinksBorrow) lines.pin();
      this.#seq += lines.count;
      ring.pushBatch(firstSeq, output.time, stream, lines);
      for (const sink of this.#sinks) {
        sink.writeLines(firstSeq, output.time, output.process, output.name, output.stream, lines, null);
      }
      for (const listener of this.#appendListeners) listener();
      return this.#seq;
    }
    const levels = this.#levelScratch(lines.count);
    let errors = 0;
    for (let i = 0; i < lines.count; i += 1) {
      const code = detectBatchLevel(lines, i);
      if (code < minLevel) {
        levels[i] = SKIPPED;
        continue;
      }
      levels[i] = code;
      if (code === ERROR) errors += 1;
      this.#seq += 1;
      ring.pushLine(this.#seq, output.time, code, stream, lines, i);
    }
    if (this.#seq < firstSeq) return 0;
    if (!this.#sinksBorrow) lines.pin();
    for (const sink of this.#sinks) {
      sink.writeLines(firstSeq, output.time, output.process, output.name, output.stream, lines, levels);
    }
    if (this.#logListeners.size > 0 || (errors > 0 && this.#errorListeners.size > 0)) {
      // A copy: a listener may append a batch itself, which reuses the scratch.
      const kept = levels.slice(0, lines.count);
      let seq = firstSeq;
      for (let i = 0; i < lines.count; i += 1) {
        const code = kept[i] as number;
        if (code === SKIPPED) continue;
        if (this.#logListeners.size > 0 || code === ERROR) this.#tell(output, seq, code, lines.text(i));
        seq += 1;
      }
    }
    for (const listener of this.#appendListeners) listener();
    return this.#seq;
  }

  #tell(line: Omit<LogInput, 'text'>, seq: number, code: number, text: string): void {
    const entry: LogEntry = {
      seq,
      time: line.time,
      process: line.process,
      name: line.name,
      instance: line.instance,
      stream: line.stream,
      level: levelName(code),
      text,
    };
    for (const listener of this.#logListeners) listener(entry);
    if (code === ERROR) for (const listener of this.#errorListeners) listener(entry);
  }

  /** Per-line levels of a batch, for the sinks; reused, since sinks use it before `appendLines` returns. */
  #levelScratch(count: number): Uint8Array {
    if (this.#levels.length < count) this.#levels = new Uint8Array(Math.max(count, this.#levels.length * 2));
    return this.#levels;
  }

  /** A line from ovrseer itself about a process (e.g. "N lines dropped"). */
  appendSystem(
    process: { process: string; name: string; instance: number | null },
    text: string,
    level: LogLevel = 'info',
  ): number {
    return this.append({ ...process, stream: 'system', text, time: this.#now() }, level);
  }

  query(query: LogQuery = {}): LogQueryResult {
    const compiled = compileQuery(query);
    const cursor = this.#seq;
    const runs = [...this.#rings.values()].map((ring) => ({ ring, slots: ring.scan(compiled) }));
    const entries = mergeSlots(runs, compiled.limit, compiled.forward);
    // Paging forward and cut short: continue after the last one returned, not after everything.
    const last = entries[entries.length - 1];
    const truncated = compiled.forward && last !== undefined && entries.length === compiled.limit;
    return { entries, cursor: truncated ? last.seq : cursor };
  }

  /** The newest `count` entries (of the selected processes), oldest first. */
  tail(count: number, query: Omit<LogQuery, 'limit'> = {}): LogEntry[] {
    return this.query({ ...query, limit: count }).entries;
  }

  search(pattern: string | RegExp, query: Omit<LogQuery, 'grep'> = {}): LogEntry[] {
    return this.query({ ...query, grep: pattern }).entries;
  }

  getLogsByLevel(level: LogLevel, query: Omit<LogQuery, 'level'> = {}): LogEntry[] {
    return this.query({ ...query, level }).entries;
  }

  /**
   * Keeps only entries at `level` or above, for one process (name or instance id) or, without one,
   * for every process that has no level of its own. System entries are always kept.
   */
  setLogLevel(level: LogLevel, process?: string): void {
    if (process === undefined) this.#defaultMinLevel = levelCode(level);
    else this.#minLevels.set(process, levelCode(level));
    for (const ring of this.#rings.values()) ring.minLevel = this.#minLevel(ring);
  }

  getLogLevel(process?: string): LogLevel {
    const code = process === undefined ? undefined : this.#minLevels.get(process);
    return levelName(code ?? this.#defaultMinLevel);
  }

  /**
   * Called once per `append` or `appendLines` that kept something, with no entry: for followers that
   * query the store themselves, which would otherwise make every line of a flood a string for nothing.
   */
  onAppend(listener: () => void): () => void {
    this.#appendListeners.add(listener);
    return () => this.#appendListeners.delete(listener);
  }

  onLog(listener: LogListener): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  /** Error-level entries only. */
  onError(listener: LogListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  addSink(sink: LogSink): () => void {
    this.#sinks.add(sink);
    this.#sinksBorrow &&= isBorrower(sink);
    return () => {
      this.#sinks.delete(sink);
      this.#sinksBorrow = [...this.#sinks].every(isBorrower);
    };
  }

  /** JSON lines (`jsonLine`: the `logs --json` record and `seq`) or text lines, each ending with a newline. */
  export(format: 'json' | 'text', query: LogQuery = {}): string {
    const format1 = format === 'json' ? formatJsonLine : formatTextLine;
    return this.query(query)
      .entries.map((entry) => format1(entry))
      .join('');
  }

  /**
   * Appends every entry kept from now on, of all processes, to `path` (batched, asynchronous, like the
   * per-process files). Replaces an earlier stream; `stopStreaming` flushes and closes it.
   */
  async streamToFile(path: string, options: StreamToFileOptions = {}): Promise<void> {
    await this.stopStreaming();
    const system = { process: 'ovrseer', name: 'ovrseer', instance: null };
    const sink = new StreamFileSink(path, options, {
      onDropped: (count, reason) => this.appendSystem(system, dropMessage(count, reason, path), 'warn'),
      onError: (error) => this.#reportError(error),
    });
    this.#stream = { sink, remove: this.addSink(sink) };
  }

  async stopStreaming(): Promise<void> {
    const stream = this.#stream;
    if (stream === null) return;
    this.#stream = null;
    stream.remove();
    await stream.sink.writer.close();
  }

  /** Per instance: lines and bytes kept, and lines pushed out by the bounds. */
  stats(): { process: string; lines: number; bytes: number; evicted: number }[] {
    return [...this.#rings.values()].map((ring) => ({
      process: ring.id,
      lines: ring.size,
      bytes: ring.bytes,
      evicted: ring.evicted,
    }));
  }

  /** Time of the oldest kept entry of an instance: older lines can only come from the files. */
  oldestTime(process: string): number | null {
    return this.#rings.get(process)?.oldestTime ?? null;
  }

  clear(process?: string): void {
    for (const ring of this.#rings.values()) {
      if (process === undefined || ring.id === process || ring.name === process) ring.clear();
    }
  }

  #ring(line: Pick<LogInput, 'process' | 'name' | 'instance'>): LogRing {
    let ring = this.#rings.get(line.process);
    if (ring === undefined) {
      ring = new LogRing(line.process, line.name, line.instance, this.maxLines, this.maxBytes);
      ring.minLevel = this.#minLevel(ring);
      this.#rings.set(line.process, ring);
    }
    this.#last = ring;
    return ring;
  }

  #minLevel(ring: LogRing): number {
    return this.#minLevels.get(ring.id) ?? this.#minLevels.get(ring.name) ?? this.#defaultMinLevel;
  }
}
