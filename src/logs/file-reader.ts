import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeFsPromises, nodeZlib } from '../core/lazy-builtin.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';
import { levelCode } from './levels.js';
import { logFiles } from './log-files.js';
import { indexPathOf } from './log-index.js';
import { entriesNewestFirst } from './log-pair.js';
import { applyLimit, type CompiledQuery, compileQuery, mergeByTime, STREAM_CODES } from './query.js';
import type { LogEntry, LogQuery, LogQueryResult } from './types.js';

export { parseLogText } from './log-pair.js';

const gunzipAsync = (data: Buffer): Promise<NonSharedBuffer> => promisify(nodeZlib().gunzip)(data);

export interface FileQueryOptions {
  /** `<state_dir>/logs`. */
  dir: string;
  /** Process names whose files to read (`<dir>/<name>.log` and its rotated files, with their indexes). */
  names: readonly string[];
  /**
   * A follower's snapshot (`LogFollower.snapshot`): read the current file only up to these byte
   * offsets — of the text file, and of its index under `indexPathOf` — the follower takes it from there.
   */
  endOffsets?: ReadonlyMap<string, number>;
  /**
   * The current files are being written (a running supervisor): text after the last index record is
   * not shown, its record is on its way. @default false
   */
  growing?: boolean;
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
  const newest: LogEntry[] = [];
  for (let index = files.length - 1; index >= 0 && newest.length < query.limit; index -= 1) {
    const path = files[index] ?? '';
    for (const entries of await fileEntries(path, name, path === current ? options : null)) {
      // Newest first within the file too, so a small limit stops early.
      for (let i = entries.length - 1; i >= 0 && newest.length < query.limit; i -= 1) {
        const entry = entries[i];
        if (entry === undefined || !matches(entry, query)) continue;
        const before = options.before?.(entry.process) ?? null;
        if (before !== null && entry.time >= before) continue;
        newest.push(entry);
      }
      if (newest.length >= query.limit) break;
    }
  }
  return newest.reverse();
}

/**
 * The entries of one log file and its index, newest part first; `current` holds the options for the
 * current file (which may be growing), `null` for a rotated one.
 */
async function fileEntries(
  path: string,
  name: string,
  current: FileQueryOptions | null,
): Promise<Iterable<LogEntry[]>> {
  const ends = current?.endOffsets;
  const textEnd = ends?.get(path);
  const text = await readLogBytes(path, textEnd);
  if (text === null) return [];
  const indexPath = indexPathOf(path);
  // A snapshot taken without an index read the file as legacy text: so must the history before it.
  const index =
    ends !== undefined && textEnd !== undefined && !ends.has(indexPath)
      ? null
      : await readIndex(indexPath, ends?.get(indexPath));
  const growing = current !== null && (ends !== undefined || current.growing === true);
  return entriesNewestFirst(name, text, index, !growing);
}

/**
 * The index of a log file: `api.idx.1` is preferred over `api.idx.1.gz` as `logFiles` prefers the
 * uncompressed file (compression cut short leaves both, the plain one whole). `null` when there is none.
 */
async function readIndex(indexPath: string, endOffset: number | undefined): Promise<Buffer | null> {
  const plain = indexPath.endsWith('.gz') ? indexPath.slice(0, -3) : indexPath;
  return (await readLogBytes(plain, endOffset)) ?? (await readLogBytes(`${plain}.gz`, endOffset));
}

/** The bytes of a log or index file, decompressed; `null` when it is missing (or rotated away since listed). */
async function readLogBytes(path: string, endOffset?: number): Promise<Buffer | null> {
  try {
    let data: Buffer = await nodeFsPromises().readFile(path);
    if (path.endsWith('.gz')) data = await gunzipAsync(data);
    else if (endOffset !== undefined) data = data.subarray(0, endOffset);
    return data;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw new OvrseerError('OVRSEER_LOG_READ_FAILED', `cannot read ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** The text of a log file, decompressed; '' when it vanished (rotated away) since it was listed. */
export async function readLogFile(path: string, endOffset?: number): Promise<string> {
  return ((await readLogBytes(path, endOffset)) ?? Buffer.alloc(0)).toString('utf8');
}

export function matches(entry: LogEntry, query: CompiledQuery): boolean {
  if (levelCode(entry.level) < query.minLevel) return false;
  if (((1 << STREAM_CODES[entry.stream]) & query.streamMask) === 0) return false;
  if (entry.time < query.since || entry.time >= query.until) return false;
  if (!query.matchesProcess(entry.process, entry.name)) return false;
  return query.matchText === null || query.matchText(entry.text);
}
