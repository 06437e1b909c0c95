import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeFsPromises, nodeZlib } from '../core/lazy-builtin.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';
import { parseFileLine } from './format.js';
import { detectLevel, levelCode, levelName } from './levels.js';
import { logFiles } from './log-files.js';
import { applyLimit, type CompiledQuery, compileQuery, mergeByTime, STREAM_CODES } from './query.js';
import type { LogEntry, LogQuery, LogQueryResult } from './types.js';

const gunzipAsync = (data: Buffer): Promise<NonSharedBuffer> => promisify(nodeZlib().gunzip)(data);

export interface FileQueryOptions {
  /** `<state_dir>/logs`. */
  dir: string;
  /** Process names whose files to read (`<dir>/<name>.log` and its rotated files). */
  names: readonly string[];
  /** Read the current file of these paths only up to this byte offset (a follower takes it from there). */
  endOffsets?: ReadonlyMap<string, number>;
  /** Per instance id: only entries older than this time (a live buffer holds the newer ones). */
  before?: (process: string) => number | null;
}

/**
 * Answers a query from the log files: current and rotated (gzip) files of each process, merged by
 * time. With a limit, files are read newest first and reading stops once the limit is reached.
 * `after` does not apply (file entries have no seq).
 */
export async function queryLogFiles(options: FileQueryOptions, query: LogQuery): Promise<LogQueryResult> {
  const compiled = compileQuery({ ...query, after: undefined });
  const runs = await Promise.all(options.names.map((name) => readProcess(options, name, compiled)));
  return { entries: applyLimit(mergeByTime(runs), compiled.limit, false), cursor: 0 };
}

async function readProcess(
  options: FileQueryOptions,
  name: string,
  query: CompiledQuery,
): Promise<LogEntry[]> {
  const current = join(options.dir, `${name}.log`);
  const files = await logFiles(current);
  const chunks: LogEntry[][] = [];
  let found = 0;
  for (let index = files.length - 1; index >= 0 && found < query.limit; index -= 1) {
    const path = files[index] ?? '';
    const entries = parseLogText(await readLogFile(path, options.endOffsets?.get(path)), name);
    const matched: LogEntry[] = [];
    // Newest first within the file too, so a small limit stops early.
    for (let i = entries.length - 1; i >= 0 && found < query.limit; i -= 1) {
      const entry = entries[i];
      if (entry === undefined || !matches(entry, query)) continue;
      const before = options.before?.(entry.process) ?? null;
      if (before !== null && entry.time >= before) continue;
      matched.push(entry);
      found += 1;
    }
    chunks.push(matched.reverse());
  }
  return chunks.reverse().flat();
}

/** The text of a log file, decompressed; '' when it vanished (rotated away) since it was listed. */
export async function readLogFile(path: string, endOffset?: number): Promise<string> {
  try {
    let data = await nodeFsPromises().readFile(path);
    if (path.endsWith('.gz')) data = await gunzipAsync(data);
    else if (endOffset !== undefined) data = data.subarray(0, endOffset);
    return data.toString('utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return '';
    throw new OvrseerError('OVRSEER_LOG_READ_FAILED', `cannot read ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/**
 * Entries of a log file's text. A line not in the file format (edited by hand, torn by a crash) is
 * kept as plain output with the time of the line before it: shown, never silently skipped.
 */
export function parseLogText(text: string, name: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let time = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '') continue;
    const entry = parseFileLine(line, name) ?? foreignLine(line, name, time);
    time = entry.time;
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

export function matches(entry: LogEntry, query: CompiledQuery): boolean {
  if (levelCode(entry.level) < query.minLevel) return false;
  if (((1 << STREAM_CODES[entry.stream]) & query.streamMask) === 0) return false;
  if (entry.time < query.since || entry.time >= query.until) return false;
  if (!query.matchesProcess(entry.process, entry.name)) return false;
  return query.matchText === null || query.matchText(entry.text);
}
