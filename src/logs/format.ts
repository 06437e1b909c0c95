import type { LogStream } from '../core/events.js';
import { isLogLevel, LOG_LEVELS } from './levels.js';
import type { LogEntry } from './types.js';

let cachedMs = Number.NaN;
let cachedIso = '';

/**
 * `toISOString` for log lines. A flood brings thousands of lines per millisecond, so the last result
 * is kept: most calls cost one comparison instead of a Date and a format.
 */
export function isoTime(ms: number): string {
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = new Date(ms).toISOString();
  }
  return cachedIso;
}

/**
 * A line of a log file (and of the `text` export):
 * `2025-05-01T10:00:00.123Z api.2 out warn | the text as printed`. Fixed fields first, so the text
 * — whatever it contains, except a newline, which line splitting has removed — is the rest of the line.
 */
export function formatFileLine(
  time: number,
  process: string,
  stream: LogStream,
  level: number,
  text: string,
): string {
  return `${isoTime(time)} ${process} ${stream} ${LOG_LEVELS[level] ?? 'info'} | ${text}\n`;
}

/**
 * `formatFileLine` for a stream of lines: the prefix (time, process, stream, level) is rebuilt only
 * when one of them changes, which in a flood is once per millisecond.
 */
export class FileLineFormatter {
  #time = Number.NaN;
  #process = '';
  #stream = '';
  #level = -1;
  #prefix = '';

  /** `2025-05-01T10:00:00.123Z api.2 out warn | ` */
  prefix(time: number, process: string, stream: LogStream, level: number): string {
    if (
      time !== this.#time ||
      process !== this.#process ||
      stream !== this.#stream ||
      level !== this.#level
    ) {
      this.#time = time;
      this.#process = process;
      this.#stream = stream;
      this.#level = level;
      this.#prefix = `${isoTime(time)} ${process} ${stream} ${LOG_LEVELS[level] ?? 'info'} | `;
    }
    return this.#prefix;
  }
}

export function formatTextLine(entry: LogEntry): string {
  return `${isoTime(entry.time)} ${entry.process} ${entry.stream} ${entry.level} | ${entry.text}\n`;
}

/**
 * One line of `ovrseer logs --json` (README, "JSON output"): `{"time","process","stream","level","text"}`,
 * plus `fields` — the parsed object — for lines that are JSON. The same keys whether the lines were
 * read from the log files or followed from a running supervisor, so there is one place that says them.
 */
export interface LogRecord {
  time: string;
  process: string;
  stream: LogStream;
  level: LogEntry['level'];
  text: string;
  fields?: Record<string, unknown>;
}

export function logRecord(entry: LogEntry): LogRecord {
  const record: LogRecord = {
    time: isoTime(entry.time),
    process: entry.process,
    stream: entry.stream,
    level: entry.level,
    text: entry.text,
  };
  const fields = jsonFields(entry.text);
  if (fields !== undefined) record.fields = fields;
  return record;
}

/** A line of `ovrseer logs --json`: `logRecord` and a newline. */
export function formatLogRecord(entry: LogEntry): string {
  return `${JSON.stringify(logRecord(entry))}\n`;
}

/**
 * A `logRecord` line plus `seq` for entries of a live store (files do not keep it), as
 * `LogStore.export('json')` and `streamToFile` write them.
 */
export function formatJsonLine(entry: LogEntry): string {
  return `${jsonLine(entry)}\n`;
}

/** `formatJsonLine` without the newline. */
export function jsonLine(entry: LogEntry): string {
  const record = logRecord(entry);
  return JSON.stringify(entry.seq > 0 ? { ...record, seq: entry.seq } : record);
}

/** The fields of a line that is a JSON object, or undefined. Parsed on export only, never on ingest. */
export function jsonFields(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    // Looked like JSON but is not: it stays plain text, which is what it is. Nothing to report.
    return undefined;
  }
}

const STREAM_NAMES = new Set<string>(['out', 'err', 'system']);

/**
 * Reads back a line written by `formatFileLine`; `null` when the line is not in that format (a file
 * edited by hand, or the torn last line of a crash), for the caller to decide.
 */
export function parseFileLine(line: string, name: string): LogEntry | null {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  const d = line.indexOf(' ', c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0 || line.charCodeAt(d + 1) !== 0x7c) return null;
  const time = Date.parse(line.slice(0, a));
  const process = line.slice(a + 1, b);
  const stream = line.slice(b + 1, c);
  const level = line.slice(c + 1, d);
  if (Number.isNaN(time) || !STREAM_NAMES.has(stream) || !isLogLevel(level)) return null;
  return {
    seq: 0,
    time,
    process,
    name,
    instance: instanceOf(process, name),
    stream: stream as LogStream,
    level,
    // `| ` then the text; a line cut right after the bar has empty text.
    text: line.slice(d + 3),
  };
}

/** The instance of a process id (`api.2` of `api`), null for a process without replicas. */
export function instanceOf(process: string, name: string): number | null {
  if (process.length <= name.length + 1 || !process.startsWith(`${name}.`)) return null;
  const instance = Number(process.slice(name.length + 1));
  return Number.isInteger(instance) ? instance : null;
}
