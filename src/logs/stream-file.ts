import type { LogStream } from '../core/events.js';
import { borrows, type LineBatch } from '../core/line-batch.js';
import { FileLineFormatter, jsonLine } from './format.js';
import { levelName, levelsOf } from './levels.js';
import { type DropReason, LogFileWriter } from './log-file-writer.js';
import { type LogSink, SKIPPED } from './types.js';

export interface StreamToFileOptions {
  /** `text`: the log file format; `json`: `jsonLine`s (the `logs --json` record and `seq`). @default 'text' */
  format?: 'text' | 'json';
  /** Rotate past this many bytes (0 = never). @default 0 */
  maxSize?: number;
  /** @default 5 */
  keep?: number;
}

/** Every entry of a store, all processes, appended to one file (`LogStore.streamToFile`). */
export class StreamFileSink implements LogSink {
  readonly writer: LogFileWriter;
  readonly #json: boolean;
  readonly #formatter = new FileLineFormatter();

  constructor(
    path: string,
    options: StreamToFileOptions,
    handlers: { onDropped(count: number, reason: DropReason): void; onError(error: Error): void },
  ) {
    // It copies what it keeps.
    borrows(this);
    this.#json = options.format === 'json';
    this.writer = new LogFileWriter({
      path,
      maxSize: options.maxSize ?? 0,
      keep: options.keep ?? 5,
      onDropped: handlers.onDropped,
      onError: (error) => handlers.onError(error),
    });
  }

  writeLines(
    firstSeq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    lines: LineBatch,
    given: Uint8Array | null,
  ): void {
    const levels = levelsOf(lines, given);
    if (!this.#json) {
      this.writer.enqueueLines(this.#formatter, time, process, stream, lines, levels);
      return;
    }
    let seq = firstSeq;
    for (let i = 0; i < lines.count; i += 1) {
      const level = levels[i] as number;
      if (level === SKIPPED) continue;
      this.write(seq, time, process, name, stream, level, lines.text(i));
      seq += 1;
    }
  }

  write(
    seq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    level: number,
    text: string,
  ): void {
    if (!this.#json) {
      this.writer.enqueue(this.#formatter.prefix(time, process, stream, level), text);
      return;
    }
    const instance = process === name ? null : Number(process.slice(name.length + 1));
    const entry = { seq, time, process, name, instance, stream, level: levelName(level), text };
    this.writer.enqueue('', jsonLine(entry));
  }
}
