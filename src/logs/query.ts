import stripAnsi from 'strip-ansi';
import { compileUserPattern } from '../config/user-pattern.js';
import type { LogStream } from '../core/events.js';
import { OvrseerError } from '../errors.js';
import { levelCode } from './levels.js';
import type { LogRing } from './log-ring.js';
import type { LogEntry, LogQuery } from './types.js';

/** Stream codes as the ring stores them. */
export const STREAM_CODES: Readonly<Record<LogStream, number>> = { out: 0, err: 1, system: 2 };
export const STREAMS: readonly LogStream[] = ['out', 'err', 'system'];

/** A query turned into plain values and one text predicate, checked per line without allocating. */
export interface CompiledQuery {
  matchesProcess(id: string, name: string): boolean;
  since: number;
  until: number;
  minLevel: number;
  /** Bit per stream code. */
  streamMask: number;
  after: number;
  /** Only entries with a smaller seq (paging back). */
  before: number;
  /** `null` when there is no text condition. */
  matchText: ((text: string) => boolean) | null;
  limit: number;
  /** Oldest first after a cursor (following), instead of the newest `limit`. */
  forward: boolean;
}

export function compileQuery(query: LogQuery): CompiledQuery {
  const wanted = query.processes === undefined ? null : new Set(query.processes);
  let streamMask = 0b111;
  if (query.streams !== undefined) {
    streamMask = 0;
    for (const stream of query.streams) streamMask |= 1 << STREAM_CODES[stream];
  }
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new OvrseerError('OVRSEER_USAGE', `limit must be 0 or more, got ${limit}`);
  return {
    matchesProcess: wanted === null ? () => true : (id, name) => wanted.has(id) || wanted.has(name),
    since: query.since ?? Number.NEGATIVE_INFINITY,
    until: query.until ?? Number.POSITIVE_INFINITY,
    minLevel: query.level === undefined ? 0 : levelCode(query.level),
    streamMask,
    after: query.after ?? 0,
    before: query.before ?? Number.POSITIVE_INFINITY,
    matchText:
      query.grep === undefined
        ? null
        : withBudget(compileMatcher(query.grep, query.fixed ?? false, query.ignoreCase), query.budgetMs),
    limit,
    forward: query.after !== undefined,
  };
}

const ESC = '\x1b';
/** Characters matched between two looks at the clock: about a millisecond of re2js. */
const CLOCK_EVERY = 64 * 1024;

/**
 * `match`, throwing once `budgetMs` have gone by since the query was compiled. Linear time is not
 * short time: 64 MiB of buffered lines is seconds of re2js, during which the supervisor answers
 * nothing else — better to say so and let the user narrow the search.
 */
function withBudget(
  match: (text: string) => boolean,
  budgetMs: number | undefined,
): (text: string) => boolean {
  if (budgetMs === undefined || budgetMs === Number.POSITIVE_INFINITY) return match;
  const started = performance.now();
  let sinceClock = 0;
  return (text) => {
    sinceClock += text.length;
    if (sinceClock >= CLOCK_EVERY) {
      sinceClock = 0;
      if (performance.now() - started > budgetMs) {
        throw new OvrseerError(
          'OVRSEER_LIMIT_EXCEEDED',
          `grep: the search was stopped after ${budgetMs} ms (the most one search may hold the supervisor); narrow it with names=, since= or level=, or put a literal word in the pattern`,
        );
      }
    }
    return match(text);
  };
}

/**
 * A predicate for one line. ANSI colour codes are kept in what is stored and shown, but a search for
 * `error` must find `\x1b[31merror\x1b[0m`, so lines that contain an escape are matched stripped.
 * A string runs on RE2 (see `compileUserPattern`; throws OVRSEER_PATTERN_INVALID); a RegExp object
 * comes from code, not from a user, and keeps the native engine.
 */
export function compileMatcher(
  grep: string | RegExp,
  fixed: boolean,
  ignoreCase = false,
): (text: string) => boolean {
  if (typeof grep === 'string') {
    const pattern = compileUserPattern(grep, { fixed, ignoreCase, key: 'grep' });
    return (text) => pattern.test(text.includes(ESC) ? stripAnsi(text) : text);
  }
  // `g` and `y` make `test` stateful (lastIndex), which would skip matches between lines.
  const flags = grep.flags.replace(/[gy]/g, '') + (ignoreCase && !grep.flags.includes('i') ? 'i' : '');
  const regex = new RegExp(grep.source, flags);
  return (text) => regex.test(text.includes(ESC) ? stripAnsi(text) : text);
}

/**
 * Merges the matching slots of each ring by seq — the order lines arrived in — and builds entries
 * only for the ones kept: the newest `limit` (oldest first), or the oldest `limit` when following.
 */
export function mergeSlots(
  runs: { ring: LogRing; slots: number[] }[],
  limit: number,
  forward: boolean,
): LogEntry[] {
  const positions = runs.map((run) => (forward ? 0 : run.slots.length - 1));
  const picked: LogEntry[] = [];
  while (picked.length < limit) {
    let best = -1;
    let bestSeq = forward ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (let r = 0; r < runs.length; r += 1) {
      const run = runs[r];
      const slot = run?.slots[positions[r] ?? -1];
      if (run === undefined || slot === undefined) continue;
      const seq = run.ring.seqOf(slot);
      if (forward ? seq < bestSeq : seq > bestSeq) {
        best = r;
        bestSeq = seq;
      }
    }
    const run = runs[best];
    const slot = run?.slots[positions[best] ?? -1];
    if (run === undefined || slot === undefined) break;
    picked.push(run.ring.entry(slot));
    positions[best] = (positions[best] ?? 0) + (forward ? 1 : -1);
  }
  return forward ? picked : picked.reverse();
}

/**
 * Merges runs from files, each in file order, by time. Equal times keep file order, and between
 * processes the earlier run wins, so the result is stable.
 */
export function mergeByTime(runs: readonly LogEntry[][]): LogEntry[] {
  const nonEmpty = runs.filter((run) => run.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return [...(nonEmpty[0] ?? [])];
  const positions = new Array<number>(nonEmpty.length).fill(0);
  const out: LogEntry[] = [];
  // A linear pick per entry: the number of processes is small, a heap would cost more than it saves.
  for (;;) {
    let best = -1;
    let bestEntry: LogEntry | undefined;
    for (let r = 0; r < nonEmpty.length; r += 1) {
      const entry = nonEmpty[r]?.[positions[r] ?? 0];
      if (entry !== undefined && (bestEntry === undefined || entry.time < bestEntry.time)) {
        best = r;
        bestEntry = entry;
      }
    }
    if (bestEntry === undefined) return out;
    out.push(bestEntry);
    positions[best] = (positions[best] ?? 0) + 1;
  }
}

/** The newest `limit` of `entries` (oldest first), or the oldest `limit` when following forward. */
export function applyLimit(entries: LogEntry[], limit: number, forward: boolean): LogEntry[] {
  if (entries.length <= limit) return entries;
  return forward ? entries.slice(0, limit) : entries.slice(entries.length - limit);
}
