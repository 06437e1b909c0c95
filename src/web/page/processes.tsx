import { useCallback, useMemo, useRef, useState } from 'react';
import { ActionButton } from './action-button.js';
import type { Row } from './api.js';
import type { LiveState } from './live.js';
import { ProcessRow, startedAt } from './process-row.js';
import { sparkPath } from './sparkline.js';

type SortKey = 'name' | 'status' | 'restarts' | 'cpu' | 'memory' | 'uptime_ms';

export interface ProcessesProps {
  live: LiveState;
  filter: string;
  onFilter(value: string): void;
  filterRef: React.RefObject<HTMLInputElement | null>;
  selected: Set<string>;
  onSelect(selected: Set<string>): void;
  onLogs(name: string): void;
}

/** The process table: one row per instance, filtered, sorted, selectable, with its actions. */
export function Processes({ live, filter, onFilter, filterRef, selected, onSelect, onLogs }: ProcessesProps) {
  const [state, setState] = useState('');
  const [scope, setScope] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; down: boolean }>({ key: 'name', down: false });
  const scopes = useMemo(() => {
    const found = new Set<string>();
    for (const row of live.rows) {
      if (row.group !== null) found.add(`group:${row.group}`);
      for (const tag of row.tags) found.add(`tag:${tag}`);
    }
    return [...found].sort();
  }, [live.rows]);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const shown = live.rows.filter(
      (row) =>
        (needle === '' || row.name.toLowerCase().includes(needle)) &&
        (state === '' || row.status === state) &&
        (scope === '' || inScope(row, scope)),
    );
    const value = (row: Row): string | number => row[sort.key] ?? -1;
    shown.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name);
      return sort.down ? -order : order;
    });
    return shown;
  }, [live.rows, filter, state, scope, sort]);
  const states = useMemo(() => [...new Set(live.rows.map((row) => row.status))].sort(), [live.rows]);
  const chosen = [...selected].filter((name) => live.rows.some((row) => row.name === name));
  // The rows' callbacks stay the same functions across renders (memoized rows compare them).
  const latest = useRef({ selected, onSelect, onLogs });
  latest.current = { selected, onSelect, onLogs };
  const onToggle = useCallback((name: string): void => {
    const next = new Set(latest.current.selected);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    latest.current.onSelect(next);
  }, []);
  const onLogsStable = useCallback((name: string): void => latest.current.onLogs(name), []);
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.down ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="link"
        onClick={() => setSort({ key, down: sort.key === key && !sort.down })}
      >
        {label}
        {sort.key === key ? (sort.down ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <section className="processes">
      <div className="toolbar">
        <input
          ref={filterRef}
          type="search"
          placeholder="filter by name  (/)"
          aria-label="filter by name"
          value={filter}
          onChange={(event) => onFilter(event.target.value)}
        />
        <select aria-label="filter by state" value={state} onChange={(event) => setState(event.target.value)}>
          <option value="">all states</option>
          {states.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        {scopes.length > 0 && (
          <select
            aria-label="filter by group or tag"
            value={scope}
            onChange={(event) => setScope(event.target.value)}
          >
            <option value="">all groups and tags</option>
            {scopes.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        )}
        {scope !== '' && (
          <span className="scope">
            {scope}:
            {(['start', 'stop', 'restart', 'pause', 'resume'] as const).map((action) => (
              <ActionButton key={action} action={action} targets={[scope]} />
            ))}
          </span>
        )}
        <span className="spacer" />
        <span className="selection">
          {chosen.length > 0 ? `${chosen.length} selected:` : 'selected:'}
          {(['start', 'stop', 'restart'] as const).map((action) => (
            <ActionButton key={action} action={action} targets={chosen} />
          ))}
        </span>
        <span className="all">
          all:
          <ActionButton action="start" targets={['all']} />
          <ActionButton action="stop" targets={['all']} confirm={`stop all ${live.rows.length}?`} />
          <ActionButton action="restart" targets={['all']} confirm={`restart all ${live.rows.length}?`} />
        </span>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="select all shown"
                  checked={rows.length > 0 && rows.every((row) => selected.has(row.name))}
                  onChange={(event) =>
                    onSelect(new Set(event.target.checked ? rows.map((row) => row.name) : []))
                  }
                />
              </th>
              {header('name', 'name')}
              {header('status', 'state')}
              <th>health</th>
              <th>pid</th>
              {header('uptime_ms', 'uptime')}
              {header('restarts', 'restarts')}
              {header('cpu', 'cpu')}
              {header('memory', 'memory')}
              <th>ports</th>
              <th>group / tags</th>
              <th>actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const series = live.history.get(row.name);
              return (
                <ProcessRow
                  key={row.name}
                  row={row}
                  started={startedAt(row.uptime_ms, live.rowsTime)}
                  selected={selected.has(row.name)}
                  cpuPath={sparkPath(series?.cpu ?? [])}
                  memoryPath={sparkPath(series?.memory ?? [])}
                  replicas={firstOf(live.rows, row) ? replicasOf(live.rows, row.process) : 0}
                  onToggle={onToggle}
                  onLogs={onLogsStable}
                />
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="empty">
            {live.rows.length === 0 ? 'no processes yet' : 'nothing matches the filter'}
          </p>
        )}
      </div>
    </section>
  );
}

/** The row that carries a process's scale buttons: its first instance. */
function firstOf(rows: Row[], row: Row): boolean {
  return rows.find((other) => other.process === row.process) === row;
}

/** Replicas of a process: the instances the rows list for it (counted once per push, not per row). */
function replicasOf(rows: Row[], process: string): number {
  let count = 0;
  for (const row of rows) if (row.process === process) count += 1;
  return count;
}

function inScope(row: Row, scope: string): boolean {
  if (scope.startsWith('group:')) return row.group === scope.slice('group:'.length);
  return row.tags.includes(scope.slice('tag:'.length));
}
