import { useEffect, useState } from 'react';
import type { Row, StateEvent } from './api.js';
import { tickUptime } from './process-row.js';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** Points kept per process for sparklines and the resources view (at 2 s a point: 20 minutes). */
export const HISTORY_POINTS = 600;

export interface Series {
  time: number[];
  cpu: (number | null)[];
  memory: (number | null)[];
}

export interface Warning {
  process: string;
  kind: string;
  message: string;
  time: number;
}

export interface LiveState {
  connection: Connection;
  rows: Row[];
  /** When `rows` came (epoch ms). */
  rowsTime: number;
  /** When each process last entered each state (epoch ms), for start-up timings in the graph. */
  entered: Map<string, Map<string, number>>;
  history: Map<string, Series>;
  warnings: Warning[];
  /** Bumped on every change: the maps above are mutated in place. */
  version: number;
}

/** As many as the supervisor keeps (src/supervisor/warning-history.ts). */
const KEPT_WARNINGS = 100;

function sameWarning(a: Warning, b: Warning): boolean {
  return a.time === b.time && a.process === b.process && a.kind === b.kind;
}

const RETRY_MS = [250, 500, 1000, 2000];

/**
 * Follows `GET /v1/events?rows=1`: the rows come pushed (after each change and every 2 s), never
 * polled. A lost stream (the supervisor restarting, the dashboard's server gone) is opened again
 * with a growing delay; meanwhile `connection` says `reconnecting`.
 */
export function useLive(): LiveState {
  const [state, setState] = useState<LiveState>(() => ({
    connection: 'connecting',
    rows: [],
    rowsTime: 0,
    entered: new Map(),
    history: new Map(),
    warnings: [],
    version: 0,
  }));
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;
    let stopped = false;
    const update = (change: (draft: LiveState) => Partial<LiveState>): void =>
      setState((previous) => ({ ...previous, ...change(previous), version: previous.version + 1 }));
    // The first rows: index.html preloads this answer while the script loads, so the table can be
    // drawn as soon as React is, without waiting for the stream's first event.
    fetch('/v1/processes').then(
      async (response) => {
        if (!response.ok) return;
        const rows = (await response.json()) as Row[];
        const now = Date.now();
        tickUptime(now);
        update((draft) => (draft.rowsTime === 0 ? { rows, rowsTime: now } : {}));
      },
      // The stream below says what is wrong (reconnecting…) and brings the rows when it can.
      () => undefined,
    );
    const open = (): void => {
      source = new EventSource('/v1/events?rows=1');
      source.addEventListener('rows', (event) => {
        failures = 0;
        const rows = JSON.parse((event as MessageEvent<string>).data) as Row[];
        const now = Date.now();
        tickUptime(now);
        update((draft) => {
          for (const row of rows) {
            const series = draft.history.get(row.name) ?? { time: [], cpu: [], memory: [] };
            series.time.push(now / 1000);
            series.cpu.push(row.cpu);
            series.memory.push(row.memory);
            if (series.time.length > HISTORY_POINTS) {
              series.time.shift();
              series.cpu.shift();
              series.memory.shift();
            }
            draft.history.set(row.name, series);
          }
          return { rows, rowsTime: now, connection: 'live' };
        });
      });
      source.addEventListener('state', (event) => {
        const change = JSON.parse((event as MessageEvent<string>).data) as StateEvent;
        update((draft) => {
          const byState = draft.entered.get(change.process) ?? new Map<string, number>();
          byState.set(change.to, change.time);
          draft.entered.set(change.process, byState);
          return {};
        });
      });
      source.addEventListener('warning', (event) => {
        const warning = JSON.parse((event as MessageEvent<string>).data) as Warning;
        // The stream sends the supervisor's kept ones first, again after each reconnect.
        update((draft) =>
          draft.warnings.some((seen) => sameWarning(seen, warning))
            ? {}
            : { warnings: [...draft.warnings.slice(-(KEPT_WARNINGS - 1)), warning] },
        );
      });
      source.onerror = () => {
        update(() => ({ connection: 'reconnecting' }));
        // EventSource retries by itself only after a dropped connection, not after an error status
        // (the dashboard's 502 while no supervisor answers): then it is closed and opened here.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 2000;
          failures += 1;
          retry = setTimeout(open, delay);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      if (retry !== null) clearTimeout(retry);
    };
  }, []);
  return state;
}
