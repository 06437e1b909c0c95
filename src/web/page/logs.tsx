import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { parseAnsi } from './ansi.js';
import { ApiError, getJson, type LogLine, type Row } from './api.js';
import { clock } from './format.js';
import { LogBuffer } from './log-buffer.js';
import { LogSearch, searchPattern } from './log-search.js';

/** Lines the page keeps (the oldest go a chunk at a time); the supervisor keeps its own and the files. */
export const MAX_LINES = 1_000_000;
/** Lines asked for when a view opens (the API's most): the search runs over what the page holds. */
const BACKLOG = 100_000;
/** A search's slice of the main thread before it lets the page draw and scroll. */
const SEARCH_SLICE_MS = 12;
const ROW_HEIGHT = 18;

export interface LogsProps {
  rows: Row[];
  process: string;
  onProcess(name: string): void;
  /** Lines from this time on (ISO; a crash report's "its logs at that time"), or '' for all kept. */
  since?: string;
  searchRef: React.RefObject<HTMLInputElement | null>;
}

/** What the supervisor is asked for; the search runs in the page, over the lines it holds. */
interface Query {
  process: string;
  since: string;
  level: string;
}

function queryString(query: Query, follow: boolean): string {
  const params = new URLSearchParams();
  if (query.process !== '') params.set('names', query.process);
  if (query.level !== '') params.set('level', query.level);
  if (query.since !== '') params.set('since', query.since);
  params.set('limit', String(follow ? BACKLOG : 0));
  if (follow) params.set('follow', '1');
  if (follow) params.set('batch', '1');
  return params.toString();
}

/**
 * The log view: merged or one process, followed live over `GET /v1/logs?follow=1` (levels filtered
 * by the supervisor), up to a million lines held compactly (LogBuffer) and virtualized so only the
 * visible rows are in the DOM; the search runs over them a slice at a time (LogSearch).
 */
export function Logs({ rows, process, onProcess, searchRef, since: from = '' }: LogsProps) {
  const [since, setSince] = useState(from);
  useEffect(() => setSince(from), [from]);
  const [search, setSearch] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [level, setLevel] = useState('');
  const [follow, setFollow] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('connecting');
  const [, setVersion] = useState(0);
  const lines = useRef(new LogBuffer(MAX_LINES));
  const found = useRef<LogSearch | null>(null);
  const [searching, setSearching] = useState<number | null>(null);
  const [debounced, setDebounced] = useState(search);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search), 200);
    return () => clearTimeout(timer);
  }, [search]);
  const query = useMemo<Query>(() => ({ process, since, level }), [process, since, level]);
  const pattern = useMemo(
    () => searchPattern(debounced, regex, caseSensitive),
    [debounced, regex, caseSensitive],
  );
  const mark = pattern instanceof RegExp ? pattern : null;
  const patternError = typeof pattern === 'string' ? pattern : null;
  const parent = useRef<HTMLDivElement>(null);
  const followRef = useRef(follow);
  followRef.current = follow;

  // The search: a slice at a time until every held line is searched (progress shown meanwhile);
  // lines that come later are searched as they are added (flush below).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query empties the buffer: search again.
  useEffect(() => {
    found.current = null;
    setSearching(null);
    if (!(pattern instanceof RegExp)) {
      setVersion((version) => version + 1);
      return;
    }
    const search = new LogSearch(lines.current, pattern);
    found.current = search;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const slice = (): void => {
      const done = search.step(SEARCH_SLICE_MS);
      setSearching(done ? null : search.progress());
      setVersion((version) => version + 1);
      if (!done) timer = setTimeout(slice, 0);
    };
    slice();
    return () => {
      if (timer !== null) clearTimeout(timer);
    };
  }, [pattern, query]);

  useEffect(() => {
    let source: EventSource | null = null;
    let frame: number | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const pending: LogLine[] = [];
    const flush = (): void => {
      frame = null;
      const buffer = lines.current;
      const start = buffer.start;
      for (const line of pending) buffer.push(line);
      pending.length = 0;
      // A search that has caught up searches the new lines now (a few per frame).
      found.current?.step(SEARCH_SLICE_MS);
      // The oldest chunk went: a paused view is moved up as many rows, so it stays on its lines.
      const dropped = buffer.start - start;
      const scroller = parent.current;
      if (dropped > 0 && !followRef.current && scroller !== null && found.current === null)
        scroller.scrollTop = Math.max(0, scroller.scrollTop - dropped * ROW_HEIGHT);
      setVersion((version) => version + 1);
    };
    const open = async (): Promise<void> => {
      lines.current.clear();
      setVersion((version) => version + 1);
      try {
        // Asked once without following first: a bad pattern gets its 400 and message here (an
        // EventSource cannot read an error's body).
        await getJson(`/v1/logs?${queryString(query, false)}`);
        setError(null);
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
        // A bad pattern waits for the user; a supervisor that is away is asked again.
        const code = caught instanceof ApiError ? caught.code : '';
        if (!stopped && !code.startsWith('OVRSEER_USAGE') && !code.startsWith('OVRSEER_PATTERN'))
          retry = setTimeout(() => void open(), 1000);
        return;
      }
      if (stopped) return;
      source = new EventSource(`/v1/logs?${queryString(query, true)}`);
      source.onopen = () => setStatus('live');
      source.addEventListener('logs', (event) => {
        for (const line of JSON.parse((event as MessageEvent<string>).data) as LogLine[]) pending.push(line);
        frame ??= requestAnimationFrame(flush);
      });
      source.onerror = () => {
        setStatus('reconnecting…');
        source?.close();
        if (!stopped) retry = setTimeout(() => void open(), 1000);
      };
    };
    void open();
    return () => {
      stopped = true;
      source?.close();
      if (frame !== null) cancelAnimationFrame(frame);
      if (retry !== null) clearTimeout(retry);
    };
  }, [query]);

  const matching = found.current;
  const firstMatch = matching === null ? 0 : matching.firstKept();
  const count = matching === null ? lines.current.length : matching.matches.length - firstMatch;
  const positionOf = (index: number): number =>
    matching === null ? lines.current.start + index : (matching.matches[firstMatch + index] ?? -1);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });
  useEffect(() => {
    if (follow && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  });
  const pauseOnScrollUp = useCallback((event: React.WheelEvent) => {
    if (event.deltaY < 0) setFollow(false);
  }, []);
  const names = useMemo(() => [...new Set(rows.map((row) => row.name))].sort(), [rows]);

  return (
    <section className="logs">
      <div className="toolbar">
        <select aria-label="process" value={process} onChange={(event) => onProcess(event.target.value)}>
          <option value="">all processes (merged)</option>
          {names.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <input
          ref={searchRef}
          type="search"
          aria-label="search logs"
          placeholder={regex ? 'regex search  (/)' : 'search  (/)'}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <label>
          <input type="checkbox" checked={regex} onChange={(event) => setRegex(event.target.checked)} /> regex
        </label>
        <label>
          <input
            type="checkbox"
            checked={caseSensitive}
            onChange={(event) => setCaseSensitive(event.target.checked)}
          />{' '}
          Aa
        </label>
        <select aria-label="level" value={level} onChange={(event) => setLevel(event.target.value)}>
          <option value="">all levels</option>
          <option value="debug">debug+</option>
          <option value="info">info+</option>
          <option value="warn">warn+</option>
          <option value="error">error</option>
        </select>
        <select
          aria-label="time range"
          value={/^\d+[mh]$/.test(since) || since === '' ? since : 'at'}
          onChange={(event) => setSince(event.target.value === 'at' ? since : event.target.value)}
        >
          <option value="">all kept</option>
          <option value="5m">last 5 min</option>
          <option value="15m">last 15 min</option>
          <option value="1h">last hour</option>
          {!/^\d+[mh]$/.test(since) && since !== '' && <option value="at">from {clock(since)}</option>}
        </select>
        <input
          type="time"
          step="1"
          aria-label="jump to a time"
          title="lines from this time of day on"
          onChange={(event) => setSince(timeToday(event.target.value))}
        />
        <button
          type="button"
          className={follow ? 'on' : ''}
          aria-pressed={follow}
          onClick={() => setFollow(!follow)}
        >
          {follow ? 'following' : 'paused'}
        </button>
        <span className="spacer" />
        <span className="count" data-count={count}>
          {searching !== null && (
            <progress className="searching" aria-label="searching" max={1} value={searching} />
          )}
          {matching !== null && `${count.toLocaleString()} of ${lines.current.length.toLocaleString()}`}
          {matching === null && count.toLocaleString()} lines · {status}
        </span>
      </div>
      {(error ?? patternError) !== null && (
        <p className="error" role="alert">
          {error ?? patternError}
        </p>
      )}
      <div className="log-scroll" ref={parent} onWheel={pauseOnScrollUp} tabIndex={-1}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = lines.current.line(positionOf(item.index));
            if (line === undefined) return null;
            return (
              <div
                key={item.key}
                className={`log-line ${line.stream} level-${line.level ?? 'none'}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <span className="time">{clock(line.time)}</span>
                {process === '' && <span className="proc">{line.process}</span>}
                <span className="stream" title={line.stream === 'err' ? 'stderr' : line.stream}>
                  {line.stream === 'err' ? 'E' : line.stream === 'system' ? '·' : ' '}
                </span>
                <span className="text">{renderText(line.text, mark)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

/** `HH:MM[:SS]` today as an ISO time ('' for an empty input). */
function timeToday(value: string): string {
  if (value === '') return '';
  const [hours = 0, minutes = 0, seconds = 0] = value.split(':').map(Number);
  const date = new Date();
  date.setHours(hours, minutes, seconds, 0);
  return date.toISOString();
}

function renderText(text: string, mark: RegExp | null): React.ReactNode {
  const segments = parseAnsi(text);
  return segments.map((segment, index) => {
    const style = {
      ...(segment.color === undefined ? {} : { color: segment.color }),
      ...(segment.background === undefined ? {} : { background: segment.background }),
    };
    return (
      // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder.
      <span key={index} className={segment.classes} style={style}>
        {mark === null ? segment.text : highlight(segment.text, mark)}
      </span>
    );
  });
}

function highlight(text: string, mark: RegExp): React.ReactNode {
  const parts: React.ReactNode[] = [];
  let last = 0;
  mark.lastIndex = 0;
  for (let match = mark.exec(text); match !== null; match = mark.exec(text)) {
    if (match[0] === '') {
      mark.lastIndex += 1;
      continue;
    }
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(<mark key={match.index}>{match[0]}</mark>);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
