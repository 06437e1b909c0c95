import type { LogStream } from '../core/events.js';
import type { LineBatch } from '../core/line-batch.js';
import type { LogLevel } from './levels.js';

/** One kept line of output (or a line from ovrseer itself: `stream: 'system'`). */
export interface LogEntry {
  /**
   * Increases by one per entry of a store, forever, across all processes: the merge order and the
   * cursor for following. Entries read back from files have `seq: 0` (files do not keep it).
   */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  /** Display id: `api`, or `worker.2` for a replica. */
  process: string;
  name: string;
  /** Replica number, `null` for a process with one instance. */
  instance: number | null;
  stream: LogStream;
  level: LogLevel;
  /** As printed, ANSI colour codes included. */
  text: string;
}

/** What to select. Every field narrows; an empty query selects everything kept. */
export interface LogQuery {
  /** Process names (all instances) or instance ids (`worker.2`). Default: all. */
  processes?: readonly string[];
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Minimum level. */
  level?: LogLevel;
  streams?: readonly LogStream[];
  /**
   * A regular expression (source text, run by RE2 in linear time; or a RegExp from code, run natively),
   * or plain text with `fixed`. ANSI codes are ignored.
   */
  grep?: string | RegExp;
  /** Treat a string `grep` as plain text. */
  fixed?: boolean;
  ignoreCase?: boolean;
  /**
   * At most this many entries: the newest ones — or, with `after`, the oldest ones after the cursor,
   * so a follower pages forward without gaps.
   */
  limit?: number;
  /** Only entries with a greater `seq` (a cursor from an earlier result). */
  after?: number;
  /**
   * Only entries with a smaller `seq`: the page before one already read (newest `limit` of them).
   * Entries read from files have no seq and are not returned with it.
   */
  before?: number;
  /**
   * Most milliseconds a `grep` may take before the query throws OVRSEER_LIMIT_EXCEEDED (the API's
   * searches, so that one cannot hold the supervisor). @default Infinity
   */
  budgetMs?: number;
}

export interface LogQueryResult {
  /** Oldest first. */
  entries: LogEntry[];
  /** Pass as `after` to get what comes next: covers everything examined, not only what matched. */
  cursor: number;
}

/** In the levels a sink gets with a batch: the line was not kept (under its process's minimum level). */
export const SKIPPED = 255;

/** Receives every entry a store keeps, as plain arguments: no object per line on the hot path. */
export interface LogSink {
  /**
   * The kept lines of a batch: `levels[i]` is line `i`'s level, or `SKIPPED`; kept lines have the seqs
   * `firstSeq`, `firstSeq + 1`, … in order. `levels` is null when every line is kept and no level was
   * detected (nothing needed one): a sink that wants them detects them (`detectBatchLevel`).
   */
  writeLines(
    firstSeq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    lines: LineBatch,
    levels: Uint8Array | null,
  ): void;
  write(
    seq: number,
    time: number,
    process: string,
    name: string,
    stream: LogStream,
    level: number,
    text: string,
  ): void;
}
