import type { LogEntry, LogQuery } from '../logs/types.js';
import type { SearchPattern } from './search.js';
import type { LogView } from './source.js';

type Position = Pick<LogEntry, 'seq' | 'time'>;

/** Matches counted when a search starts; more are shown as "N+". */
export const MATCH_COUNT_CAP = 10_000;

/**
 * The log pane's window over a store: only the lines on screen are ever read. Following (the
 * default), each frame reads just what arrived since the last one; scrolled back, the window is
 * anchored at its top line's seq, so new lines do not move it, and it is read again only when it
 * moves. Nothing here copies the buffer: every query has a limit or starts at a cursor.
 */
export class LogWindow {
  readonly #view: LogView;
  #filter: LogQuery = {};
  #filterKey = '{}';
  /** Top line while scrolled back; `null` while following the end. */
  #anchor: Position | null = null;
  #lines: LogEntry[] = [];
  #cursor = 0;
  #height = 0;
  #stale = true;
  #search: SearchPattern | null = null;
  #match: Position | null = null;
  #matchCount = 0;

  constructor(view: LogView) {
    this.#view = view;
  }

  get following(): boolean {
    return this.#anchor === null;
  }

  get search(): SearchPattern | null {
    return this.#search;
  }

  /** Seq of the current search match (the line `n`/`N` moved to), or null. */
  get matchSeq(): number | null {
    return this.#match?.seq ?? null;
  }

  get matchCount(): number {
    return this.#matchCount;
  }

  /** Which processes and levels are shown; the position is kept when it changes. */
  setFilter(filter: Pick<LogQuery, 'processes' | 'level'>): void {
    const key = JSON.stringify(filter);
    if (key === this.#filterKey) return;
    this.#filter = { ...filter };
    this.#filterKey = key;
    this.#stale = true;
    if (this.#search !== null) this.#matchCount = this.#countMatches();
  }

  /** The entries on screen, oldest first. */
  lines(height: number): LogEntry[] {
    if (height !== this.#height) {
      this.#height = height;
      this.#stale = true;
    }
    if (height <= 0) return [];
    const last = this.#view.lastSeq;
    if (this.#anchor === null) {
      const gap = last - this.#cursor;
      if (this.#stale || gap > height * 8) {
        const result = this.#view.query({ ...this.#filter, limit: height });
        this.#lines = result.entries;
        this.#cursor = result.cursor;
      } else if (gap > 0) {
        const result = this.#view.query({ ...this.#filter, after: this.#cursor });
        this.#lines =
          result.entries.length === 0 ? this.#lines : [...this.#lines, ...result.entries].slice(-height);
        this.#cursor = result.cursor;
      }
    } else if (this.#stale || (this.#lines.length < height && last !== this.#cursor)) {
      this.#lines = this.#view.query({ ...this.#filter, after: this.#anchor.seq - 1, limit: height }).entries;
      this.#cursor = last;
    }
    this.#stale = false;
    return this.#lines;
  }

  /** Moves by `delta` lines: negative is back (older), positive forward; the end resumes following. */
  scroll(delta: number): void {
    if (delta === 0 || this.#height <= 0) return;
    if (delta > 0) {
      if (this.#anchor === null) return;
      const ahead = this.#view.query({
        ...this.#filter,
        after: this.#anchor.seq - 1,
        limit: delta + this.#height + 1,
      });
      const top = ahead.entries[delta];
      // Nothing beyond the window that would show from `top`: that is the end, so follow it.
      if (top === undefined || ahead.entries.length <= delta + this.#height) this.bottom();
      else this.#moveTo(top);
      return;
    }
    const top = this.#anchor ?? this.lines(this.#height)[0];
    if (top === undefined) return;
    const before = this.#before(this.#filter, top, -delta);
    const first = before[0];
    if (first !== undefined) this.#moveTo(first);
  }

  page(direction: 1 | -1): void {
    this.scroll(direction * Math.max(1, this.#height - 1));
  }

  /** The oldest line kept. */
  top(): void {
    if (this.#height <= 0) return;
    const first = this.#view.query({ ...this.#filter, after: 0, limit: this.#height + 1 });
    const oldest = first.entries[0];
    // Everything fits on the screen: the top is the end.
    if (oldest === undefined || first.entries.length <= this.#height) this.bottom();
    else this.#moveTo(oldest);
  }

  /** Back to following the end. */
  bottom(): void {
    this.#anchor = null;
    this.#stale = true;
  }

  /** Starts a search (or ends it with null) and moves to the newest match. */
  setSearch(pattern: SearchPattern | null): boolean {
    this.#search = pattern;
    this.#match = null;
    this.#matchCount = pattern === null ? 0 : this.#countMatches();
    return pattern === null ? false : this.nextMatch();
  }

  /** `n`: the next match back in time from the current one (or from the end). */
  nextMatch(): boolean {
    const grep = this.#grep();
    if (grep === null) return false;
    const from = this.#match ??
      this.#anchor ?? { seq: Number.MAX_SAFE_INTEGER, time: Number.POSITIVE_INFINITY };
    const found = this.#before(grep, from, 1)[0];
    if (found === undefined) return false;
    this.#show(found);
    return true;
  }

  /** `N`: the next match forward in time. */
  previousMatch(): boolean {
    const grep = this.#grep();
    if (grep === null || this.#match === null) return false;
    const found = this.#view.query({ ...grep, after: this.#match.seq, limit: 1 }).entries[0];
    if (found === undefined) return false;
    this.#show(found);
    return true;
  }

  #grep(): LogQuery | null {
    const search = this.#search;
    if (search === null) return null;
    return { ...this.#filter, grep: search.grep, fixed: search.fixed, ignoreCase: search.ignoreCase };
  }

  #countMatches(): number {
    const grep = this.#grep();
    return grep === null ? 0 : this.#view.query({ ...grep, limit: MATCH_COUNT_CAP }).entries.length;
  }

  /** Puts a match a third of the way down the window. */
  #show(match: LogEntry): void {
    this.#match = { seq: match.seq, time: match.time };
    const above = this.#before(this.#filter, match, Math.floor(this.#height / 3));
    this.#moveTo(above[0] ?? match);
  }

  #moveTo(top: Position): void {
    this.#anchor = { seq: top.seq, time: top.time };
    this.#stale = true;
  }

  /**
   * The `count` entries just before `position`. The store can bound a query by time, not by seq, so
   * ask for lines up to the position's millisecond and drop those at or after it; lines sharing that
   * millisecond (a flood writes hundreds) may need a larger limit, hence the loop.
   */
  #before(query: LogQuery, position: Position, count: number): LogEntry[] {
    if (count <= 0) return [];
    let limit = count + 64;
    for (;;) {
      const result = this.#view.query({ ...query, until: position.time + 1, limit });
      const before = result.entries.filter((entry) => entry.seq < position.seq);
      if (before.length >= count || result.entries.length < limit) return before.slice(-count);
      limit *= 4;
    }
  }
}
