import type { ProcessRow } from '../supervisor/process-rows.js';
import {
  type Colors,
  fitText,
  formatAge,
  formatBytes,
  formatPercent,
  healthPaint,
  type Paint,
  sparkline,
  statusPaint,
} from './format.js';

/** One instance as the table draws it: its row plus what comes from elsewhere (metrics, git). */
export interface RowView {
  row: ProcessRow;
  branch: string | null;
  /** CPU percent and memory bytes over the last minute, oldest first. */
  cpu: readonly (number | null)[];
  memory: readonly (number | null)[];
}

interface Column {
  title: string;
  width: number;
  /** Columns with the lowest drop rank go first when the terminal is too narrow. */
  drop: number;
  align: 'left' | 'right';
  text(view: RowView): string;
  paint?(c: Colors, view: RowView): Paint;
}

const SPARK = 10;

function tagsOf(row: ProcessRow): string {
  const parts = [...(row.group === null ? [] : [row.group]), ...row.tags.map((tag) => `#${tag}`)];
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Every column but the name, in display order. */
const COLUMNS: Column[] = [
  {
    title: 'STATUS',
    width: 9,
    drop: 99,
    align: 'left',
    text: (v) => v.row.status,
    paint: (c, v) => statusPaint(c, v.row.status),
  },
  {
    title: 'HEALTH',
    width: 9,
    drop: 6,
    align: 'left',
    text: (v) => (v.row.health === 'unknown' ? '-' : v.row.health),
    paint: (c, v) => healthPaint(c, v.row.health),
  },
  {
    title: 'PID',
    width: 7,
    drop: 5,
    align: 'right',
    text: (v) => (v.row.pid === null ? '-' : String(v.row.pid)),
  },
  { title: 'UPTIME', width: 7, drop: 8, align: 'right', text: (v) => formatAge(v.row.uptime_ms) },
  {
    title: '↻',
    width: 3,
    drop: 7,
    align: 'right',
    text: (v) => String(v.row.restarts),
    paint: (c, v) => (v.row.restarts > 0 ? c.yellow : (t) => t),
  },
  { title: 'CPU', width: 6, drop: 98, align: 'right', text: (v) => formatPercent(v.row.cpu) },
  {
    title: '',
    width: SPARK,
    drop: 3,
    align: 'left',
    text: (v) => sparkline(v.cpu, SPARK, 100),
    paint: (c) => c.cyan,
  },
  { title: 'MEM', width: 8, drop: 97, align: 'right', text: (v) => formatBytes(v.row.memory) },
  {
    title: '',
    width: SPARK,
    drop: 4,
    align: 'left',
    text: (v) => sparkline(v.memory, SPARK),
    paint: (c) => c.magenta,
  },
  {
    title: 'PORTS',
    width: 11,
    drop: 2,
    align: 'left',
    text: (v) => (v.row.ports.length === 0 ? '-' : v.row.ports.map((p) => `:${p}`).join(',')),
  },
  { title: 'BRANCH', width: 12, drop: 1, align: 'left', text: (v) => v.branch ?? '-', paint: (c) => c.dim },
  { title: 'GROUP/TAGS', width: 16, drop: 0, align: 'left', text: (v) => tagsOf(v.row), paint: (c) => c.dim },
];

const GAP = 1;
const MARKER = 2;

export interface TableLayout {
  nameWidth: number;
  columns: Column[];
  width: number;
}

/** Chooses the columns that fit in `width`, dropping the least important first. */
export function layoutTable(width: number, names: readonly string[]): TableLayout {
  const nameWidth = Math.min(28, Math.max(4, ...names.map((name) => name.length)));
  let columns = [...COLUMNS];
  const needed = (list: Column[]): number =>
    MARKER + nameWidth + list.reduce((sum, column) => sum + GAP + column.width, 0);
  while (needed(columns) > width && columns.length > 0) {
    const cheapest = columns.reduce((low, column) => (column.drop < low.drop ? column : low));
    columns = columns.filter((column) => column !== cheapest);
  }
  return { nameWidth, columns, width };
}

export function headerLine(layout: TableLayout, c: Colors): string {
  const cells = layout.columns.map((column) => fitText(column.title, column.width, column.align));
  return c.bold(`${' '.repeat(MARKER)}${fitText('NAME', layout.nameWidth)} ${cells.join(' ')}`.trimEnd());
}

/**
 * One table line. The selected row gets a marker and, while the table has focus, inverse video; the
 * marker keeps the selection visible without colour (NO_COLOR, screen readers, `capture-pane`).
 */
export function rowLine(
  layout: TableLayout,
  view: RowView,
  c: Colors,
  selection: 'none' | 'selected' | 'focused',
): string {
  const cells = layout.columns.map((column) => {
    const text = fitText(column.text(view), column.width, column.align);
    return column.paint === undefined ? text : column.paint(c, view)(text);
  });
  const marker = selection === 'none' ? '  ' : '› ';
  const name = fitText(view.row.name, layout.nameWidth);
  const line = `${marker}${selection === 'focused' ? c.inverse(c.bold(name)) : selection === 'selected' ? c.bold(name) : name} ${cells.join(' ')}`;
  return line.trimEnd();
}

/** The reason a failed (or crashed, backing-off) instance is in its state, on one line. */
export function reasonLine(view: RowView, c: Colors, width: number): string | null {
  const { row } = view;
  if (row.reason === null || !['failed', 'crashed', 'backoff'].includes(row.status)) return null;
  return c.red(fitText(`    ↳ ${row.reason}`, Math.max(1, width)).trimEnd());
}
