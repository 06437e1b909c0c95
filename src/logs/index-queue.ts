import type { LogStream } from '../core/events.js';
import { IndexEncoder } from './log-index.js';

interface OutputRun {
  kind: 'output';
  time: number;
  instance: number | null;
  stream: LogStream;
  bytes: number;
  lines: number;
}
interface SystemLine {
  kind: 'system';
  time: number;
  instance: number | null;
  level: number;
  text: string;
}

/**
 * The index records of text waiting for the disk, in text order: one per run of output bytes (a pipe
 * read), and ovrseer's lines between them. When a write takes some of the text, `take` encodes the
 * records of exactly those bytes — splitting a run that a rotation cuts — so each file's index
 * describes that file's text.
 */
export class IndexQueue {
  readonly #records: (OutputRun | SystemLine)[] = [];
  #head = 0;
  readonly #encoder = new IndexEncoder();

  get isEmpty(): boolean {
    return this.#head === this.#records.length;
  }

  /** Bytes of the system lines queued: they count against the writer's bound like text. */
  systemBytes = 0;

  output(time: number, instance: number | null, stream: LogStream, bytes: number, lines: number): void {
    const last = this.#records[this.#records.length - 1];
    // Runs of one source within one millisecond merge: one record for a burst of small reads.
    if (
      last !== undefined &&
      this.#records.length > this.#head &&
      last.kind === 'output' &&
      last.time === time &&
      last.instance === instance &&
      last.stream === stream
    ) {
      last.bytes += bytes;
      last.lines += lines;
      return;
    }
    this.#records.push({ kind: 'output', time, instance, stream, bytes, lines });
  }

  system(time: number, instance: number | null, level: number, text: string): void {
    this.#records.push({ kind: 'system', time, instance, level, text });
    this.systemBytes += text.length + 8;
  }

  /** Opens a file's index (or a writer's session of it): the records after it are relative to it. */
  anchor(time: number, offset: number): void {
    this.#encoder.anchor(time, offset);
  }

  /** A new file: what was encoded for the old one and not written (only its anchor can be) goes. */
  restart(time: number): void {
    this.#encoder.discard();
    this.#encoder.anchor(time, 0);
  }

  /**
   * Encodes the records of the next `bytes` bytes of text (`lines` lines), and the system lines that
   * come before the text after them. A run cut by the end of the bytes keeps its rest queued.
   */
  take(bytes: number, lines: number): Buffer {
    let bytesLeft = bytes;
    let linesLeft = lines;
    while (this.#head < this.#records.length) {
      const record = this.#records[this.#head] as OutputRun | SystemLine;
      if (record.kind === 'system') {
        this.#encoder.system(record.time, record.instance, record.level, record.text);
        this.systemBytes -= record.text.length + 8;
      } else if (record.bytes <= bytesLeft) {
        if (record.bytes === 0) {
          this.#head += 1;
          continue;
        }
        this.#encoder.output(record.time, record.instance, record.stream, record.bytes, record.lines);
        bytesLeft -= record.bytes;
        linesLeft -= record.lines;
      } else {
        if (bytesLeft > 0) {
          const partLines = Math.max(0, Math.min(linesLeft, record.lines));
          this.#encoder.output(record.time, record.instance, record.stream, bytesLeft, partLines);
          record.bytes -= bytesLeft;
          record.lines -= partLines;
        }
        break;
      }
      this.#head += 1;
    }
    if (this.#head === this.#records.length) {
      this.#records.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#records.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#encoder.take();
  }

  /** Forgets every queued record (their text was lost); returns the system lines among them. */
  clear(): number {
    let system = 0;
    for (let i = this.#head; i < this.#records.length; i += 1) {
      if (this.#records[i]?.kind === 'system') system += 1;
    }
    this.#records.length = 0;
    this.#head = 0;
    this.systemBytes = 0;
    return system;
  }
}
