import { parseFileLine } from './format.js';
import { detectLevel, levelName } from './levels.js';
import { IndexDecoder, IndexedText, type IndexRecord } from './log-index.js';
import type { LogEntry } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * One log file and its index (`log-index.ts`) turned into entries as their bytes arrive: all at once
 * for a query, in pieces for a follower. Text is kept until the records that describe it have come
 * (the writer writes the text first, then its record), records until their text has.
 *
 * A file without an index — written by an earlier version, or by something else — is `legacy`: its
 * lines are read as the prefixed lines earlier versions wrote (`parseLogText`). So is the text before
 * the first anchor of an index that begins past offset 0: a writer that took over an earlier file.
 */
export class LogPair {
  readonly #name: string;
  readonly #decoder = new IndexDecoder();
  readonly #indexed: IndexedText;
  #legacy = false;
  /** A record has been seen: the text before the first anchor is behind us. */
  #started = false;
  #records: IndexRecord[] = [];
  /** Text not made into entries yet; starts at file offset `#textStart`. */
  #text: Buffer = EMPTY;
  #textStart: number;
  #legacyTime = 0;

  /** `offset`: where in the file the text pushed next starts. */
  constructor(name: string, offset = 0) {
    this.#name = name;
    this.#indexed = new IndexedText(name, offset);
    this.#textStart = offset;
  }

  /** No index (absent, or not one): the text is read as legacy lines. */
  get legacy(): boolean {
    return this.#legacy || this.#decoder.invalid;
  }

  setLegacy(): void {
    this.#legacy = true;
  }

  /** The file offset the next pushed text byte belongs at. */
  get textEnd(): number {
    return this.#textStart + this.#text.length;
  }

  /** Text has arrived that is not made into entries yet. */
  get hasText(): boolean {
    return this.#text.length > 0;
  }

  pushIndex(chunk: Buffer): void {
    const records = this.#decoder.push(chunk);
    for (const record of records) this.#records.push(record);
  }

  pushText(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#text = this.#text.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#text, chunk]);
  }

  /**
   * A history read made the entries of these index bytes (up to a follower's snapshot): move past
   * them. Returns the text offset to go on reading from, or `null` when this is not an index.
   */
  skipIndex(chunk: Buffer): number | null {
    const records = this.#decoder.push(chunk);
    if (this.#decoder.invalid) return null;
    if (records.length > 0) this.#started = true;
    this.#indexed.skip(records);
    this.#text = EMPTY;
    this.#textStart = this.#indexed.offset;
    return this.#textStart;
  }

  /** Entries of what both the text and the index cover so far. */
  entries(): LogEntry[] {
    if (this.legacy) return this.#legacyLines(false);
    const entries: LogEntry[] = [];
    if (!this.#started) {
      const first = this.#records[0];
      if (first === undefined) return entries;
      if (first.kind === 'anchor' && first.offset > this.#indexed.offset) {
        if (this.textEnd < first.offset) return entries;
        const length = first.offset - this.#textStart;
        for (const entry of this.#parseLegacy(this.#text.toString('utf8', 0, length))) entries.push(entry);
        this.#consume(length);
        this.#indexed.offset = first.offset;
      }
      this.#started = true;
    }
    const made = this.#indexed.entries(this.#text, this.#textStart, this.#records);
    this.#records = made.waiting;
    this.#consume(this.#indexed.offset - this.#textStart);
    for (const entry of made.entries) entries.push(entry);
    return entries;
  }

  /** `entries`, then whatever text is left, for a file that will not grow any more. */
  finish(): LogEntry[] {
    if (this.legacy) return this.#legacyLines(true);
    const entries = this.entries();
    // No record at all: an index cut short before its first one; the text is shown as it is.
    if (!this.#started) return this.#legacyLines(true);
    for (const entry of this.#indexed.rest(this.#text, this.#textStart)) entries.push(entry);
    this.#consume(this.#text.length);
    return entries;
  }

  /**
   * The text file was truncated while its index was not: what the records waiting for the cut text
   * described is gone; records to come describe the text from offset 0.
   */
  restartText(): void {
    this.#records = [];
    this.#text = EMPTY;
    this.#textStart = 0;
    this.#indexed.offset = 0;
  }

  #legacyLines(all: boolean): LogEntry[] {
    const end = all ? this.#text.length : this.#text.lastIndexOf(0x0a) + 1;
    if (end <= 0) return [];
    const entries = this.#parseLegacy(this.#text.toString('utf8', 0, end));
    this.#consume(end);
    return entries;
  }

  #parseLegacy(text: string): LogEntry[] {
    const entries = parseLogText(text, this.#name, this.#legacyTime);
    const last = entries[entries.length - 1];
    if (last !== undefined) this.#legacyTime = last.time;
    return entries;
  }

  #consume(bytes: number): void {
    if (bytes <= 0) return;
    this.#text = bytes >= this.#text.length ? EMPTY : this.#text.subarray(bytes);
    this.#textStart += bytes;
  }
}

/**
 * Entries of a log file's text in the format of earlier versions (`formatFileLine`). A line not in
 * that format (output written without an index, edited by hand, torn by a crash) is kept as plain
 * output with the time of the line before it (`time` before the first): shown, never skipped.
 */
export function parseLogText(text: string, name: string, time = 0): LogEntry[] {
  const entries: LogEntry[] = [];
  let last = time;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '') continue;
    const entry = parseFileLine(line, name) ?? foreignLine(line, name, last);
    last = entry.time;
    entries.push(entry);
  }
  return entries;
}

function foreignLine(text: string, name: string, time: number): LogEntry {
  return {
    seq: 0,
    time,
    process: name,
    name,
    instance: null,
    stream: 'out',
    level: levelName(detectLevel(text)),
    text,
  };
}

/** Records of the newest segment a query makes entries of first; each older one is 4 times larger. */
const FIRST_SEGMENT = 1024;

/**
 * The entries of a whole log file and its index, newest part first (each part oldest first), for a
 * query that stops at a limit: `logs -n 20` of a large file makes the entries of its last records
 * only. Each part starts from the state `IndexedText.skip` reaches over the records before it, so the
 * parts together are exactly what one pass makes. `final`: text after the last record is shown.
 */
export function* entriesNewestFirst(
  name: string,
  text: Buffer,
  index: Buffer | null,
  final: boolean,
): Generator<LogEntry[]> {
  const pair = new LogPair(name);
  if (index === null) pair.setLegacy();
  const records = index === null ? [] : new IndexDecoder().push(index);
  const whole = new IndexedText(name);
  whole.skip(records);
  // Small, not an index, or records waiting for text (a pass stops at them): one pass.
  if (records.length <= FIRST_SEGMENT || pair.legacy || whole.offset > text.length) {
    if (index !== null) pair.pushIndex(index);
    pair.pushText(text);
    // A legacy file is not written any more: its torn last line is shown too, as earlier versions did.
    yield final || pair.legacy ? pair.finish() : pair.entries();
    return;
  }
  let end = records.length;
  let size = FIRST_SEGMENT;
  while (end > 0) {
    const start = Math.max(0, end - size);
    const part = new IndexedText(name);
    const entries: LogEntry[] = [];
    const first = records[0];
    if (start > 0) {
      part.skip(records.slice(0, start));
    } else if (first?.kind === 'anchor' && first.offset > 0) {
      // As `LogPair.entries`: an earlier version's lines before the first anchor.
      for (const entry of parseLogText(text.toString('utf8', 0, first.offset), name)) entries.push(entry);
      part.offset = first.offset;
    }
    for (const entry of part.entries(text, 0, records.slice(start, end)).entries) entries.push(entry);
    if (end === records.length && final) {
      for (const entry of part.rest(text, 0)) entries.push(entry);
    }
    yield entries;
    end = start;
    size *= 4;
  }
}
