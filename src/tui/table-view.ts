import type { ProcessRow } from '../supervisor/process-rows.js';
import type { Colors } from './format.js';
import type { TuiSource } from './source.js';
import { headerLine, layoutTable, type RowView, reasonLine, rowLine } from './table-columns.js';

/** Span of the sparklines in the table. */
export const SPARK_WINDOW_MS = 60_000;

interface Extras {
  branch: string | null;
  cpu: (number | null)[];
  memory: (number | null)[];
}

export interface TableInput {
  rows: readonly ProcessRow[];
  /**
   * The source's rows as read this frame: a new array means new figures, and the graphs and branches
   * are read again with them — so one sample changes the table once, not in two steps.
   */
  snapshot: readonly ProcessRow[];
  selected: string | null;
  focused: boolean;
  width: number;
  height: number;
  c: Colors;
  source: TuiSource;
  now: number;
}

const REASON_STATES = new Set(['failed', 'crashed', 'backoff']);

/** Lines the table wants: header, rows, reason lines. */
export function tableLinesWanted(rows: readonly ProcessRow[]): number {
  const reasons = rows.filter((row) => row.reason !== null && REASON_STATES.has(row.status)).length;
  return 1 + Math.max(1, rows.length) + reasons;
}

/**
 * The process table: a header and one line per instance (plus a reason line under a failed one),
 * scrolled to keep the selection in view. Histories and branches are read for the visible rows when
 * the source has new rows (about once a second), not every frame.
 */
export class TableView {
  #offset = 0;
  readonly #extras = new Map<string, Extras>();
  #snapshot: readonly ProcessRow[] | null = null;

  lines({ rows, snapshot, selected, focused, width, height, c, source, now }: TableInput): string[] {
    if (snapshot !== this.#snapshot) {
      this.#snapshot = snapshot;
      this.#extras.clear();
    }
    const layout = layoutTable(
      width,
      rows.map((row) => row.name),
    );
    const visible = Math.max(1, height - 1);
    const index = Math.max(
      0,
      rows.findIndex((row) => row.name === selected),
    );
    this.#offset = Math.max(0, Math.min(this.#offset, index));
    let body: string[] = [];
    // The window moves with the selection, a row at a time; only rows in it are formatted.
    for (;;) {
      body = [];
      let shown = false;
      for (let at = this.#offset; at < rows.length && body.length < visible; at += 1) {
        const row = rows[at] as ProcessRow;
        const view = this.#view(row, source, now);
        const mark = row.name !== selected ? 'none' : focused ? 'focused' : 'selected';
        body.push(rowLine(layout, view, c, mark));
        const reason = reasonLine(view, c, width);
        if (reason !== null) body.push(reason);
        if (at === index && body.length <= visible) shown = true;
      }
      if (shown || this.#offset >= index) break;
      this.#offset += 1;
    }
    const lines = [headerLine(layout, c), ...body];
    if (rows.length === 0) lines.push(c.dim('  no processes match the filter (f changes it)'));
    return lines.slice(0, height);
  }

  #view(row: ProcessRow, source: TuiSource, now: number): RowView {
    let extra = this.#extras.get(row.name);
    if (extra === undefined) {
      const points = source.history(row.name, now - SPARK_WINDOW_MS);
      extra = {
        branch: source.branch(row.name),
        cpu: points.map((point) => point.cpu),
        memory: points.map((point) => point.memory),
      };
      this.#extras.set(row.name, extra);
    }
    return { row, branch: extra.branch, cpu: extra.cpu, memory: extra.memory };
  }
}
