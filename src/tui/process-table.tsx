import { useRef } from 'react';
import type { ProcessRow } from '../supervisor/process-rows.js';
import type { Colors } from './format.js';
import { Lines } from './lines.js';
import type { TuiSource } from './source.js';
import { headerLine, layoutTable, type RowView, reasonLine, rowLine } from './table-columns.js';

/** Span of the sparklines in the table. */
export const SPARK_WINDOW_MS = 60_000;

export interface ProcessTableProps {
  rows: readonly ProcessRow[];
  selected: string | null;
  focused: boolean;
  width: number;
  height: number;
  c: Colors;
  source: TuiSource;
  now: number;
}

interface Extras {
  at: number;
  branch: string | null;
  cpu: (number | null)[];
  memory: (number | null)[];
}

/**
 * The process table: a header and one line per instance (plus a reason line under a failed one),
 * scrolled to keep the selection in view. Histories and branches change once a second at most, so
 * they are read once a second per visible row, not every frame.
 */
export function ProcessTable({ rows, selected, focused, width, height, c, source, now }: ProcessTableProps) {
  const offset = useRef(0);
  const extras = useRef(new Map<string, Extras>());
  const layout = layoutTable(
    width,
    rows.map((row) => row.name),
  );
  const body: string[] = [];
  const viewOf = (row: ProcessRow): RowView => {
    let extra = extras.current.get(row.name);
    if (extra === undefined || now - extra.at >= 1000) {
      const points = source.history(row.name, now - SPARK_WINDOW_MS);
      extra = {
        at: now,
        branch: source.branch(row.name),
        cpu: points.map((point) => point.cpu),
        memory: points.map((point) => point.memory),
      };
      extras.current.set(row.name, extra);
    }
    return { row, branch: extra.branch, cpu: extra.cpu, memory: extra.memory };
  };
  // Only rows in the window are formatted; it moves with the selection, a row at a time.
  const visible = Math.max(1, height - 1);
  const index = Math.max(
    0,
    rows.findIndex((row) => row.name === selected),
  );
  offset.current = Math.max(0, Math.min(offset.current, index));
  for (;;) {
    body.length = 0;
    let used = 0;
    let shown = false;
    for (let at = offset.current; at < rows.length && used < visible; at += 1) {
      const row = rows[at] as ProcessRow;
      const view = viewOf(row);
      const mark = row.name !== selected ? 'none' : focused ? 'focused' : 'selected';
      const reason = reasonLine(view, c, width);
      const lines =
        reason === null ? [rowLine(layout, view, c, mark)] : [rowLine(layout, view, c, mark), reason];
      body.push(...lines);
      used += lines.length;
      if (at === index && used <= visible) shown = true;
    }
    if (shown || offset.current >= index) break;
    offset.current += 1;
  }
  for (const id of extras.current.keys()) if (!rows.some((row) => row.name === id)) extras.current.delete(id);
  const lines = [headerLine(layout, c), ...body];
  if (rows.length === 0) lines.push(c.dim('  no processes match the filter (f changes it)'));
  return <Lines lines={lines} height={height} />;
}

/** Lines the table wants: header, rows, reason lines. */
export function tableLinesWanted(rows: readonly ProcessRow[]): number {
  const reasons = rows.filter(
    (row) => row.reason !== null && ['failed', 'crashed', 'backoff'].includes(row.status),
  );
  return 1 + Math.max(1, rows.length) + reasons.length;
}
