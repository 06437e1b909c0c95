import pc from 'picocolors';
import stringWidth from 'string-width';

export type Colors = ReturnType<typeof pc.createColors>;
export type Paint = (text: string) => string;

export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

const STATUS_PAINT: Record<string, (c: Colors) => Paint> = {
  ready: (c) => c.green,
  running: (c) => c.green,
  starting: (c) => c.cyan,
  pending: (c) => c.dim,
  paused: (c) => c.magenta,
  stopping: (c) => c.yellow,
  stopped: (c) => c.dim,
  completed: (c) => c.blue,
  backoff: (c) => c.yellow,
  crashed: (c) => c.red,
  failed: (c) => (text) => c.bold(c.red(text)),
};

/** The colour of a state in the table (and the summary in the header). */
export function statusPaint(c: Colors, status: string): Paint {
  return (STATUS_PAINT[status] ?? ((colors: Colors) => colors.dim))(c);
}

export function healthPaint(c: Colors, health: string): Paint {
  return health === 'healthy' ? c.green : health === 'unhealthy' ? c.red : c.dim;
}

/** One colour per process name, as the prefixed printer assigns them. */
export function processPalette(c: Colors): Paint[] {
  return [c.cyan, c.yellow, c.green, c.magenta, c.blue, c.redBright, c.cyanBright, c.yellowBright];
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of the last `width` values; `null` (not measured) shows as a space. `max` fixes the top
 * of the scale (100 for CPU: an idle process stays flat); otherwise the values' own range is used.
 */
export function sparkline(values: readonly (number | null)[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const numbers = shown.filter((value): value is number => value !== null);
  const top = max ?? Math.max(0, ...numbers);
  const bottom = max === undefined ? Math.min(...numbers, top) : 0;
  const span = top - bottom;
  const bars = shown.map((value) => {
    if (value === null) return ' ';
    if (span <= 0) return value > 0 && max === undefined ? BARS[3] : BARS[0];
    const index = Math.round(((Math.min(value, top) - bottom) / span) * (BARS.length - 1));
    return BARS[Math.max(0, Math.min(BARS.length - 1, index))];
  });
  return bars.join('').padStart(width, ' ');
}

/** Plain text cut or padded to exactly `width` columns (an ellipsis marks a cut). */
export function fitText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is being matched.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed.
const CONTROLS = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour sequence is what is kept.
const SGR = /^\u001b\[[0-9;:]*m$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape that starts no sequence is dropped.
const LONE_ESCAPE = /\u001b(?!\[)/g;

/**
 * A log line made safe to draw: colour (SGR) sequences stay, every other escape — cursor moves,
 * screen clears, titles a child may print — and control characters go, so a process cannot scribble
 * over the UI. Tabs become spaces (their width depends on the column they start in).
 */
export function sanitizeLine(text: string): string {
  let safe = text;
  if (safe.includes('\u001b')) {
    safe = safe.replace(ESCAPES, (sequence) => (SGR.test(sequence) ? sequence : '')).replace(LONE_ESCAPE, '');
  }
  if (safe.includes('\t')) safe = safe.replaceAll('\t', '    ');
  return safe.replace(CONTROLS, '');
}

/**
 * Uptime as the table shows it: seconds only in the first minute (`45s`, `12m`, `3h12m`, `2d4h`), so
 * an idle dashboard of settled processes has nothing to redraw every second.
 */
export function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${hours % 24}h`;
}

/** `12.3%` / `0.4%` / `-`. */
export function formatPercent(value: number | null): string {
  if (value === null) return '-';
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export { formatBytes, formatUptime } from '../terminal/process-table.js';

/**
 * `text` cut to `width` terminal columns, colour codes kept (and closed when the cut falls inside a
 * coloured span). ASCII is counted directly; other characters through string-width, as ink counts.
 */
export function clipLine(text: string, width: number): string {
  let columns = 0;
  let index = 0;
  let styled = false;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x1b) {
      const end = text.indexOf('m', index);
      if (end === -1) break;
      styled = true;
      index = end + 1;
      continue;
    }
    const point = text.codePointAt(index) ?? code;
    const char = String.fromCodePoint(point);
    const cells = point >= 0x20 && point < 0x7f ? 1 : cellsOf(point, char);
    if (columns + cells > width) return `${text.slice(0, index)}${styled ? RESET : ''}`;
    columns += cells;
    index += char.length;
  }
  return text;
}

const RESET = '\u001b[0m';

/** Widths of the non-ASCII characters seen (box drawing, sparklines, names), bounded. */
const widths = new Map<number, number>();

function cellsOf(point: number, char: string): number {
  let cells = widths.get(point);
  if (cells === undefined) {
    cells = stringWidth(char);
    if (widths.size >= 4096) widths.clear();
    widths.set(point, cells);
  }
  return cells;
}
