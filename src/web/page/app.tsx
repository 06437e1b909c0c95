import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { act } from './api.js';
import { useLive } from './live.js';
import { Processes } from './processes.js';
import { Warnings } from './warnings.js';

// The first view needs none of these: each is its own chunk (dagre, uPlot, the virtualizer), loaded
// when its view opens, so the page's first rows wait only for React and the table.
const Logs = lazy(() => import('./logs.js').then((module) => ({ default: module.Logs })));
const GraphView = lazy(() => import('./graph.js').then((module) => ({ default: module.GraphView })));
const Reports = lazy(() => import('./reports.js').then((module) => ({ default: module.Reports })));
const Resources = lazy(() => import('./resources.js').then((module) => ({ default: module.Resources })));

const VIEWS = ['processes', 'logs', 'graph', 'reports', 'resources'] as const;
type View = (typeof VIEWS)[number];

function viewFromHash(): View {
  const name = location.hash.replace(/^#/, '').split('/')[0];
  return VIEWS.find((view) => view === name) ?? 'processes';
}

/**
 * The dashboard: a header (views, connection state) over one view. Keys as in the TUI: `/` search
 * or filter, `r` restart the selected processes, `1`…`5` the views.
 */
export function App() {
  const live = useLive();
  const [view, setView] = useState<View>(viewFromHash);
  const [logProcess, setLogProcess] = useState(() => decodeURIComponent(location.hash.split('/')[1] ?? ''));
  const [logSince, setLogSince] = useState('');
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const go = (next: View, process?: string, since = ''): void => {
    setView(next);
    setLogSince(since);
    if (process !== undefined) setLogProcess(process);
    history.replaceState(
      null,
      '',
      `#${next}${next === 'logs' && (process ?? logProcess) !== '' ? `/${encodeURIComponent(process ?? logProcess)}` : ''}`,
    );
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (
        target !== null &&
        (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')
      ) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '/') {
        event.preventDefault();
        (view === 'logs' ? searchRef : filterRef).current?.focus();
      } else if (event.key === 'r' && selected.size > 0) {
        const targets = [...selected];
        setNotice(`restarting ${targets.join(', ')}…`);
        act('restart', targets).then(
          () => setNotice(null),
          (error: unknown) => setNotice(error instanceof Error ? error.message : String(error)),
        );
      } else if (/^[1-5]$/.test(event.key)) {
        go(VIEWS[Number(event.key) - 1] ?? 'processes');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const failed = live.rows.filter((row) => row.status === 'failed' || row.status === 'crashed').length;
  return (
    <div className="app">
      <header>
        <strong className="brand">ovrseer</strong>
        <nav>
          {VIEWS.map((name, index) => (
            <button
              key={name}
              type="button"
              className={view === name ? 'current' : ''}
              aria-current={view === name}
              onClick={() => go(name)}
              title={`${index + 1}`}
            >
              {name}
              {name === 'processes' && live.rows.length > 0 && (
                <span className="count">{live.rows.length}</span>
              )}
              {name === 'processes' && failed > 0 && <span className="count bad">{failed}</span>}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        <Warnings warnings={live.warnings} />
        {notice !== null && (
          <span className="notice" role="status">
            {notice}
          </span>
        )}
        <span className={`connection ${live.connection}`} role="status" data-connection={live.connection}>
          {live.connection === 'live'
            ? 'live'
            : live.connection === 'connecting'
              ? 'connecting…'
              : 'reconnecting…'}
        </span>
      </header>
      <main>
        <Suspense fallback={<p className="empty">loading…</p>}>
          {view === 'processes' && (
            <Processes
              live={live}
              filter={filter}
              onFilter={setFilter}
              filterRef={filterRef}
              selected={selected}
              onSelect={setSelected}
              onLogs={(name) => go('logs', name)}
            />
          )}
          {view === 'logs' && (
            <Logs
              rows={live.rows}
              process={logProcess}
              since={logSince}
              onProcess={(name) => go('logs', name)}
              searchRef={searchRef}
            />
          )}
          {view === 'graph' && <GraphView live={live} />}
          {view === 'reports' && (
            <Reports version={live.version} onLogs={(name, since) => go('logs', name, since)} />
          )}
          {view === 'resources' && <Resources live={live} />}
        </Suspense>
      </main>
    </div>
  );
}
