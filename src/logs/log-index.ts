import type { LogStream } from '../core/events.js';
import { detectLevel, levelName } from './levels.js';
import type { LogEntry } from './types.js';

/**
 * The on-disk log of a process is two files. `<name>.log` holds its output exactly as printed —
 * complete lines, nothing added — so `tail -f logs/api.log` reads like the program. `<name>.idx`
 * says, for each run of those bytes, when it came, from which replica and which stream, and holds
 * ovrseer's own lines about the process (state changes, drop notices). One index record covers one
 * read from a pipe (thousands of lines under a flood, one line for a quiet process), delta-encoded:
 * 4–6 bytes for a quiet process's line, a few bytes per 64 KiB under a flood, where a per-line prefix
 * cost 40 bytes a line. Levels are not stored: they are a function of the text (`detectLevel`).
 *
 * Records, each a tag byte then unsigned LEB128 varints (times zigzag-encoded deltas in ms):
 * - output  `tag = 0 | err << 2 | hasInstance << 3`, Δtime, bytes, lines[, instance + 1]
 * - system  `tag = 1 | level << 2 | hasInstance << 4`, Δtime, text bytes, UTF-8 text[, instance + 1]
 * - anchor  `tag = 2`, absolute time, byte offset of the text file — written when a writer opens the
 *   files: text not covered by records before it (a crash between the two writes) is shown as plain
 *   output with the time before it, never lost.
 * An instance is given only when it differs from the record before (`instance + 1`, 0 = none).
 */
export const INDEX_MAGIC = 'ovrseer-log-index 1\n';

const OUTPUT = 0;
const SYSTEM = 1;
const ANCHOR = 2;

export interface OutputRecord {
  kind: 'output';
  time: number;
  instance: number | null;
  stream: 'out' | 'err';
  bytes: number;
  lines: number;
}
export interface SystemRecord {
  kind: 'system';
  time: number;
  instance: number | null;
  level: number;
  text: string;
}
export interface AnchorRecord {
  kind: 'anchor';
  time: number;
  offset: number;
}
export type IndexRecord = OutputRecord | SystemRecord | AnchorRecord;

/** The index path of a log file: `api.log` → `api.idx` (rotated: `api.log.1.gz` → `api.idx.1.gz`). */
export function indexPathOf(logPath: string): string {
  const at = logPath.lastIndexOf('.log');
  return at === -1 ? `${logPath}.idx` : `${logPath.slice(0, at)}.idx${logPath.slice(at + 4)}`;
}

/** Encodes records into a growing buffer; `take()` hands over what was encoded since the last take. */
export class IndexEncoder {
  #buffer: Buffer = Buffer.allocUnsafe(256);
  #length = 0;
  #time = 0;
  #instance: number | null = null;

  get length(): number {
    return this.#length;
  }

  /** A new file (after the magic) or a new writer: the next records are relative to this one. */
  anchor(time: number, offset: number): void {
    this.#byte(ANCHOR);
    this.#uint(Math.max(0, Math.round(time)));
    this.#uint(offset);
    this.#time = Math.round(time);
    this.#instance = null;
  }

  output(time: number, instance: number | null, stream: LogStream, bytes: number, lines: number): void {
    const changed = instance !== this.#instance;
    this.#byte(OUTPUT | (stream === 'err' ? 4 : 0) | (changed ? 8 : 0));
    this.#delta(time);
    this.#uint(bytes);
    this.#uint(lines);
    if (changed) this.#instanceField(instance);
  }

  system(time: number, instance: number | null, level: number, text: string): void {
    const changed = instance !== this.#instance;
    const bytes = Buffer.byteLength(text);
    this.#byte(SYSTEM | ((level & 3) << 2) | (changed ? 16 : 0));
    this.#delta(time);
    this.#uint(bytes);
    this.#room(bytes);
    this.#length += this.#buffer.write(text, this.#length, 'utf8');
    if (changed) this.#instanceField(instance);
  }

  /** Forgets what was encoded since the last `take` (an anchor for a file that was rotated away). */
  discard(): void {
    this.#length = 0;
  }

  /** The bytes encoded since the last call (a copy: the encoder reuses its buffer). */
  take(): Buffer {
    const out = Buffer.from(this.#buffer.subarray(0, this.#length));
    this.#length = 0;
    return out;
  }

  #instanceField(instance: number | null): void {
    this.#uint(instance === null ? 0 : instance + 1);
    this.#instance = instance;
  }

  #delta(time: number): void {
    const rounded = Math.round(time);
    const delta = rounded - this.#time;
    this.#time = rounded;
    // Zigzag: a clock stepped back gives a small negative delta, not a huge number.
    this.#uint(delta >= 0 ? delta * 2 : -delta * 2 - 1);
  }

  #byte(value: number): void {
    this.#room(1);
    this.#buffer[this.#length] = value;
    this.#length += 1;
  }

  /** Unsigned LEB128 with arithmetic, not bit operators: times and offsets pass 2^31. */
  #uint(value: number): void {
    this.#room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#buffer[this.#length] = (rest % 0x80) | 0x80;
      this.#length += 1;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[this.#length] = rest;
    this.#length += 1;
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/**
 * Decodes an index as it grows: `push` returns the records complete so far and keeps a torn last one
 * (being written, or cut by a crash) for the next push. The magic line is checked and skipped.
 */
export class IndexDecoder {
  #pending: Buffer = Buffer.alloc(0);
  #time = 0;
  #instance: number | null = null;
  #sawMagic = false;
  /** Not an index (no magic): nothing is decoded. */
  invalid = false;

  push(chunk: Buffer): IndexRecord[] {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    if (!this.#sawMagic) {
      if (data.length < INDEX_MAGIC.length) {
        this.#pending = Buffer.from(data);
        return [];
      }
      if (data.toString('latin1', 0, INDEX_MAGIC.length) !== INDEX_MAGIC) {
        this.invalid = true;
        this.#pending = Buffer.alloc(0);
        return [];
      }
      this.#sawMagic = true;
      data = data.subarray(INDEX_MAGIC.length);
    }
    if (this.invalid) return [];
    const records: IndexRecord[] = [];
    const reader = { data, at: 0 };
    for (;;) {
      const start = reader.at;
      const record = this.#record(reader);
      if (record === null) {
        this.#pending = Buffer.from(data.subarray(start));
        return records;
      }
      records.push(record);
    }
  }

  #record(reader: Reader): IndexRecord | null {
    const tag = reader.data[reader.at];
    if (tag === undefined) return null;
    reader.at += 1;
    const kind = tag & 3;
    if (kind === ANCHOR) {
      const time = uint(reader);
      const offset = time === null ? null : uint(reader);
      if (time === null || offset === null) return null;
      this.#time = time;
      this.#instance = null;
      return { kind: 'anchor', time, offset };
    }
    const delta = uint(reader);
    if (delta === null) return null;
    const time = this.#time + (delta % 2 === 0 ? delta / 2 : -(delta + 1) / 2);
    if (kind === OUTPUT) {
      const bytes = uint(reader);
      const lines = bytes === null ? null : uint(reader);
      if (bytes === null || lines === null) return null;
      const instance = (tag & 8) === 0 ? this.#instance : this.#readInstance(reader);
      if (instance === undefined) return null;
      this.#commit(time, instance);
      return { kind: 'output', time, instance, stream: (tag & 4) === 0 ? 'out' : 'err', bytes, lines };
    }
    const length = uint(reader);
    if (length === null || reader.at + length > reader.data.length) return null;
    const text = reader.data.toString('utf8', reader.at, reader.at + length);
    reader.at += length;
    const instance = (tag & 16) === 0 ? this.#instance : this.#readInstance(reader);
    if (instance === undefined) return null;
    this.#commit(time, instance);
    return { kind: 'system', time, instance, level: (tag >> 2) & 3, text };
  }

  /** `undefined` when the varint is torn. */
  #readInstance(reader: Reader): number | null | undefined {
    const value = uint(reader);
    if (value === null) return undefined;
    return value === 0 ? null : value - 1;
  }

  /** Delta state moves only once a record is whole, so a torn one is decoded again in full later. */
  #commit(time: number, instance: number | null): void {
    this.#time = time;
    this.#instance = instance;
  }
}

interface Reader {
  data: Buffer;
  at: number;
}

function uint(reader: Reader): number | null {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = reader.data[reader.at];
    if (byte === undefined) return null;
    reader.at += 1;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}

/**
 * Turns a log file's text and its index records into entries, in the order they were written.
 * `textOffset` is where `text` starts in the file (a follower reads on from there); the result says
 * how far the records covered, so a follower keeps the rest — text written before its record — for
 * later. With `final`, text no record covers (a crash between the two writes, or a file without an
 * index) becomes entries with the time before it.
 */
export class IndexedText {
  /** The file offset up to which entries have been made. */
  offset: number;
  #time = 0;
  #instance: number | null = null;
  readonly #name: string;

  constructor(name: string, offset = 0) {
    this.#name = name;
    this.offset = offset;
  }

  /**
   * Entries of `records` over `text` (which starts at file offset `textStart`). Records that need text
   * beyond `text` are returned in `waiting` for the next call.
   */
  entries(
    text: Buffer,
    textStart: number,
    records: readonly IndexRecord[],
  ): { entries: LogEntry[]; waiting: IndexRecord[] } {
    const entries: LogEntry[] = [];
    const end = textStart + text.length;
    for (let r = 0; r < records.length; r += 1) {
      const record = records[r] as IndexRecord;
      if (record.kind === 'anchor') {
        if (record.offset > end) return { entries, waiting: records.slice(r) };
        if (record.offset > this.offset) {
          this.#plain(text, textStart, record.offset, entries);
        }
        this.offset = Math.max(this.offset, record.offset);
        this.#time = record.time;
        this.#instance = null;
        continue;
      }
      if (record.kind === 'system') {
        this.#time = record.time;
        this.#instance = record.instance;
        entries.push(
          this.#entry(record.time, record.instance, 'system', levelName(record.level), record.text),
        );
        continue;
      }
      if (this.offset + record.bytes > end) return { entries, waiting: records.slice(r) };
      this.#time = record.time;
      this.#instance = record.instance;
      this.#lines(text, this.offset - textStart, record.bytes, record, entries);
      this.offset += record.bytes;
    }
    return { entries, waiting: [] };
  }

  /**
   * Moves past records whose entries were made elsewhere (a history read up to a follower's snapshot),
   * keeping the offset, time and instance `entries` would have reached, without reading their text.
   */
  skip(records: readonly IndexRecord[]): void {
    for (const record of records) {
      if (record.kind === 'anchor') {
        this.offset = Math.max(this.offset, record.offset);
        this.#time = record.time;
        this.#instance = null;
        continue;
      }
      this.#time = record.time;
      this.#instance = record.instance;
      if (record.kind === 'output') this.offset += record.bytes;
    }
  }

  /** Text after the last record, as plain output: at the end of a file that will not grow any more. */
  rest(text: Buffer, textStart: number): LogEntry[] {
    const entries: LogEntry[] = [];
    this.#plain(text, textStart, textStart + text.length, entries);
    this.offset = Math.max(this.offset, textStart + text.length);
    return entries;
  }

  #plain(text: Buffer, textStart: number, until: number, out: LogEntry[]): void {
    const from = this.offset - textStart;
    const length = until - this.offset;
    if (length <= 0 || from < 0) return;
    const run = { time: this.#time, instance: this.#instance, stream: 'out' as const };
    this.#lines(text, from, length, run, out);
  }

  #lines(
    text: Buffer,
    from: number,
    length: number,
    run: { time: number; instance: number | null; stream: 'out' | 'err' },
    out: LogEntry[],
  ): void {
    const decoded = text.toString('utf8', from, from + length);
    let start = 0;
    while (start < decoded.length) {
      let newline = decoded.indexOf('\n', start);
      if (newline === -1) newline = decoded.length;
      let stop = newline;
      if (stop > start && decoded.charCodeAt(stop - 1) === 0x0d) stop -= 1;
      const line = decoded.slice(start, stop);
      out.push(this.#entry(run.time, run.instance, run.stream, levelName(detectLevel(line)), line));
      start = newline + 1;
    }
  }

  #entry(
    time: number,
    instance: number | null,
    stream: LogStream,
    level: LogEntry['level'],
    text: string,
  ): LogEntry {
    return {
      seq: 0,
      time,
      process: instance === null ? this.#name : `${this.#name}.${instance}`,
      name: this.#name,
      instance,
      stream,
      level,
      text,
    };
  }
}
