import { appendFileSync, writeFileSync } from 'node:fs';
import type { LogStream } from '../../../src/core/events.js';
import { INDEX_MAGIC, IndexEncoder, indexPathOf } from '../../../src/logs/log-index.js';

/**
 * Writes a log file and its index the way the supervisor's writer does — the text of a run first,
 * then its record — with each step callable on its own, so tests can stop between the two.
 */
export class PairWriter {
  readonly path: string;
  readonly indexPath: string;
  #encoder = new IndexEncoder();
  #size = 0;

  /** A new pair: an empty text file and an index holding the magic and an anchor at offset 0. */
  constructor(path: string, time: number) {
    this.path = path;
    this.indexPath = indexPathOf(path);
    writeFileSync(path, '');
    this.#encoder.anchor(time, 0);
    writeFileSync(this.indexPath, Buffer.concat([Buffer.from(INDEX_MAGIC), this.#encoder.take()]));
  }

  /** A run of output: its text, then its record. */
  output(time: number, instance: number | null, stream: LogStream, text: string): this {
    this.text(text);
    return this.record(time, instance, stream, text);
  }

  /** Only the text of a run (the record comes with `record`). */
  text(text: string): this {
    appendFileSync(this.path, text);
    this.#size += Buffer.byteLength(text);
    return this;
  }

  /** Only the record of a run whose text is `text`. */
  record(time: number, instance: number | null, stream: LogStream, text: string): this {
    const lines = text.split('\n').length - 1;
    this.#encoder.output(time, instance, stream, Buffer.byteLength(text), lines);
    return this.flush();
  }

  system(time: number, instance: number | null, level: number, text: string): this {
    this.#encoder.system(time, instance, level, text);
    return this.flush();
  }

  /** A new writer session (a supervisor restarted): an anchor at the text's size. */
  session(time: number): this {
    this.#encoder = new IndexEncoder();
    this.#encoder.anchor(time, this.#size);
    return this.flush();
  }

  /** Index bytes encoded but not written yet: `take()` them to write them by hand (torn tails). */
  get encoder(): IndexEncoder {
    return this.#encoder;
  }

  flush(): this {
    appendFileSync(this.indexPath, this.#encoder.take());
    return this;
  }
}
